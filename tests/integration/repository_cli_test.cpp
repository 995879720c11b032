// lifeline-server's repository commands end to end: init, publish, statements, export, keys.
#include <gtest/gtest.h>

#include "signing/entitlement_statement.hpp"
#include "signing/tuf/updater.hpp"
#include "tests/integration/repository_world.hpp"
#include "util/date.hpp"
#include "util/file.hpp"

namespace lifeline {
namespace {

class RepositoryCli : public testing::RepositoryWorld {
 protected:
  void SetUp() override {
    ASSERT_EQ(server({"products", "apply", example("products.json")}).exit_code, 0);
    ASSERT_EQ(server({"orders", "apply", example("order-contoso.json")}).exit_code, 0);
    const auto init = server({"init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_NE(init.err.find("DEVELOPMENT ROOT"), std::string::npos);
    testing::write_file(m_dir / "KB4057113.cab", "critical fix payload\n");
    testing::write_file(m_dir / "KB4019089.cab", "important fix payload\n");
    ASSERT_EQ(publish("KB4057113"), 0);
    ASSERT_EQ(publish("KB4019089"), 0);
  }
};

TEST_F(RepositoryCli, InitRefusesToOverwriteARepository) {
  const auto again = server({"init"});
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
}

TEST_F(RepositoryCli, PublishedUpdatesAreInTheCatalogAndVerifiableFromTheExport) {
  EXPECT_EQ(server({"entitlement", "check", "--contact", "alice@contoso.example", "--update", "KB4057113", "--at",
                    "2017-02-01"})
                .exit_code,
            0);
  ASSERT_EQ(server({"repository", "export", "--out", (m_dir / "export").string()}).exit_code, 0);
  EXPECT_EQ(client_download(m_dir / "export", "sql-server-2005-sp4/KB4057113/KB4057113.cab").value(),
            "critical fix payload\n");
  const auto status = server({"repository", "status", "--json"});
  EXPECT_NE(status.out.find("\"development_root\": true"), std::string::npos) << status.out;
}

TEST_F(RepositoryCli, PublishingAManifestThatBreaksARuleSignsNothing) {
  testing::write_file(m_dir / "bad.json", R"({"id": "KB1", "kind": "security", "title": "x", "released": "2018-01-01",
    "products": [{"product": "windows-98", "severity": "critical"}]})");
  const auto refused =
      server({"publish", "--manifest", (m_dir / "bad.json").string(), "--payload", (m_dir / "KB4057113.cab").string()});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("/products/0/product"), std::string::npos);
  EXPECT_EQ(server({"repository", "status", "--json"}).out.find("\"timestamp_version\": 4"), std::string::npos);
}

TEST_F(RepositoryCli, TheEntitlementStatementListsOnlyWhatTheRulesAllow) {
  ASSERT_NO_FATAL_FAILURE(register_contoso_device());
  const auto statement = server({"entitlement", "statement", "--device", "dev-1", "--at", "2017-04-12"});
  ASSERT_EQ(statement.exit_code, 0) << statement.err;
  const auto root_bytes = testing::read_text(m_dir / "data" / "repository" / "metadata" / "1.root.json");
  const auto root = signing::tuf::parse_root(root_bytes).value().signed_part;
  const auto at = util::Date::parse("2017-04-12")->days_since_epoch() * std::int64_t{86400};
  const auto verified = signing::verify_statement(statement.out.substr(0, statement.out.size() - 1), root, "dev-1", at);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->targets, std::vector<std::string>{"sql-server-2005-sp4/KB4057113/KB4057113.cab"})
      << "KB4019089 is Important and contoso has no Important add-on";
  // 2017-04-12 is the last day of programme quarter 4: the statement ends with it.
  EXPECT_EQ(verified->programme_quarter, 4);
  EXPECT_EQ(signing::tuf::format_expires(verified->expires), "2017-04-13T00:00:00Z");
  EXPECT_EQ(
      signing::verify_statement(statement.out.substr(0, statement.out.size() - 1), root, "dev-2", at).error().code,
      signing::tuf::ErrorCode::wrong_subject);
}

TEST_F(RepositoryCli, ARevokedProductKeyMakesItsTargetsUntrusted) {
  ASSERT_EQ(server({"keys", "revoke", "--product", "sql-server-2005-sp4"}).exit_code, 0);
  ASSERT_EQ(server({"repository", "export", "--out", (m_dir / "export").string()}).exit_code, 0);
  EXPECT_EQ(client_download(m_dir / "export", "sql-server-2005-sp4/KB4057113/KB4057113.cab").error().code,
            signing::tuf::ErrorCode::unknown_target);
}

TEST_F(RepositoryCli, ARotatedProductKeyStillServesItsTargets) {
  ASSERT_EQ(server({"keys", "delegate", "--product", "sql-server-2005-sp4"}).exit_code, 0);
  ASSERT_EQ(server({"repository", "export", "--out", (m_dir / "export").string()}).exit_code, 0);
  EXPECT_EQ(client_download(m_dir / "export", "sql-server-2005-sp4/KB4057113/KB4057113.cab").value(),
            "critical fix payload\n");
}

TEST_F(RepositoryCli, RefreshResignsWhatIsAboutToExpire) {
  const auto later = server({"repository", "refresh", "--at", "2099-01-01"});
  ASSERT_EQ(later.exit_code, 0) << later.err;
  EXPECT_NE(later.out.find("snapshot and timestamp re-signed"), std::string::npos);
  EXPECT_NE(later.out.find("root re-signed with the development root key"), std::string::npos);
}

TEST_F(RepositoryCli, RoleNamesThatWouldEscapeOrShadowATopLevelRoleAreRefused) {
  for (const char* product : {"../targets", "../../repository/metadata/leak", "root", "timestamp", ".hidden"}) {
    EXPECT_EQ(server({"keys", "delegate", "--product", product}).exit_code, 3) << product;
  }
  EXPECT_FALSE(std::filesystem::exists(m_dir / "data" / "repository" / "metadata" / "leak.pem"));
  ASSERT_EQ(server({"repository", "export", "--out", (m_dir / "export").string()}).exit_code, 0);
  EXPECT_TRUE(client_download(m_dir / "export", "sql-server-2005-sp4/KB4057113/KB4057113.cab"));
}

TEST_F(RepositoryCli, ARevokedRoleDelegatedAgainDoesNotBringBackWhatWasRevoked) {
  ASSERT_EQ(server({"keys", "revoke", "--product", "sql-server-2005-sp4"}).exit_code, 0);
  testing::write_file(m_dir / "KB4091664.cab", "hotfix payload\n");
  ASSERT_EQ(publish("KB4091664"), 0);
  ASSERT_EQ(server({"repository", "export", "--out", (m_dir / "export").string()}).exit_code, 0);
  EXPECT_EQ(client_download(m_dir / "export", "sql-server-2005-sp4/KB4057113/KB4057113.cab").error().code,
            signing::tuf::ErrorCode::unknown_target);
  EXPECT_EQ(client_download(m_dir / "export", "sql-server-2005-sp4/KB4091664/KB4091664.cab").value(),
            "hotfix payload\n");
}

TEST_F(RepositoryCli, AFailedInitLeavesNothingBehindAndCanBeRunAgain) {
  testing::TempDir other;
  const auto data = (other / "data").string();
  const auto bad = testing::run(
      {testing::server_binary().string(), "--data", data, "init", "--root-keys", (other / "no-such-dir").string()});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(other / "data" / "repository"));
  EXPECT_FALSE(std::filesystem::exists(other / "data" / "keys" / "targets.pem"));
  EXPECT_EQ(testing::run({testing::server_binary().string(), "--data", data, "init"}).exit_code, 0);
}

TEST_F(RepositoryCli, ExpiryPeriodsAreBounded) {
  testing::TempDir other;
  EXPECT_EQ(testing::run({testing::server_binary().string(), "--data", (other / "data").string(), "init",
                          "--root-expiry-days", "4000000"})
                .exit_code,
            2);
}

TEST_F(RepositoryCli, KeysAreStoredPrivately) {
  const auto keys = m_dir / "data" / "keys";
  EXPECT_EQ(std::filesystem::status(keys).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(keys)) {
    if (entry.is_regular_file()) {
      EXPECT_EQ(entry.status().permissions() & std::filesystem::perms::all,
                std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
          << entry.path();
    }
  }
}

} // namespace
} // namespace lifeline
