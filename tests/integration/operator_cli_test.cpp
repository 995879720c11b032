// The real `lifeline-server` binary on a temporary data directory, as an operator runs it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/testing.hpp"

namespace lifeline {
namespace {

using nlohmann::json;
using testing::CommandResult;

class OperatorCli : public ::testing::Test {
 protected:
  CommandResult server(std::vector<std::string> args) {
    args.insert(args.begin(), {testing::server_binary().string(), "--data", (m_dir / "data").string()});
    return testing::run(args);
  }

  json server_json(std::vector<std::string> args, int expected_exit) {
    args.emplace_back("--json");
    const auto result = server(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    return json::parse(result.out);
  }

  std::string example(const std::string& name) { return (testing::source_dir() / "examples" / name).string(); }

  void load_examples() {
    ASSERT_EQ(server({"products", "apply", example("products.json")}).exit_code, 0);
    for (const char* kb : {"KB4057113", "KB4019089", "KB4012598", "KB4091664", "KB3210001"}) {
      ASSERT_EQ(server({"updates", "add", example(std::string("updates/") + kb + ".json")}).exit_code, 0) << kb;
    }
    ASSERT_EQ(server({"orders", "apply", example("order-contoso.json")}).exit_code, 0);
  }

  CommandResult register_sql(const std::string& at, const std::string& site = "paris") {
    return server({"devices", "register", "--customer", "contoso", "--site", site, "--product", "sql-server-2005-sp4",
                   "--service-pack", "SP4", "--language", "en-US", "--at", at});
  }

  testing::TempDir m_dir;
};

TEST_F(OperatorCli, DocumentsApplyIdempotently) {
  const auto first = server({"products", "apply", example("products.json")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("20 created"), std::string::npos) << first.out;
  const auto second = server({"products", "apply", example("products.json"), "--json"});
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_EQ(json::parse(second.out)["summary"]["unchanged"], 20);
}

TEST_F(OperatorCli, ARefusedDocumentNamesPointerAndRuleAndAppliesNothing) {
  load_examples();
  auto order = json::parse(testing::read_text(example("order-contoso.json")));
  order["customer"]["id"] = "northwind";
  order["contacts"] = json::array();
  for (int i = 0; i < 21; ++i) {
    order["contacts"].push_back({{"email", "c" + std::to_string(i) + "@northwind.example"}, {"name", "C"}});
  }
  testing::write_file(m_dir / "order-northwind.json", order.dump());
  const auto refused = server({"orders", "apply", (m_dir / "order-northwind.json").string()});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("/contacts: CONTACT_LIMIT_REACHED"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("[CS-13]"), std::string::npos) << refused.err;
  const auto check = server({"entitlement", "check", "--contact", "c0@northwind.example", "--update", "KB4057113",
                             "--at", "2017-02-01", "--json"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(json::parse(check.out)["reasons"], json::array({"CONTACT_NOT_DESIGNATED"}));
}

TEST_F(OperatorCli, EntitlementCheckPrintsTheDecisionAndExitsByIt) {
  load_examples();
  ASSERT_EQ(register_sql("2016-11-01").exit_code, 0);
  const auto allow =
      server_json({"entitlement", "check", "--device", "dev-1", "--update", "KB4057113", "--at", "2017-02-01"}, 0);
  EXPECT_EQ(allow["decision"], "allow");
  EXPECT_EQ(allow["reasons"], json::array());
  EXPECT_EQ(allow["customer"], "contoso");
  EXPECT_EQ(allow["programme_quarter"], 4);
  const auto deny =
      server_json({"entitlement", "check", "--device", "dev-1", "--update", "KB4019089", "--at", "2017-02-01"}, 1);
  EXPECT_EQ(deny["decision"], "deny");
  EXPECT_EQ(deny["reasons"], json::array({"IMPORTANT_ADDON_REQUIRED"}));
  EXPECT_EQ(deny["details"][0]["rule"], "CS-8");
  const auto late =
      server_json({"entitlement", "check", "--device", "dev-1", "--update", "KB4057113", "--at", "2018-01-01"}, 1);
  EXPECT_EQ(late["reasons"], json::array({"CONTRACT_INACTIVE", "MIGRATION_COMPLETE"}));
}

TEST_F(OperatorCli, ExitCodesForUsageAndInvalidInput) {
  load_examples();
  EXPECT_EQ(server({"entitlement", "check", "--update", "KB4057113"}).exit_code, 2);
  EXPECT_EQ(server({"entitlement", "check", "--device", "x", "--contact", "y", "--update", "KB1"}).exit_code, 2);
  EXPECT_EQ(
      server({"entitlement", "check", "--device", "dev-1", "--update", "KB4057113", "--at", "2017-13-01"}).exit_code,
      2);
  EXPECT_EQ(server({"frobnicate"}).exit_code, 2);
  const auto unknown = server({"entitlement", "check", "--device", "dev-404", "--update", "KB4057113"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.err.find("unknown device dev-404"), std::string::npos);
  EXPECT_EQ(server({"products", "apply", (m_dir / "missing.json").string()}).exit_code, 3);
}

TEST_F(OperatorCli, MalformedValuesAreRefusedBeforeTheyReachTheCatalog) {
  load_examples();
  const std::vector<std::string> base{"devices", "register",  "--customer",          "contoso", "--site",
                                      "paris",   "--product", "sql-server-2005-sp4", "--at",    "2016-11-01"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return server(args);
  };
  EXPECT_EQ(with({"--service-pack", "SP4\xff", "--language", "en-US"}).exit_code, 3);
  EXPECT_EQ(with({"--service-pack", "SP4", "--language", "en-US", "--id", "evil\n2 forged line"}).exit_code, 3);
  EXPECT_EQ(with({"--service-pack", "SP4", "--language", std::string(100000, 'x')}).exit_code, 3);
  EXPECT_EQ(server({"entitlement", "check", "--contact", "\xff@x.example", "--update", "KB4057113"}).exit_code, 3);
  EXPECT_EQ(server({"entitlement", "check", "--device", "dev-1", "--update", "KB4057113", "--at", ""}).exit_code, 2);
  EXPECT_EQ(
      server({"entitlement", "check", "--device", "dev-1", "--update", "KB4057113", "--json", "--brief"}).exit_code, 2);
  EXPECT_EQ(server({"devices", "list", "--customer", "nobody"}).exit_code, 3);
  const auto audit = server({"audit", "list", "--json"});
  ASSERT_EQ(audit.exit_code, 0);
  EXPECT_TRUE(json::accept(audit.out));
}

TEST_F(OperatorCli, ContactEmailsIgnoreCase) {
  load_examples();
  EXPECT_EQ(server({"entitlement", "check", "--contact", "Alice@Contoso.example", "--update", "KB4057113", "--at",
                    "2017-02-01"})
                .exit_code,
            0);
}

TEST_F(OperatorCli, AnExistingDataDirectoryKeepsItsPermissions) {
  const auto data = m_dir / "data";
  std::filesystem::create_directories(data);
  std::filesystem::permissions(data, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec);
  ASSERT_EQ(server({"audit", "list"}).exit_code, 0);
  EXPECT_NE(std::filesystem::status(data).permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);
  testing::TempDir fresh;
  const auto created = fresh / "new";
  ASSERT_EQ(testing::run({testing::server_binary().string(), "--data", created.string(), "audit", "list"}).exit_code,
            0);
  EXPECT_EQ(std::filesystem::status(created).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
}

TEST_F(OperatorCli, RefusalsAgainstStoredStateAreReportedLikeDocumentProblems) {
  load_examples();
  auto order = json::parse(testing::read_text(example("order-fabrikam.json")));
  order["contacts"][0]["email"] = "alice@contoso.example";
  testing::write_file(m_dir / "order-fabrikam.json", order.dump());
  const auto refused = server({"orders", "apply", (m_dir / "order-fabrikam.json").string(), "--json"});
  EXPECT_EQ(refused.exit_code, 3);
  const auto document = json::parse(refused.out);
  EXPECT_EQ(document["applied"], false);
  EXPECT_EQ(document["problems"][0]["pointer"], "/contacts/0/email");
  EXPECT_EQ(document["problems"][0]["rule"], "CS-13");
}

TEST_F(OperatorCli, RefusedRegistrationsPrintTheirReasonCodes) {
  load_examples();
  for (const char* day : {"2016-11-01", "2016-11-02", "2016-11-03"}) {
    ASSERT_EQ(register_sql(day).exit_code, 0) << day;
  }
  const auto full = register_sql("2016-11-04");
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_NE(full.out.find("DEVICE_LIMIT_REACHED"), std::string::npos) << full.out;
  const auto elsewhere =
      server_json({"devices", "register", "--customer", "contoso", "--site", "berlin", "--product",
                   "sql-server-2005-sp4", "--service-pack", "SP4", "--language", "en-US", "--at", "2016-11-04"},
                  1);
  EXPECT_EQ(elsewhere["registered"], false);
  EXPECT_EQ(elsewhere["reasons"], json::array({"DEVICE_LIMIT_REACHED", "SITE_NOT_LISTED"}));
}

TEST_F(OperatorCli, RetiringADeviceAndTheCapDropAtAQuarterChange) {
  load_examples();
  for (const char* day : {"2016-11-01", "2016-11-02", "2016-11-03"}) {
    ASSERT_EQ(register_sql(day).exit_code, 0);
  }
  // 2017-01-13 lowers the cap from 3 to 2: the most recently registered device loses first.
  EXPECT_EQ(
      server({"entitlement", "check", "--device", "dev-3", "--update", "KB4057113", "--at", "2017-01-12"}).exit_code,
      0);
  EXPECT_EQ(
      server({"entitlement", "check", "--device", "dev-3", "--update", "KB4057113", "--at", "2017-01-13"}).exit_code,
      1);
  ASSERT_EQ(server({"devices", "retire", "--id", "dev-1", "--at", "2017-01-05"}).exit_code, 0);
  EXPECT_EQ(
      server({"entitlement", "check", "--device", "dev-3", "--update", "KB4057113", "--at", "2017-01-13"}).exit_code,
      0);
  const auto retired =
      server_json({"entitlement", "check", "--device", "dev-1", "--update", "KB4057113", "--at", "2017-01-13"}, 1);
  EXPECT_EQ(retired["reasons"], json::array({"DEVICE_RETIRED"}));
}

TEST_F(OperatorCli, BillingStatementIsRetroactive) {
  load_examples();
  const auto statement = server_json(
      {"billing", "statement", "--customer", "contoso", "--product", "sql-server-2005-sp4", "--at", "2016-10-13"}, 0);
  EXPECT_EQ(statement["programme_start"], "2016-04-13");
  EXPECT_EQ(statement["billable_quarters"], 3);
  EXPECT_EQ(statement["retroactive_quarters"], 2);
  EXPECT_EQ(statement["quarters"][0]["billing_date"], "2016-04-13");
  EXPECT_EQ(server({"billing", "statement", "--customer", "contoso", "--product", "office-2010-sp2"}).exit_code, 3);
}

TEST_F(OperatorCli, ARemovedContactLosesAccessAtOnce) {
  load_examples();
  const std::vector<std::string> check{"entitlement", "check",     "--contact", "bob@contoso.example",
                                       "--update",    "KB4057113", "--at",      "2017-02-01"};
  EXPECT_EQ(server(check).exit_code, 0);
  auto order = json::parse(testing::read_text(example("order-contoso.json")));
  order["contacts"].erase(1);
  testing::write_file(m_dir / "order-contoso.json", order.dump());
  ASSERT_EQ(server({"orders", "apply", (m_dir / "order-contoso.json").string()}).exit_code, 0);
  const auto denied = server(check);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.out.find("CONTACT_NOT_DESIGNATED"), std::string::npos);
}

TEST_F(OperatorCli, ExtendedHotfixesAreLabelledNotRegressionTested) {
  load_examples();
  const auto decision = server_json(
      {"entitlement", "check", "--contact", "alice@contoso.example", "--update", "KB3210001", "--at", "2016-11-10"}, 0);
  EXPECT_EQ(decision["path"], "extended-hotfix-support");
  EXPECT_EQ(decision["not_regression_tested"], true);
  const auto text = server(
      {"entitlement", "check", "--contact", "alice@contoso.example", "--update", "KB3210001", "--at", "2016-11-10"});
  EXPECT_NE(text.out.find("NOT REGRESSION-TESTED"), std::string::npos);
}

TEST_F(OperatorCli, InstallsConsumeEssentialsPurchases) {
  load_examples();
  const std::vector<std::string> reg{"devices",        "register",  "--customer", "contoso",
                                     "--site",         "lyon",      "--product",  "windows-server-2003-sp2",
                                     "--service-pack", "SP2",       "--language", "fr-FR",
                                     "--at",           "2016-06-01"};
  ASSERT_EQ(server(reg).exit_code, 0);
  ASSERT_EQ(server(reg).exit_code, 0);
  const auto first =
      server_json({"installs", "record", "--device", "dev-1", "--update", "KB4012598", "--at", "2017-05-20"}, 0);
  EXPECT_EQ(first["consumed_purchase"], true);
  const auto second =
      server_json({"installs", "record", "--device", "dev-2", "--update", "KB4012598", "--at", "2017-05-20"}, 1);
  EXPECT_EQ(second["reasons"], json::array({"PURCHASE_EXHAUSTED"}));
  const auto audit = server_json({"audit", "list", "--customer", "contoso"}, 0);
  EXPECT_EQ(audit.back()["action"], "install.refused");
}

} // namespace
} // namespace lifeline
