// lifeline-agent, the real binary, configured against the real server on loopback (or a
// misbehaving proxy in front of it), with one SQL Server instance and an enrolment token ready.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {

class AgentSync : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    write_config(m_base);
    write_file(m_dir / "token", enrolment_token(k_sql) + "\n");
  }

  // The agent's configuration, pointed at `server` (the real one or a misbehaving proxy).
  void write_config(const std::string& server) const {
    const nlohmann::json config{{"server", server},
                                {"retries", 1},
                                {"retry_base_milliseconds", 1},
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
  }

  void register_agent() const {
    const auto registered = agent({"register", "--instance", "sql", "--token-file", (m_dir / "token").string()});
    ASSERT_EQ(registered.exit_code, 0) << registered.err;
  }

  // `lifeline`, the contacts' command line, with the session of `home` (one per person).
  CommandResult lifeline(const std::string& home, std::vector<std::string> arguments) const {
    ::setenv("LIFELINE_CONFIG_DIR", (m_dir / home).c_str(), 1);
    arguments.insert(arguments.begin(),
                     {(server_binary().parent_path().parent_path() / "cli" / "lifeline").string(), "--at", k_at});
    return run(arguments);
  }

  // alice (contoso) and carol (fabrikam) logged in with lifeline.
  void login_contacts() const {
    const auto root = (m_dir / "data" / "repository" / "metadata" / "1.root.json").string();
    for (const auto& [who, credential] : {std::pair{"alice", m_alice}, std::pair{"carol", m_carol}}) {
      const auto file = m_dir / (std::string(who) + ".credential");
      write_file(file, credential + "\n");
      const auto done =
          lifeline(who, {"login", "--server", m_base, "--root", root, "--credential-file", file.string()});
      ASSERT_EQ(done.exit_code, 0) << done.err;
    }
  }

  [[nodiscard]] std::string device_credential() const {
    return read_text(m_dir / "agent" / "instances" / "sql" / "credential");
  }

  CommandResult agent(std::vector<std::string> arguments, const char* at = k_at) const {
    arguments.insert(arguments.begin(),
                     {(server_binary().parent_path().parent_path() / "agent" / "lifeline-agent").string(), "--config",
                      (m_dir / "agent.json").string(), "--at", at});
    return run(arguments);
  }

  [[nodiscard]] std::filesystem::path downloads() const {
    return m_dir / "agent" / "instances" / "sql" / "downloads" / k_sql;
  }
};

} // namespace lifeline::testing
