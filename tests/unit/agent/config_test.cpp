#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/config.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::agent {
namespace {

nlohmann::json instance(const std::string& name, const std::string& root) {
  return {{"name", name},           {"product", "sql-server-2005-sp4"},
          {"version", "9.00.5000"}, {"service_pack", "SP4"},
          {"language", "en-US"},    {"architecture", "x64"},
          {"install_root", root}};
}

class Config : public ::testing::Test {
 protected:
  util::Result<AgentConfig> load(const nlohmann::json& instances,
                                 const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json config{{"server", "https://lifeline.example.com"},
                          {"trusted_root", "/etc/lifeline/root.json"},
                          {"state_dir", "/var/lib/lifeline-agent"},
                          {"instances", instances}};
    config.update(extra);
    lifeline::testing::write_file(m_dir / "agent.json", config.dump());
    return load_config(m_dir / "agent.json");
  }

  lifeline::testing::TempDir m_dir;
};

TEST_F(Config, ReadsEveryInstance) {
  const auto config = load({instance("a", "/opt/a"), instance("b", "/opt/b")}, {{"retries", 5}});
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->instances.size(), 2U);
  EXPECT_EQ(config->instances[1].install_root, "/opt/b");
  EXPECT_EQ(config->retries, 5);
  EXPECT_FALSE(config->allow_not_regression_tested);
}

TEST_F(Config, OneDevicePerProductInstance) {
  const auto twice = load({instance("a", "/opt/a"), instance("a", "/opt/b")});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("/instances/1/name a is used twice"), std::string::npos);
  const auto shared = load({instance("a", "/opt/a"), instance("b", "/opt/a")});
  ASSERT_FALSE(shared);
  EXPECT_NE(shared.error().message.find("/instances/1/install_root is instance a's too"), std::string::npos);
}

TEST_F(Config, ErrorsNameTheSetting) {
  const auto unknown = load(nlohmann::json::array({instance("a", "/opt/a")}), {{"colour", "blue"}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("/colour is not a known setting"), std::string::npos);
  auto bad = instance("a", "/opt/a");
  bad["language"] = "english please";
  const auto refused = load(nlohmann::json::array({bad}));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("/instances/0/language"), std::string::npos) << refused.error().message;
}

} // namespace
} // namespace lifeline::agent
