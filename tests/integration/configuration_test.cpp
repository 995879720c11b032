// One configuration format across the binaries (docs/configuration.md): `config show` prints what
// is in effect, command-line options override the file, mistakes name the setting; and the
// server's structured log lines, with no secret in them.
#include <csignal>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

std::filesystem::path binary(const char* module, const char* name) {
  return server_binary().parent_path().parent_path() / module / name;
}

class Configuration : public ApiFixture {
 protected:
  std::filesystem::path write_config(const std::string& name, const nlohmann::json& settings) const {
    const auto file = m_dir / name;
    write_file(file, settings.dump(2));
    return file;
  }
};

TEST_F(Configuration, ACatalogIsAPostgresqlUriWhosePasswordIsNeverShown) {
  const auto file =
      write_config("server.json", {{"data", data()}, {"catalog", "postgresql://ops:s3cret@db.example/ll"}});
  const auto shown = run({server_binary().string(), "--config", file.string(), "config", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(nlohmann::json::parse(shown.out).at("catalog"), "postgresql://ops:***@db.example/ll");
  EXPECT_EQ(shown.out.find("s3cret"), std::string::npos);

  const auto bad = write_config("bad.json", {{"data", data()}, {"catalog", "/var/lib/other.db"}});
  const auto refused = run({server_binary().string(), "--config", bad.string(), "config", "show"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("catalog"), std::string::npos) << refused.err;
  const auto option = run({server_binary().string(), "--data", data(), "--catalog", "mysql://x", "devices", "list",
                           "--customer", "contoso"});
  EXPECT_EQ(option.exit_code, 2) << option.err;
  EXPECT_NE(option.err.find("catalog must be a PostgreSQL URI"), std::string::npos) << option.err;

  // The file commands work on catalog.db: with the catalog in PostgreSQL they say so instead.
  for (const auto& command :
       {std::vector<std::string>{"backup", "--out", (m_dir / "b.tar").string()}, std::vector<std::string>{"check"}}) {
    std::vector<std::string> arguments{server_binary().string(), "--config", file.string()};
    arguments.insert(arguments.end(), command.begin(), command.end());
    const auto result = run(arguments);
    EXPECT_NE(result.exit_code, 0) << command[0];
    EXPECT_NE(result.err.find("pg_dump"), std::string::npos) << result.err;
  }
}

TEST_F(Configuration, ServerShowsTheFileOverDefaultsAndDataOverridesIt) {
  const auto file = write_config("server.json", {{"data", data()}, {"threads", 4}, {"log_requests", true}});
  const auto shown = run({server_binary().string(), "--config", file.string(), "config", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const auto effective = nlohmann::json::parse(shown.out);
  EXPECT_EQ(effective.at("data"), data());
  EXPECT_EQ(effective.at("threads"), 4);
  EXPECT_EQ(effective.at("log_requests"), true);
  EXPECT_EQ(effective.at("listen"), "127.0.0.1:8443"); // the documented default
  EXPECT_EQ(effective.at("refresh_minutes"), 60);

  const auto other = (m_dir / "other").string();
  const auto overridden = run({server_binary().string(), "--config", file.string(), "--data", other, "config", "show"});
  ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
  EXPECT_EQ(nlohmann::json::parse(overridden.out).at("data"), other);

  // What config show prints reads back as the same configuration.
  write_file(m_dir / "again.json", shown.out);
  const auto again = run({server_binary().string(), "--config", (m_dir / "again.json").string(), "config", "show"});
  EXPECT_EQ(again.out, shown.out);
}

TEST_F(Configuration, ServerRefusesAWrongFileNamingTheSetting) {
  const std::vector<std::pair<nlohmann::json, std::string>> cases{
      {{{"listen", "8443"}}, "/listen must be HOST:PORT"},
      {{{"threads", 0}}, "/threads must be an integer from 1 to 1024"},
      {{{"tls_certificate", "/etc/cert.pem"}}, "/tls_private_key and /tls_certificate go together"},
      {{{"dta", "/var/lib/lifeline"}}, "/dta is not a known setting"},
  };
  for (const auto& [settings, expected] : cases) {
    const auto file = write_config("bad.json", settings);
    const auto refused = run({server_binary().string(), "--config", file.string(), "repository", "status"});
    EXPECT_EQ(refused.exit_code, 3) << settings.dump();
    EXPECT_NE(refused.err.find(expected), std::string::npos) << refused.err;
  }
  const auto missing = run({server_binary().string(), "--config", (m_dir / "absent.json").string(), "config", "show"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("absent.json"), std::string::npos) << missing.err;
}

TEST_F(Configuration, ServeTakesTheFileAndLogsEachRequestWithoutSecrets) {
  stop_server();
  const auto file = write_config("server.json",
                                 {{"data", data()}, {"listen", "127.0.0.1:9"}, {"threads", 2}, {"log_requests", true}});
  const auto log = m_dir / "server.log";
  // --listen on the command line wins over the file's port 9.
  BackgroundProcess server({"/bin/sh", "-c",
                            "exec \"$0\" --config \"$1\" serve --listen 127.0.0.1:0 --at \"$2\" 2>\"$3\"",
                            server_binary().string(), file.string(), k_at, log.string()});
  ASSERT_EQ(server.first_line().rfind("listening on http://127.0.0.1:", 0), 0U) << server.first_line();
  const auto base = server.first_line().substr(std::string("listening on ").size());
  EXPECT_EQ(ApiClient(base, m_alice).get("/v1/updates?note=private-query-text").status, 200);
  EXPECT_EQ(ApiClient(base, "ll_not_a_real_credential").get("/v1/updates").status, 401);
  EXPECT_EQ(server.stop(SIGTERM), 0);

  const auto lines = read_text(log);
  EXPECT_NE(lines.find("level=info event=started url=http://127.0.0.1:"), std::string::npos) << lines;
  EXPECT_NE(lines.find("event=request remote=127.0.0.1 method=GET path=/v1/updates status=200 bytes="),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("path=/v1/updates status=401"), std::string::npos) << lines;
  EXPECT_NE(lines.find("level=info event=stopped"), std::string::npos) << lines;
  EXPECT_EQ(lines.find(m_alice), std::string::npos) << "a credential reached the log";
  EXPECT_EQ(lines.find("ll_not_a_real_credential"), std::string::npos);
  EXPECT_EQ(lines.find("private-query-text"), std::string::npos) << "a query string reached the log";
}

TEST_F(Configuration, AgentShowsItsEffectiveConfiguration) {
  const auto file = write_config("agent.json", {{"server", "https://lifeline.example.com"},
                                                {"trusted_root", "/etc/lifeline/root.json"},
                                                {"instances",
                                                 {{{"name", "sql"},
                                                   {"product", k_sql},
                                                   {"version", "9.00.5000"},
                                                   {"service_pack", "SP4"},
                                                   {"language", "en-US"},
                                                   {"architecture", "x64"},
                                                   {"install_root", "/opt/sql"}}}}});
  const auto shown = run({binary("agent", "lifeline-agent").string(), "--config", file.string(), "config", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const auto effective = nlohmann::json::parse(shown.out);
  EXPECT_EQ(effective.at("state_dir"), "/var/lib/lifeline-agent"); // the default, the package's
  EXPECT_EQ(effective.at("retries"), 3);
  EXPECT_EQ(effective.at("instances").at(0).at("install_root"), "/opt/sql");
  write_file(m_dir / "again.json", shown.out);
  const auto again =
      run({binary("agent", "lifeline-agent").string(), "--config", (m_dir / "again.json").string(), "config", "show"});
  EXPECT_EQ(again.out, shown.out);
}

TEST_F(Configuration, ContactsLogInWithTheServerAndRootTheFileNames) {
  const auto root = m_dir / "root.json";
  write_file(root, read_text(std::filesystem::path(data()) / "repository" / "metadata" / "1.root.json"));
  const auto sessions = m_dir / "sessions";
  const auto file =
      write_config("lifeline.json", {{"server", m_base}, {"root", root.string()}, {"session_dir", sessions.string()}});
  const auto cli = binary("cli", "lifeline").string();
  const auto shown = run({cli, "--config", file.string(), "config", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(nlohmann::json::parse(shown.out).at("session_dir"), sessions.string());

  write_file(m_dir / "credential", m_alice + "\n");
  const auto login = run(
      {cli, "--config", file.string(), "--at", k_at, "login", "--credential-file", (m_dir / "credential").string()});
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_TRUE(std::filesystem::exists(sessions / "root.json"));
  const auto listed = run({cli, "--config", file.string(), "--at", k_at, "updates", "list", "--json"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("KB4057113"), std::string::npos);

  const auto wrong = write_config("wrong.json", {{"server", "ftp://example.com"}});
  const auto refused = run({cli, "--config", wrong.string(), "config", "show"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("/server must be an http(s):// URL"), std::string::npos) << refused.err;
}

} // namespace
} // namespace lifeline::testing
