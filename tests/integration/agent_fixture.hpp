// lifeline-agent, the real binary, configured against the real server on loopback (or a
// misbehaving proxy in front of it), with one SQL Server instance and an enrolment token ready.
#pragma once

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
