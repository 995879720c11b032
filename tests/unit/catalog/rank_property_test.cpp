// CS-5 ranks are kept by registrations and retirements rather than counted per decision. A
// randomised sequence of operations (registrations on today's date and back-dated, same-day
// sequences, retirements, quarters stepping the cap down, completion) checks after every step
// that the kept rank of every device equals the counting definition, on several dates.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "catalog/catalog.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/engines.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog {
namespace {

using namespace catalog::testing;

ServiceOrder order_of(const std::string& customer) {
  ServiceOrder order;
  order.customer_id = customer;
  order.customer_name = customer;
  order.contract = Contract{2, d("2016-01-01"), d("2018-12-31")};
  order.sites = {"paris"};
  order.contacts = {{"alice@" + customer + ".example", "Alice"}};
  auto enrolment = standard_enrolment();
  enrolment.start = d("2016-04-13");
  // The cap steps down each quarter, then the plan completes.
  enrolment.migration_plan =
      MigrationPlan{60, {{d("2016-10-13"), 60}, {d("2017-01-13"), 35}, {d("2017-04-13"), 15}}, d("2017-07-12")};
  order.enrolments = {enrolment};
  return order;
}

// The counting definition: devices of the same enrolment registered before the device (date,
// then sequence), registered on `at` and not retired by then.
std::int64_t counted(const std::vector<Device>& devices, const Device& device, Date at) {
  std::int64_t ahead = 0;
  for (const auto& other : devices) {
    const bool before = other.registered < device.registered ||
                        (other.registered == device.registered && other.sequence < device.sequence);
    const bool active = other.registered <= at && !(other.retired && *other.retired <= at);
    ahead += other.customer == device.customer && other.product == device.product && before && active ? 1 : 0;
  }
  return ahead;
}

class RankProperty : public ::testing::TestWithParam<std::string> {};

TEST_P(RankProperty, KeptRanksEqualTheCountingDefinitionAfterEveryOperation) {
  lifeline::testing::TempDir dir;
  auto opened = open_test_catalog(GetParam(), dir.path());
  ASSERT_TRUE(opened);
  auto& catalog = *opened;
  const AuditContext setup{d("2016-01-01"), "test"};
  ASSERT_TRUE(succeeded(catalog.apply_products({sql_server_2005()}, setup)));
  ASSERT_TRUE(succeeded(catalog.add_update(critical_update(), setup)));
  ASSERT_TRUE(succeeded(catalog.apply_order(order_of("contoso"), setup)));
  ASSERT_TRUE(succeeded(catalog.apply_order(order_of("fabrikam"), setup)));

  std::mt19937 random(20261207);
  const auto first = d("2016-10-01").days_since_epoch();
  const auto last = d("2017-08-01").days_since_epoch();
  const auto day = [&](std::int32_t from, std::int32_t to) {
    return Date::from_days(std::uniform_int_distribution<std::int32_t>(from, to)(random));
  };
  auto today = first;
  std::int64_t registered = 0;
  std::int64_t refused = 0;
  std::int64_t retired = 0;
  std::int64_t over_cap_seen = 0;
  constexpr int k_steps = 1500;
  for (int step = 0; step < k_steps; ++step) {
    const auto choice = std::uniform_int_distribution<int>(0, 99)(random);
    if (choice < 5 && today < last) {
      today += std::uniform_int_distribution<std::int32_t>(1, 20)(random); // time passes
    }
    const auto customer = choice % 2 == 0 ? "contoso" : "fabrikam";
    if (choice < 60) {
      // Today, the same day as others (same-day sequence), or back-dated.
      const auto on = choice < 35 ? Date::from_days(today) : day(first, today);
      const auto outcome = catalog.register_device(
          DeviceRegistration{std::nullopt, customer, "paris", "sql-server-2005-sp4", "SP4", "en-US"},
          AuditContext{on, "test"});
      ASSERT_TRUE(outcome) << outcome.error().message;
      (outcome->device ? registered : refused) += 1;
    } else {
      auto devices = catalog.list_devices(customer);
      ASSERT_TRUE(devices);
      std::vector<Device> live;
      for (const auto& device : *devices) {
        if (!device.retired) {
          live.push_back(device);
        }
      }
      if (live.empty()) {
        continue;
      }
      const auto& chosen = live[std::uniform_int_distribution<std::size_t>(0, live.size() - 1)(random)];
      const auto since = chosen.registered.days_since_epoch();
      const auto on = day(std::max(since, today - 30), std::max(today, since));
      ASSERT_TRUE(succeeded(catalog.retire_device(chosen.id, AuditContext{on, "test"})));
      ++retired;
    }
    // Every device, on today's date and on a random date (before some registrations, after some
    // retirements, in another quarter). PostgreSQL runs the same queries a round trip at a time:
    // checked every 30th step there, and at the last.
    if (GetParam() == "postgresql" && step % 30 != 0 && step != k_steps - 1) {
      continue;
    }
    for (const auto* customer_id : {"contoso", "fabrikam"}) {
      auto devices = catalog.list_devices(customer_id);
      ASSERT_TRUE(devices);
      const std::array<Date, 2> dates{Date::from_days(today), day(first, last)};
      for (const auto& device : *devices) {
        for (const auto at : dates) {
          const auto view = catalog.device_view(device.id, at);
          ASSERT_TRUE(view && *view);
          ASSERT_EQ((*view)->active_ahead, counted(*devices, device, at))
              << "step " << step << ", device " << device.id << " on " << at.to_string();
          over_cap_seen += (*view)->active_ahead >= 15 ? 1 : 0;
        }
      }
    }
  }
  // The walk covered what it is meant to.
  EXPECT_GT(registered, 200);
  EXPECT_GT(refused, 10) << "registrations at the cap";
  EXPECT_GT(retired, 100);
  EXPECT_GT(over_cap_seen, 100);
}

INSTANTIATE_TEST_SUITE_P(Engines, RankProperty, k_engines, engine_name);

} // namespace
} // namespace lifeline::catalog
