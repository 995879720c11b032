// The catalog operations behind the HTTP API: enrolment tokens, downloads decided and audited,
// install reports received once, check-ins, the generation.
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/engines.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog {
namespace {

using namespace catalog::testing;

class CatalogRequestsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    m_catalog = open_test_catalog(GetParam(), m_dir.path());
    ASSERT_TRUE(m_catalog);
    ASSERT_TRUE(succeeded(m_catalog->apply_products({sql_server_2005()}, at("2016-01-01"))));
    ASSERT_TRUE(succeeded(m_catalog->add_update(critical_update(), at("2016-01-01"))));
    ServiceOrder order;
    order.customer_id = "contoso";
    order.customer_name = "Contoso Ltd";
    order.contract = Contract{2, d("2016-01-01"), d("2017-12-31")};
    order.sites = {"paris"};
    order.contacts = {{"alice@contoso.example", "Alice"}};
    auto enrolment = standard_enrolment();
    enrolment.type = EnrolmentType::essentials;
    enrolment.purchases = {Purchase{"KB4057113", 1}};
    enrolment.migration_plan = MigrationPlan{2, {{d("2016-10-13"), 2}}, d("2017-07-12")};
    order.enrolments = {enrolment};
    ASSERT_TRUE(succeeded(m_catalog->apply_order(order, at("2016-01-01"))));
  }

  static AuditContext at(const char* date) { return AuditContext{d(date), "test"}; }

  void store_token(const std::string& id, std::int64_t uses, const char* expires) {
    ASSERT_TRUE(
        m_catalog->store_enrolment_token(EnrolmentToken{id, "hash-" + id, "contoso", "paris", "sql-server-2005-sp4",
                                                        uses, d(expires), "alice@contoso.example"},
                                         at("2016-11-01")));
  }

  Result<RegistrationOutcome> register_with(const std::string& token, const std::string& credential_id) {
    return m_catalog->register_with_token(
        token, DeviceRegistration{std::nullopt, "contoso", "paris", "sql-server-2005-sp4", "SP4", "en-US"},
        StoredCredential{credential_id, "secret-hash", {}}, "", at("2016-11-01"));
  }

  Result<DownloadOutcome> download(const Principal& caller, const char* date) {
    return m_catalog->authorise_download(
        DownloadRequest{caller, "KB4057113", "sql-server-2005-sp4", "sql-server-2005-sp4/KB4057113/x.cab", "10.0.0.9"},
        at(date));
  }

  lifeline::testing::TempDir m_dir;
  std::unique_ptr<Catalog> m_catalog;
};

TEST_P(CatalogRequestsTest, ATokenRegistersItsUsesAndTheDeviceCredentialWithTheDevice) {
  store_token("t1", 1, "2016-11-08");
  const auto first = register_with("t1", "c1");
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->device);
  const auto credential = m_catalog->find_credential("c1");
  ASSERT_TRUE(credential && *credential);
  EXPECT_EQ((*credential)->principal.role, Role::device);
  EXPECT_EQ((*credential)->principal.subject, first->device->id);
  EXPECT_EQ((*credential)->principal.customer, "contoso");
  EXPECT_EQ(m_catalog->find_enrolment_token("t1").value()->uses, 0);
  const auto second = register_with("t1", "c2");
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("used up"), std::string::npos);
  EXPECT_FALSE(m_catalog->find_credential("c2").value()) << "nothing half-written";
}

TEST_P(CatalogRequestsTest, AnExpiredTokenRegistersNothing) {
  store_token("t1", 5, "2016-10-31");
  const auto refused = register_with("t1", "c1");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("expired"), std::string::npos);
  EXPECT_TRUE(m_catalog->list_devices("contoso").value().empty());
}

TEST_P(CatalogRequestsTest, ARegistrationTheRulesRefuseUsesNoTokenUse) {
  store_token("t1", 5, "2016-11-08");
  ASSERT_TRUE(register_with("t1", "c1")->device);
  ASSERT_TRUE(register_with("t1", "c2")->device);
  const auto refused = register_with("t1", "c3");
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->device);
  EXPECT_EQ(m_catalog->find_enrolment_token("t1").value()->uses, 3);
  EXPECT_FALSE(m_catalog->find_credential("c3").value());
}

TEST_P(CatalogRequestsTest, ADownloadIsDecidedConsumedAndAuditedForTheCaller) {
  store_token("t1", 2, "2016-11-08");
  const auto one = register_with("t1", "c1")->device->id;
  const auto two = register_with("t1", "c2")->device->id;
  const auto first = download(Principal{Role::device, one, "contoso"}, "2017-02-01");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->decision.allowed);
  EXPECT_TRUE(first->consumed_purchase);
  const auto again = download(Principal{Role::device, one, "contoso"}, "2017-02-02");
  EXPECT_TRUE(again->decision.allowed) << "a lost copy is downloaded again (CS-14)";
  EXPECT_FALSE(again->consumed_purchase);
  const auto other = download(Principal{Role::device, two, "contoso"}, "2017-02-01");
  EXPECT_EQ(codes(other->decision), std::vector<std::string>{"PURCHASE_EXHAUSTED"});
  const auto after_term = download(Principal{Role::device, one, "contoso"}, "2019-05-01");
  EXPECT_FALSE(after_term->decision.allowed) << "no replacement once Custom Support has ended (CS-14)";
  const auto stranger = download(Principal{Role::contact, "mallory@example.com", std::nullopt}, "2017-02-01");
  EXPECT_EQ(codes(stranger->decision), std::vector<std::string>{"CONTACT_NOT_DESIGNATED"});
  int allowed = 0;
  int denied = 0;
  const auto trail = m_catalog->audit_trail(std::nullopt);
  ASSERT_TRUE(trail);
  for (const auto& entry : *trail) {
    allowed += entry.action == "download.allow" ? 1 : 0;
    denied += entry.action == "download.deny" ? 1 : 0;
    if (entry.action.starts_with("download.")) {
      EXPECT_NE(entry.detail.find("\"from\":\"10.0.0.9\""), std::string::npos) << entry.detail;
    }
  }
  EXPECT_EQ(allowed, 2);
  EXPECT_EQ(denied, 3);
}

TEST_P(CatalogRequestsTest, AReportIsCountedOnceAndAFailureIsRecorded) {
  store_token("t1", 1, "2016-11-08");
  const auto device = register_with("t1", "c1")->device->id;
  const InstallReport report{"r1", device, "KB4057113", ReportOutcome::installed, "", ""};
  const auto first = m_catalog->record_report(report, at("2017-02-01"));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  EXPECT_EQ(first->state, "installed");
  const auto generation = m_catalog->generation().value();
  const auto again = m_catalog->record_report(report, at("2017-02-02"));
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->state, "installed");
  EXPECT_EQ(m_catalog->generation().value(), generation) << "a duplicate changes nothing";
  EXPECT_EQ(m_catalog->installed_updates(device).value(), std::vector<std::string>{"KB4057113"});
  const auto failed = m_catalog->record_report(
      InstallReport{"r2", device, "KB4057113", ReportOutcome::failed, "disk full", ""}, at("2017-02-03"));
  EXPECT_EQ(failed->state, "failed");
  EXPECT_GT(m_catalog->generation().value(), generation);
}

TEST_P(CatalogRequestsTest, ACheckInWritesOnlyWhatChanged) {
  store_token("t1", 1, "2016-11-08");
  const auto device = register_with("t1", "c1")->device->id;
  const auto seen = m_catalog->record_check_in(device, "SP4", "en-US", at("2017-02-01"));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->last_seen, d("2017-02-01"));
  const auto generation = m_catalog->generation().value();
  ASSERT_TRUE(succeeded(m_catalog->record_check_in(device, "SP4", "en-US", at("2017-02-01"))));
  EXPECT_EQ(m_catalog->generation().value(), generation) << "nothing to audit";
  const auto changed = m_catalog->record_check_in(device, "SP3", "en-US", at("2017-02-01"));
  EXPECT_EQ(changed->service_pack, "SP3");
  EXPECT_GT(m_catalog->generation().value(), generation) << "an inventory change is audited";
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogRequestsTest, k_engines, engine_name);

} // namespace
} // namespace lifeline::catalog
