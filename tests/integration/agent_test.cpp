// lifeline-agent against the real server over loopback: registration with an enrolment token,
// then a sync that verifies the entitlement statement before it downloads, fetches only what the
// statement permits, and refuses bytes that do not match signed metadata.
#include <filesystem>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

namespace fs = std::filesystem;

class AgentSync : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    const nlohmann::json config{{"server", m_base},
                                {"trusted_root", (m_dir / "data" / "repository" / "metadata" / "1.root.json").string()},
                                {"state_dir", (m_dir / "agent").string()},
                                {"instances",
                                 {{{"name", "sql"},
                                   {"product", k_sql},
                                   {"version", "9.00.5000"},
                                   {"service_pack", "SP4"},
                                   {"language", "en-US"},
                                   {"architecture", "x64"},
                                   {"install_root", (m_dir / "sql").string()}}}}};
    write_file(m_dir / "agent.json", config.dump(2));
    write_file(m_dir / "token", enrolment_token(k_sql) + "\n");
  }

  CommandResult agent(std::vector<std::string> arguments, const char* at = k_at) const {
    arguments.insert(arguments.begin(),
                     {(server_binary().parent_path().parent_path() / "agent" / "lifeline-agent").string(), "--config",
                      (m_dir / "agent.json").string(), "--at", at});
    return run(arguments);
  }

  [[nodiscard]] fs::path downloads() const { return m_dir / "agent" / "instances" / "sql" / "downloads" / k_sql; }
};

TEST_F(AgentSync, RegistersThenDownloadsOnlyWhatTheStatementPermits) {
  const auto registered = agent({"register", "--instance", "sql", "--token-file", (m_dir / "token").string()});
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  const auto instance = m_dir / "agent" / "instances" / "sql";
  for (const char* secret : {"credential", "device-key.pem"}) {
    EXPECT_EQ(fs::status(instance / secret).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << secret;
  }
  const auto synced = agent({"sync"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_EQ(read_text(downloads() / "KB4057113" / "KB4057113.cab"), m_payload_4057113);
  EXPECT_FALSE(fs::exists(downloads() / "KB4019089")) << "withheld: never downloaded";
  EXPECT_NE(synced.out.find("withheld KB4019089: IMPORTANT_ADDON_REQUIRED"), std::string::npos) << synced.out;
  const auto status = nlohmann::json::parse(agent({"status", "--json"}).out);
  EXPECT_EQ(status["instances"][0]["last_sync"]["downloaded"][0], "sql-server-2005-sp4/KB4057113/KB4057113.cab");
  EXPECT_EQ(status["instances"][0]["installed"][0]["update"], "KB4057113");
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "patched server");
  EXPECT_EQ(status["instances"][0]["last_sync"]["reports_sent"][0], "KB4057113-installed");
  const auto compliance = json_of(client(m_alice).get("/v1/compliance"));
  EXPECT_EQ(compliance["devices"][0]["installed"], nlohmann::json::array({"KB4057113"})) << compliance.dump();
  const auto again = agent({"sync"});
  EXPECT_EQ(again.out.find("installed KB4057113"), std::string::npos) << "installed once: " << again.out;
}

TEST_F(AgentSync, UninstallRestoresTheReplacedFiles) {
  write_file(m_dir / "sql" / "Binn" / "sqlservr.exe", "original server");
  ASSERT_EQ(agent({"register", "--instance", "sql", "--token-file", (m_dir / "token").string()}).exit_code, 0);
  ASSERT_EQ(agent({"sync"}).exit_code, 0);
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "patched server");
  const auto removed = agent({"uninstall", "--instance", "sql", "KB4057113"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "original server");
  EXPECT_FALSE(fs::exists(m_dir / "sql" / "Binn" / "KB4057113.txt"));
}

TEST_F(AgentSync, RefusesAPayloadThatDoesNotMatchSignedMetadata) {
  ASSERT_EQ(agent({"register", "--instance", "sql", "--token-file", (m_dir / "token").string()}).exit_code, 0);
  const auto served = m_dir / "data" / "repository" / "targets" / k_sql / "KB4057113";
  for (const auto& entry : fs::directory_iterator(served)) {
    auto bytes = read_text(entry.path());
    bytes[0] = static_cast<char>(bytes[0] ^ 1); // same length, one bit off
    write_file(entry.path(), bytes);
  }
  const auto synced = agent({"sync"});
  EXPECT_EQ(synced.exit_code, 1);
  EXPECT_NE(synced.out.find("FAILED"), std::string::npos) << synced.out;
  EXPECT_FALSE(fs::exists(downloads() / "KB4057113" / "KB4057113.cab")) << "nothing half-written";
}

TEST_F(AgentSync, AnExpiredEntitlementStatementStopsTheSyncBeforeAnyDownload) {
  ASSERT_EQ(agent({"register", "--instance", "sql", "--token-file", (m_dir / "token").string()}).exit_code, 0);
  // The server's clock stands at 2017-01-12: its statements expire a day later at the latest.
  const auto late = agent({"sync"}, "2017-01-14");
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_NE(late.out.find("entitlement statement refused"), std::string::npos) << late.out;
  EXPECT_FALSE(fs::exists(downloads())) << "nothing downloaded";
}

TEST_F(AgentSync, AnUnknownConfigurationSettingIsNamed) {
  write_file(m_dir / "agent.json",
             R"({"server":"http://x","trusted_root":"r","state_dir":"s","instances":[],"extra":1})");
  const auto refused = agent({"sync"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("/extra is not a known setting"), std::string::npos) << refused.err;
}

} // namespace
} // namespace lifeline::testing
