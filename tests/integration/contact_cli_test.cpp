// `lifeline`, the contacts' command line, against the real server over loopback: a session kept
// private, entitled updates, verified pulls, enrolment tokens, each customer seeing only its own
// data, and clear refusals with the server's words.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

namespace fs = std::filesystem;

class ContactCli : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    write_file(m_dir / "alice.credential", m_alice + "\n");
    write_file(m_dir / "carol.credential", m_carol + "\n");
  }

  // `lifeline` with its session under `home` (one per person).
  CommandResult lifeline(const std::string& home, std::vector<std::string> arguments) const {
    ::setenv("LIFELINE_CONFIG_DIR", (m_dir / home).c_str(), 1);
    arguments.insert(arguments.begin(),
                     {(server_binary().parent_path().parent_path() / "cli" / "lifeline").string(), "--at", k_at});
    return run(arguments);
  }

  void login(const std::string& home, const std::string& credential_file) const {
    const auto done = lifeline(
        home, {"login", "--server", m_base, "--root", root(), "--credential-file", (m_dir / credential_file).string()});
    ASSERT_EQ(done.exit_code, 0) << done.err;
  }

  [[nodiscard]] std::string root() const {
    return (m_dir / "data" / "repository" / "metadata" / "1.root.json").string();
  }
};

TEST_F(ContactCli, OperatorsReadEveryCustomersComplianceOrOne) {
  write_file(m_dir / "ops.credential", m_operator + "\n");
  login("ops", "ops.credential");
  const auto all = lifeline("ops", {"compliance", "migration", "--csv"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out.rfind("CUSTOMER,PRODUCT,QUARTER,", 0), 0U) << all.out;
  EXPECT_NE(all.out.find("\r\ncontoso,sql-server-2005-sp4,"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("\r\nfabrikam,windows-xp-sp3,"), std::string::npos) << all.out;
  const auto one = lifeline("ops", {"compliance", "migration", "--csv", "--customer", "fabrikam"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out.find("contoso"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("\r\nfabrikam,windows-xp-sp3,"), std::string::npos) << one.out;
  const auto products = lifeline("ops", {"compliance", "products", "--json"});
  ASSERT_EQ(products.exit_code, 0) << products.err;
  EXPECT_TRUE(nlohmann::json::parse(products.out)["customer"].is_null()) << products.out;
  // A contact naming another customer is refused with the server's reason.
  login("carol", "carol.credential");
  const auto refused = lifeline("carol", {"compliance", "products", "--customer", "contoso"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("own customer"), std::string::npos) << refused.err;
}

TEST_F(ContactCli, LoginKeepsTheCredentialPrivateAndListsEntitledUpdates) {
  login("alice", "alice.credential");
  EXPECT_EQ(fs::status(m_dir / "alice").permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(m_dir / "alice" / "session.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  const auto listed = lifeline("alice", {"updates", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("KB4057113"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("RATING"), std::string::npos) << listed.out;
  const auto json = nlohmann::json::parse(lifeline("alice", {"updates", "list", "--json"}).out);
  ASSERT_FALSE(json["updates"].empty());
  EXPECT_EQ(json["updates"][0]["targets"].size(), 1U);
  const auto refused = lifeline("nobody", {"updates", "list"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("run lifeline login"), std::string::npos) << refused.err;
  write_file(m_dir / "wrong.credential", "ll_nope_nope\n");
  const auto wrong = lifeline("mallory", {"login", "--server", m_base, "--root", root(), "--credential-file",
                                          (m_dir / "wrong.credential").string()});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("login refused: /v1/updates refused: HTTP 401"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(m_dir / "mallory" / "session.json"));
}

TEST_F(ContactCli, PullWritesOnlyBytesThatSignedMetadataVouchesFor) {
  login("alice", "alice.credential");
  const auto pulled = lifeline("alice", {"pull", "KB4057113", "--out", (m_dir / "pulled").string()});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(read_text(m_dir / "pulled" / k_sql / "KB4057113" / "KB4057113.cab"), m_payload_4057113);
  // The pull is in the download audit (CS-12): who, what, the decision.
  const auto downloads = nlohmann::json::parse(lifeline("alice", {"compliance", "downloads", "--json"}).out);
  ASSERT_FALSE(downloads["entries"].empty());
  EXPECT_EQ(downloads["entries"].back()["action"], "download.allow") << downloads.dump();
  EXPECT_EQ(downloads["entries"].back()["actor"], "contact:alice@contoso.example") << downloads.dump();
  const auto billing = lifeline("alice", {"compliance", "billing", "--product", k_sql, "--csv"});
  ASSERT_EQ(billing.exit_code, 0) << billing.err;
  EXPECT_EQ(billing.out.rfind("QUARTER,BILLING DATE,START,END,RETROACTIVE\r\n", 0), 0U) << billing.out;
  const auto unknown = lifeline("alice", {"pull", "KB0000001", "--out", (m_dir / "pulled").string()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("KB0000001 is not among the updates this customer is entitled to"), std::string::npos);
  // The server's copy altered: the pull refuses it and writes nothing.
  const auto served = m_dir / "data" / "repository" / "targets" / k_sql / "KB4057113";
  for (const auto& entry : fs::directory_iterator(served)) {
    auto bytes = read_text(entry.path());
    bytes[0] = static_cast<char>(bytes[0] ^ 1);
    write_file(entry.path(), bytes);
  }
  const auto tampered = lifeline("alice", {"pull", "KB4057113", "--out", (m_dir / "again").string()});
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_NE(tampered.err.find("sha256 is"), std::string::npos) << tampered.err;
  EXPECT_FALSE(fs::exists(m_dir / "again" / k_sql / "KB4057113" / "KB4057113.cab"));
}

TEST_F(ContactCli, EachCustomerSeesOnlyItsOwnDevicesAuditAndCompliance) {
  login("alice", "alice.credential");
  login("carol", "carol.credential");
  const auto created = lifeline("alice", {"enrolment-token", "create", "--site", "paris", "--product", k_sql});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto token = created.out.substr(0, created.out.find('\n'));
  ASSERT_EQ(token.rfind("le_", 0), 0U) << created.out;
  ASSERT_FALSE(register_device(token).empty());
  const auto alice_devices = lifeline("alice", {"devices", "list"}).out;
  EXPECT_NE(alice_devices.find("dev-1"), std::string::npos) << alice_devices;
  for (const std::vector<std::string>& command : {std::vector<std::string>{"devices", "list", "--json"},
                                                  {"audit", "list", "--json"},
                                                  {"compliance", "devices", "--json"},
                                                  {"compliance", "products", "--json"},
                                                  {"compliance", "migration", "--json"},
                                                  {"compliance", "downloads", "--json"}}) {
    const auto carol = lifeline("carol", command);
    ASSERT_EQ(carol.exit_code, 0) << carol.err;
    EXPECT_EQ(carol.out.find("contoso"), std::string::npos) << command[0] << ": " << carol.out;
    EXPECT_EQ(carol.out.find("dev-1"), std::string::npos) << command[0] << ": " << carol.out;
  }
  // Naming the other customer is refused outright, on every report.
  for (const char* path : {"/v1/compliance?customer=contoso", "/v1/compliance/products?customer=contoso",
                           "/v1/compliance/migration?customer=contoso", "/v1/devices?customer=contoso"}) {
    EXPECT_EQ(client(m_carol).get(path).status, 403) << path;
  }
  const auto csv = lifeline("alice", {"compliance", "devices", "--csv"}).out;
  EXPECT_EQ(csv.rfind("CUSTOMER,DEVICE,SITE,PRODUCT,LAST SEEN,STALE,INSTALLED,ENTITLED-MISSING,PREREQUISITE-MISSING,"
                      "NOT-ENTITLED,SUPERSEDED\r\n",
                      0),
            0U)
      << csv;
  EXPECT_NE(csv.find("contoso,dev-1,paris,sql-server-2005-sp4,"), std::string::npos) << csv;
  // KB4019089 is not entitled (IMPORTANT_ADDON_REQUIRED), but the entitled KB4057113 supersedes it.
  EXPECT_NE(csv.find(",KB4057113,,,KB4019089(by KB4057113)"), std::string::npos) << csv;
  const auto products = lifeline("alice", {"compliance", "products", "--json"});
  ASSERT_EQ(products.exit_code, 0) << products.err;
  const auto summary = nlohmann::json::parse(products.out)["products"];
  ASSERT_EQ(summary.size(), 1U) << products.out;
  EXPECT_EQ(summary[0]["devices"], 1);
  EXPECT_EQ(summary[0]["states"]["entitled-missing"], 1) << "KB4057113, entitled and not installed";
  EXPECT_EQ(summary[0]["states"]["superseded"], 1) << "KB4019089, superseded by KB4057113";
  EXPECT_EQ(summary[0]["fully_patched"], 0);
  const auto migration = nlohmann::json::parse(lifeline("alice", {"compliance", "migration", "--json"}).out);
  nlohmann::json current; // the SQL Server plan quarter that holds the evaluation date
  for (const auto& quarter : migration["quarters"]) {
    if (quarter["product"] == k_sql && quarter["start"].get<std::string>() <= k_at &&
        quarter["end"].get<std::string>() >= k_at) {
      current = quarter;
    }
  }
  ASSERT_TRUE(current.is_object()) << migration.dump();
  EXPECT_EQ(current["registered"], 1) << current.dump();
  EXPECT_EQ(current["active"], 1) << current.dump();
  EXPECT_EQ(current["over_plan"], std::max(0, 1 - current["planned"].get<int>()));
  const auto bulletins = lifeline("carol", {"bulletins", "list"});
  EXPECT_EQ(bulletins.exit_code, 1) << "fabrikam is level 1: no bulletins (CS-16)";
  EXPECT_NE(bulletins.err.find("HTTP 403"), std::string::npos) << bulletins.err;
}

// More devices than the server's default page (500): the listings follow the cursors, one page
// is asked for with --limit/--cursor, and the exports stream the same rows into a file.
TEST_F(ContactCli, ListingsFollowThePagesAndExportsStreamTheWholeFleet) {
  grow_fleet(503);
  login("alice", "alice.credential");
  const auto listed = lifeline("alice", {"devices", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto devices = nlohmann::json::parse(listed.out)["devices"];
  ASSERT_EQ(devices.size(), 503U);
  std::set<std::string> ids;
  for (const auto& device : devices) {
    ids.insert(device["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 503U) << "every device once";

  const auto csv = lifeline("alice", {"compliance", "devices", "--csv", "--stale-days", "30"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 504) << "a header and every device";
  const auto file = m_dir / "exports" / "fleet.csv";
  fs::create_directories(file.parent_path());
  const auto exported =
      lifeline("alice", {"compliance", "export", "--format", "csv", "--stale-days", "30", "--out", file.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(read_text(file), csv.out) << "the export is the listing's CSV";
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(exported.out.find(" bytes"), std::string::npos) << exported.out;

  const auto json_file = m_dir / "exports" / "devices.json";
  ASSERT_EQ(lifeline("alice", {"devices", "export", "--format", "json", "--out", json_file.string()}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(read_text(json_file))["devices"], devices);

  // One page, and the one after it.
  const auto first = lifeline("alice", {"devices", "list", "--json", "--limit", "2"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto page = nlohmann::json::parse(first.out);
  ASSERT_EQ(page["devices"].size(), 2U);
  ASSERT_TRUE(page["next_cursor"].is_string()) << first.out;
  const auto second = lifeline(
      "alice", {"devices", "list", "--json", "--limit", "2", "--cursor", page["next_cursor"].get<std::string>()});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(nlohmann::json::parse(second.out)["devices"][0], devices[2]);
  const auto table = lifeline("alice", {"devices", "list", "--limit", "1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.err.find("more: --cursor "), std::string::npos) << table.err;
  const auto bad = lifeline("alice", {"devices", "list", "--cursor", "not-a-cursor"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("HTTP 400"), std::string::npos) << bad.err;

  // A refused export leaves no file behind.
  login("carol", "carol.credential");
  const auto refused_file = m_dir / "exports" / "refused.csv";
  const auto refused =
      lifeline("carol", {"compliance", "export", "--customer", "contoso", "--out", refused_file.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("HTTP 403"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(refused_file));
  EXPECT_EQ(std::distance(fs::directory_iterator(m_dir / "exports"), fs::directory_iterator()), 2);
}

TEST_F(ContactCli, ARemovedContactGetsAClearRefusal) {
  login("alice", "alice.credential");
  auto order = nlohmann::json::parse(read_text(source_dir() / "examples" / "order-contoso.json"));
  order["contacts"].erase(0);
  ASSERT_EQ(client(m_operator).put("/v1/orders", order.dump()).status, 200);
  const auto refused = lifeline("alice", {"updates", "list"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("/v1/updates refused: HTTP 401"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("lifeline login again"), std::string::npos) << refused.err;
}

} // namespace
} // namespace lifeline::testing
