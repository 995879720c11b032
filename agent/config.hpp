// The agent's configuration file (docs/agent.md): the server, the trusted initial root shipped
// out of band, the state directory, and the product instances on this device. One device per
// product instance (CS-5 counts instances).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lifeline::agent {

struct Instance {
  std::string name; // the instance's name here; its state lives under state_dir/instances/<name>
  std::string product;
  std::string version;
  std::string service_pack;
  std::string language;
  std::string architecture;
  std::filesystem::path install_root;
};

struct AgentConfig {
  std::string server; // http(s)://host[:port]
  std::optional<std::filesystem::path> ca_bundle;
  std::filesystem::path trusted_root;                          // root.json, shipped with the agent (TUF's trust anchor)
  std::filesystem::path state_dir = "/var/lib/lifeline-agent"; // the package's
  bool allow_not_regression_tested = false;                    // CS-15 hotfixes are installed only when allowed
  std::int64_t max_download_kib_per_second = 0;                // 0: no bandwidth cap
  int retries = 3;                                             // after a failed transfer, with backoff and jitter
  std::int64_t retry_base_milliseconds = 2000;                 // first wait; doubled each retry
  std::vector<Instance> instances;

  [[nodiscard]] const Instance* instance(const std::string& name) const;
};

// Reads and checks the file; the error names the field that is wrong and why.
util::Result<AgentConfig> load_config(const std::filesystem::path& file);

// The configuration in effect, defaults included, as the file would say it (`config show`).
std::string effective_config_json(const AgentConfig& config);

} // namespace lifeline::agent
