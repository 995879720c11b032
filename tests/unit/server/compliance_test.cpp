#include <deque>

#include <gtest/gtest.h>

#include "server/service/compliance.hpp"

namespace lifeline::server::service {
namespace {

using catalog::Severity;

util::Date day(const char* text) {
  return util::Date::parse(text).value();
}

// Statuses point at their update and device: these outlive every test.
UpdateStatus status(const char* kb, UpdateState state, std::optional<Severity> severity, const char* released) {
  static std::deque<catalog::Update> updates;
  auto& update = updates.emplace_back();
  update.id = kb;
  update.released = day(released);
  update.products = {catalog::ProductRating{"sql", severity}};
  return UpdateStatus{&update, state, {}, nullptr};
}

DeviceCompliance device(const char* id, bool stale, std::vector<UpdateStatus> updates) {
  static std::deque<catalog::Device> devices;
  auto& device = devices.emplace_back();
  device.id = id;
  device.customer = "contoso";
  device.product = "sql";
  return DeviceCompliance{&device, stale, std::move(updates)};
}

TEST(ProductCompliance, CountsStatesPatchedDevicesAndTheOldestMissingCritical) {
  const std::vector<DeviceCompliance> devices{
      device("dev-1", false,
             {status("KB1", UpdateState::installed, Severity::critical, "2017-01-01"),
              status("KB2", UpdateState::superseded, Severity::important, "2016-06-01")}),
      device("dev-2", true,
             {status("KB1", UpdateState::entitled_missing, Severity::critical, "2017-01-01"),
              status("KB3", UpdateState::entitled_missing, Severity::critical, "2016-12-02"),
              status("KB4", UpdateState::entitled_missing, Severity::important, "2016-01-01")}),
      device("dev-3", false,
             {status("KB1", UpdateState::prerequisite_missing, Severity::critical, "2017-01-01"),
              status("KB5", UpdateState::not_entitled, std::nullopt, "2016-01-01")}),
  };
  const auto summaries = product_compliance(devices, day("2017-01-11"));
  ASSERT_EQ(summaries.size(), 1U);
  const auto& sql = summaries[0];
  EXPECT_EQ(sql.customer, "contoso");
  EXPECT_EQ(sql.product, "sql");
  EXPECT_EQ(sql.devices, 3);
  EXPECT_EQ(sql.fully_patched, 1) << "dev-1 only: a missing prerequisite is not patched";
  EXPECT_EQ(sql.stale, 1);
  EXPECT_EQ(sql.states.at(UpdateState::entitled_missing), 3);
  EXPECT_EQ(sql.states.at(UpdateState::installed), 1);
  EXPECT_EQ(sql.states.at(UpdateState::prerequisite_missing), 1);
  EXPECT_EQ(sql.states.at(UpdateState::not_entitled), 1);
  EXPECT_EQ(sql.states.at(UpdateState::superseded), 1);
  EXPECT_EQ(sql.oldest_missing_critical_days, 40) << "KB3, released 2016-12-02; KB4 is only Important";
}

TEST(ProductCompliance, NoMissingCriticalIsNoAge) {
  const auto summaries = product_compliance(
      {device("dev-1", false, {status("KB1", UpdateState::installed, Severity::critical, "2017-01-01")})},
      day("2017-01-11"));
  ASSERT_EQ(summaries.size(), 1U);
  EXPECT_FALSE(summaries[0].oldest_missing_critical_days);
  EXPECT_EQ(to_string(UpdateState::entitled_missing), "entitled-missing");
}

TEST(MigrationProgress, OneRowPerProgrammeQuarterAgainstThePlansCap) {
  catalog::Product product;
  product.id = "sql";
  product.custom_support = catalog::Programme{day("2016-07-01"), day("2018-06-30")};
  catalog::ServiceOrder order;
  order.customer_id = "contoso";
  catalog::Enrolment enrolment;
  enrolment.product = "sql";
  enrolment.start = day("2016-08-01");
  enrolment.migration_plan = catalog::MigrationPlan{
      10, {{day("2016-07-01"), 3}, {day("2016-10-01"), 2}, {day("2017-01-01"), 1}}, day("2017-03-31")};
  order.enrolments.push_back(enrolment);
  std::vector<catalog::Device> devices(3);
  for (std::size_t i = 0; i < devices.size(); ++i) {
    devices[i].id = "dev-" + std::to_string(i + 1);
    devices[i].product = "sql";
  }
  devices[0].registered = day("2016-07-10");
  devices[1].registered = day("2016-08-10");
  devices[1].retired = day("2016-12-01");
  devices[2].registered = day("2016-11-05");
  const auto rows = migration_progress(order, {product}, devices, day("2016-12-15"));
  ASSERT_EQ(rows.size(), 2U) << "programme quarters 1 (the enrolment's) and 2 (today's)";
  EXPECT_EQ(rows[0].customer, "contoso");
  EXPECT_EQ(rows[0].quarter, 1);
  EXPECT_EQ(rows[0].end, day("2016-09-30"));
  EXPECT_EQ(rows[0].planned, 3);
  EXPECT_EQ(rows[0].registered, 2);
  EXPECT_EQ(rows[0].active, 2);
  EXPECT_EQ(rows[0].over_plan, 0);
  EXPECT_EQ(rows[1].planned, 2);
  EXPECT_EQ(rows[1].registered, 3);
  EXPECT_EQ(rows[1].active, 2) << "dev-2 retired on 2016-12-01";
  EXPECT_EQ(rows[1].over_plan, 0);
  devices[1].retired.reset();
  EXPECT_EQ(migration_progress(order, {product}, devices, day("2016-12-15"))[1].over_plan, 1);
  // After completion the plan allows none: every active device is over it (CS-4).
  const auto late = migration_progress(order, {product}, devices, day("2017-05-02"));
  ASSERT_EQ(late.size(), 4U);
  EXPECT_EQ(late.back().planned, 0);
  EXPECT_EQ(late.back().over_plan, 3);
}

} // namespace
} // namespace lifeline::server::service
