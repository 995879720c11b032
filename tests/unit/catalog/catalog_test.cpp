// The catalog, on SQLite and PostgreSQL: documents applied all-or-nothing and idempotently, devices, installs.
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/engines.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog {
namespace {

using namespace catalog::testing;

class CatalogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    m_catalog = open_test_catalog(GetParam(), m_dir.path());
    ASSERT_TRUE(m_catalog);
    ASSERT_TRUE(succeeded(m_catalog->apply_products({sql_server_2005()}, at("2016-01-01"))));
    ASSERT_TRUE(succeeded(m_catalog->add_update(critical_update(), at("2016-01-01"))));
    ASSERT_TRUE(succeeded(m_catalog->apply_order(order(), at("2016-01-01"))));
  }

  static AuditContext at(const char* date) { return AuditContext{d(date), "test"}; }

  static ServiceOrder order() {
    ServiceOrder order;
    order.customer_id = "contoso";
    order.customer_name = "Contoso Ltd";
    order.contract = Contract{2, d("2016-01-01"), d("2017-12-31")};
    order.sites = {"paris", "lyon"};
    order.contacts = {{"alice@contoso.example", "Alice"}, {"bob@contoso.example", "Bob"}};
    auto enrolment = standard_enrolment();
    enrolment.migration_plan = MigrationPlan{3, {{d("2016-10-13"), 3}, {d("2017-01-13"), 2}}, d("2017-07-12")};
    order.enrolments = {enrolment};
    return order;
  }

  RegistrationOutcome register_at(const char* date, const char* site = "paris") {
    auto outcome = m_catalog->register_device(
        DeviceRegistration{std::nullopt, "contoso", site, "sql-server-2005-sp4", "SP4", "en-US"}, at(date));
    EXPECT_TRUE(outcome) << outcome.error().message;
    return outcome ? std::move(*outcome) : RegistrationOutcome{};
  }

  rules::Decision decide_for(const std::string& device, const char* date) {
    auto facts = m_catalog->device_facts(device, "KB4057113", d(date));
    EXPECT_TRUE(facts) << facts.error().message;
    return rules::decide(*facts);
  }

  lifeline::testing::TempDir m_dir;
  std::unique_ptr<Catalog> m_catalog;
};

TEST_P(CatalogTest, ApplyingTheSameDocumentTwiceChangesNothing) {
  const auto products = m_catalog->apply_products({sql_server_2005()}, at("2016-01-02"));
  ASSERT_TRUE(products);
  EXPECT_EQ(products->summary.unchanged, 1);
  const auto again = m_catalog->apply_order(order(), at("2016-01-02"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->summary.unchanged, 1);
  EXPECT_EQ(again->summary.updated, 0);
  const auto update = m_catalog->add_update(critical_update(), at("2016-01-02"));
  ASSERT_TRUE(update);
  EXPECT_EQ(update->summary.unchanged, 1);
}

TEST_P(CatalogTest, TheOrderReadBackEqualsTheOrderApplied) {
  const auto stored = m_catalog->find_order("contoso");
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ(**stored, order());
  const auto update = m_catalog->find_update("KB4057113");
  ASSERT_TRUE(update && *update);
  EXPECT_EQ(**update, critical_update());
}

TEST_P(CatalogTest, AContactMissingFromTheNewOrderIsRemovedAtOnce) {
  auto changed = order();
  changed.contacts.pop_back();
  const auto summary = m_catalog->apply_order(changed, at("2016-02-01"));
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->summary.updated, 1);
  EXPECT_EQ(summary->summary.removed, 1);
  const auto facts = m_catalog->contact_facts("bob@contoso.example", "KB4057113", d("2017-02-01"));
  ASSERT_TRUE(facts);
  EXPECT_EQ(codes(rules::decide_for_contact(*facts)), std::vector<std::string>{"CONTACT_NOT_DESIGNATED"});
  const auto alice = m_catalog->contact_facts("alice@contoso.example", "KB4057113", d("2017-02-01"));
  EXPECT_TRUE(rules::decide_for_contact(*alice).allowed);
}

TEST_P(CatalogTest, AContactBelongsToOneCustomerAndARefusedOrderChangesNothing) {
  auto other = order();
  other.customer_id = "fabrikam";
  other.contacts = {{"alice@contoso.example", "Alice"}};
  const auto refused = m_catalog->apply_order(other, at("2016-02-01"));
  ASSERT_TRUE(refused);
  ASSERT_EQ(refused->problems.size(), 1U);
  EXPECT_EQ(refused->problems[0].pointer, "/contacts/0/email");
  EXPECT_EQ(refused->problems[0].rule, "CS-13");
  const auto stored = m_catalog->find_order("fabrikam");
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());
}

TEST_P(CatalogTest, RegistrationStopsAtTheCap) {
  EXPECT_TRUE(register_at("2016-11-01").decision.allowed);
  EXPECT_TRUE(register_at("2016-11-02").decision.allowed);
  EXPECT_TRUE(register_at("2016-11-03").decision.allowed);
  const auto fourth = register_at("2016-11-04");
  EXPECT_FALSE(fourth.decision.allowed);
  EXPECT_FALSE(fourth.device.has_value());
  ASSERT_EQ(fourth.decision.refusals.size(), 1U);
  EXPECT_EQ(fourth.decision.refusals[0].reason, Reason::device_limit_reached);
  EXPECT_EQ(m_catalog->list_devices("contoso")->size(), 3U);
}

TEST_P(CatalogTest, WhenTheCapDropsTheMostRecentlyRegisteredLoseFirst) {
  register_at("2016-11-01");
  register_at("2016-11-02");
  register_at("2016-11-03");
  EXPECT_TRUE(decide_for("dev-3", "2017-01-12").allowed);
  EXPECT_EQ(codes(decide_for("dev-3", "2017-01-13")), std::vector<std::string>{"DEVICE_LIMIT_REACHED"});
  EXPECT_TRUE(decide_for("dev-1", "2017-01-13").allowed);
  EXPECT_TRUE(decide_for("dev-2", "2017-01-13").allowed);
}

TEST_P(CatalogTest, RetiringASpecificDeviceFirstKeepsTheOthers) {
  register_at("2016-11-01");
  register_at("2016-11-02");
  register_at("2016-11-03");
  ASSERT_TRUE(succeeded(m_catalog->retire_device("dev-1", at("2017-01-10"))));
  EXPECT_EQ(codes(decide_for("dev-1", "2017-01-13")), std::vector<std::string>{"DEVICE_RETIRED"});
  EXPECT_TRUE(decide_for("dev-3", "2017-01-13").allowed);
  EXPECT_FALSE(m_catalog->retire_device("dev-1", at("2017-01-11"))) << "retiring twice is refused";
  EXPECT_FALSE(m_catalog->retire_device("dev-404", at("2017-01-11")));
}

TEST_P(CatalogTest, ARetiredDeviceFreesItsPlaceForANewRegistration) {
  register_at("2016-11-01");
  register_at("2016-11-02");
  register_at("2016-11-03");
  ASSERT_TRUE(succeeded(m_catalog->retire_device("dev-2", at("2016-12-01"))));
  EXPECT_TRUE(register_at("2016-12-01").decision.allowed);
}

TEST_P(CatalogTest, GeneratedIdsSkipIdsAlreadyTaken) {
  ASSERT_TRUE(succeeded(m_catalog->register_device(
      DeviceRegistration{"dev-2", "contoso", "paris", "sql-server-2005-sp4", "SP4", "en-US"}, at("2016-11-01"))));
  EXPECT_EQ(register_at("2016-11-02").device->id, "dev-3");
  EXPECT_EQ(register_at("2016-11-03").device->id, "dev-4");
}

TEST_P(CatalogTest, ADeviceIdIsRegisteredOnce) {
  const DeviceRegistration request{"srv-01", "contoso", "paris", "sql-server-2005-sp4", "SP4", "en-US"};
  ASSERT_TRUE(succeeded(m_catalog->register_device(request, at("2016-11-01"))));
  const auto again = m_catalog->register_device(request, at("2016-11-02"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, util::ErrorKind::conflict);
}

TEST_P(CatalogTest, DevicesAreReadAPageAtATimeByKey) {
  auto roomy = order(); // a plan that lets every device below register
  roomy.enrolments[0].migration_plan = MigrationPlan{1000, {{d("2016-10-13"), 1000}}, d("2017-07-12")};
  const auto applied = m_catalog->apply_order(roomy, at("2016-10-20"));
  ASSERT_TRUE(applied && applied->applied());
  for (const char* date : {"2016-11-03", "2016-11-01", "2016-11-01", "2016-11-02", "2016-11-04"}) {
    register_at(date);
  }
  const auto ids = [](const std::vector<Device>& devices) {
    std::vector<std::string> all;
    for (const auto& device : devices) {
      all.push_back(device.id);
    }
    return all;
  };
  const auto first = m_catalog->list_devices_page("contoso", std::nullopt, 2);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(ids(*first), (std::vector<std::string>{"dev-2", "dev-3"})) << "by registration, then sequence";
  // Registered between two pages: one before the cursor, one after; neither moves the others.
  register_at("2016-10-25");
  register_at("2016-12-01");
  auto rest = m_catalog->list_devices_page("contoso", DeviceKey::of(first->back()), 2);
  ASSERT_TRUE(rest);
  EXPECT_EQ(ids(*rest), (std::vector<std::string>{"dev-4", "dev-1"}));
  rest = m_catalog->list_devices_page("contoso", DeviceKey::of(rest->back()), 2);
  EXPECT_EQ(ids(*rest), (std::vector<std::string>{"dev-5", "dev-7"}));
  rest = m_catalog->list_devices_page("contoso", DeviceKey::of(rest->back()), 2);
  EXPECT_TRUE(rest && rest->empty());
  // Every device once, in list_devices' order, whatever the page size.
  const auto all = m_catalog->list_devices("contoso");
  for (const std::int64_t limit : {1, 3, 7, 8}) {
    std::vector<Device> paged;
    std::optional<DeviceKey> after;
    for (;;) {
      const auto page = m_catalog->list_devices_page("contoso", after, limit);
      ASSERT_TRUE(page);
      paged.insert(paged.end(), page->begin(), page->end());
      if (static_cast<std::int64_t>(page->size()) < limit) {
        break;
      }
      after = DeviceKey::of(page->back());
    }
    EXPECT_EQ(paged, *all) << limit;
  }
  EXPECT_TRUE(m_catalog->list_devices_page("fabrikam", std::nullopt, 5)->empty());
}

TEST_P(CatalogTest, EssentialsPurchaseIsConsumedOncePerDevice) {
  auto essentials = order();
  essentials.enrolments[0].type = EnrolmentType::essentials;
  essentials.enrolments[0].purchases = {Purchase{"KB4057113", 1}};
  ASSERT_TRUE(succeeded(m_catalog->apply_order(essentials, at("2016-11-01"))));
  register_at("2016-11-01");
  register_at("2016-11-02");
  const auto first = m_catalog->record_install("dev-1", "KB4057113", at("2017-02-01"));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->decision.allowed);
  EXPECT_TRUE(first->consumed_purchase);
  const auto again = m_catalog->record_install("dev-1", "KB4057113", at("2017-02-02"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->decision.allowed) << "a device that took the update keeps it";
  EXPECT_FALSE(again->consumed_purchase);
  EXPECT_TRUE(again->already_installed);
  const auto second = m_catalog->record_install("dev-2", "KB4057113", at("2017-02-01"));
  ASSERT_TRUE(second);
  EXPECT_EQ(codes(second->decision), std::vector<std::string>{"PURCHASE_EXHAUSTED"});
}

TEST_P(CatalogTest, APurchaseCannotShrinkBelowWhatWasConsumed) {
  auto essentials = order();
  essentials.enrolments[0].type = EnrolmentType::essentials;
  essentials.enrolments[0].purchases = {Purchase{"KB4057113", 2}};
  ASSERT_TRUE(succeeded(m_catalog->apply_order(essentials, at("2016-11-01"))));
  register_at("2016-11-01");
  register_at("2016-11-02");
  ASSERT_TRUE(succeeded(m_catalog->record_install("dev-1", "KB4057113", at("2017-02-01"))));
  ASSERT_TRUE(succeeded(m_catalog->record_install("dev-2", "KB4057113", at("2017-02-01"))));
  essentials.enrolments[0].purchases = {Purchase{"KB4057113", 1}};
  const auto refused = m_catalog->apply_order(essentials, at("2017-03-01"));
  ASSERT_TRUE(refused);
  ASSERT_EQ(refused->problems.size(), 1U);
  EXPECT_EQ(refused->problems[0].pointer, "/enrolments/0/purchases/0/devices");
  essentials.enrolments[0].purchases.clear();
  const auto removed = m_catalog->apply_order(essentials, at("2017-03-01"));
  ASSERT_TRUE(removed);
  ASSERT_EQ(removed->problems.size(), 1U);
  EXPECT_EQ(removed->problems[0].pointer, "/enrolments/0/purchases");
}

TEST_P(CatalogTest, AProductChangeThatWouldInvalidateAnEnrolmentIsRefused) {
  auto moved = sql_server_2005();
  moved.custom_support = Programme{d("2016-11-01"), d("2019-10-31")};
  const auto refused = m_catalog->apply_products({moved}, at("2016-02-01"));
  ASSERT_TRUE(refused);
  ASSERT_FALSE(refused->applied());
  EXPECT_EQ(refused->problems[0].pointer, "/products/0");
  EXPECT_EQ(refused->problems[0].rule, "CS-2");
  EXPECT_NE(refused->problems[0].message.find("contoso"), std::string::npos);
  EXPECT_EQ(m_catalog->find_product("sql-server-2005-sp4")->value(), sql_server_2005()) << "nothing applied";
  auto beta = sql_server_2005();
  beta.prerelease = true;
  beta.custom_support.reset();
  EXPECT_EQ(m_catalog->apply_products({beta}, at("2016-02-01"))->problems.at(0).rule, "CS-17");
}

TEST_P(CatalogTest, AConsumedPurchaseCannotDisappearFromAnEssentialsEnrolment) {
  auto essentials = order();
  essentials.enrolments[0].type = EnrolmentType::essentials;
  essentials.enrolments[0].purchases = {Purchase{"KB4057113", 1}};
  ASSERT_TRUE(succeeded(m_catalog->apply_order(essentials, at("2016-11-01"))));
  register_at("2016-11-01");
  ASSERT_TRUE(succeeded(m_catalog->record_install("dev-1", "KB4057113", at("2017-02-01"))));
  auto standard = essentials;
  standard.enrolments[0].type = EnrolmentType::standard;
  standard.enrolments[0].purchases.clear();
  ASSERT_TRUE(m_catalog->apply_order(standard, at("2017-03-01"))->applied()) << "Standard includes Critical";
  EXPECT_TRUE(decide_for("dev-1", "2017-03-03").allowed);
  essentials.enrolments[0].purchases.clear();
  EXPECT_FALSE(m_catalog->apply_order(essentials, at("2017-03-02"))->applied());
}

TEST_P(CatalogTest, EveryChangeIsInTheAuditTrail) {
  register_at("2016-11-01");
  register_at("2016-11-01", "berlin");
  const auto trail = m_catalog->audit_trail(std::string("contoso"));
  ASSERT_TRUE(trail);
  std::vector<std::string> actions;
  for (const auto& entry : *trail) {
    actions.push_back(entry.action);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"order.apply", "device.register", "device.register.refused"}));
  EXPECT_NE(trail->back().detail.find("SITE_NOT_LISTED"), std::string::npos);
}

TEST_P(CatalogTest, UnknownIdsAreErrorsNotDecisions) {
  EXPECT_EQ(m_catalog->device_facts("dev-404", "KB4057113", d("2017-01-01")).error().kind, util::ErrorKind::not_found);
  register_at("2016-11-01");
  EXPECT_EQ(m_catalog->device_facts("dev-1", "KB404", d("2017-01-01")).error().kind, util::ErrorKind::not_found);
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogTest, k_engines, engine_name);

} // namespace
} // namespace lifeline::catalog
