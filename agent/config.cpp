#include "agent/config.hpp"

#include <nlohmann/json.hpp>

#include "catalog/identifiers.hpp"
#include "util/config_file.hpp"

namespace lifeline::agent {

const Instance* AgentConfig::instance(const std::string& name) const {
  for (const auto& candidate : instances) {
    if (candidate.name == name) {
      return &candidate;
    }
  }
  return nullptr;
}

namespace {

std::string path_setting(util::ConfigFile& file, std::string_view key, std::string_view expected) {
  std::string value;
  file.text(key, value, util::is_config_path, expected, true);
  return value;
}

Instance read_instance(util::ConfigFile& entry) {
  Instance instance;
  entry.text("name", instance.name, catalog::is_identifier, "a name ([A-Za-z0-9._-], 64 at most)", true);
  entry.text("product", instance.product, catalog::is_identifier, "a product id", true);
  entry.text("version", instance.version, catalog::is_label, "the product's version", true);
  entry.text("service_pack", instance.service_pack, catalog::is_service_pack, "a service pack (SP4, RTM)", true);
  entry.text("language", instance.language, catalog::is_language_tag, "a language tag (en-US)", true);
  entry.text("architecture", instance.architecture, catalog::is_identifier, "an architecture (x64, x86)", true);
  instance.install_root = path_setting(entry, "install_root", "the directory the product is installed in");
  return instance;
}

} // namespace

util::Result<AgentConfig> load_config(const std::filesystem::path& path) {
  auto file = util::ConfigFile::load(path);
  if (!file) {
    return file.error();
  }
  AgentConfig config;
  file->text("server", config.server, util::is_http_url, "an http(s):// URL", true);
  config.trusted_root = path_setting(*file, "trusted_root", "the path of the trusted root.json");
  std::string state_dir = config.state_dir.string();
  file->text("state_dir", state_dir, util::is_config_path, "a directory path");
  config.state_dir = state_dir;
  if (file->has("ca_bundle")) {
    config.ca_bundle = path_setting(*file, "ca_bundle", "a PEM file path");
  }
  file->boolean("allow_not_regression_tested", config.allow_not_regression_tested);
  std::int64_t retries = config.retries;
  file->integer("max_download_kib_per_second", config.max_download_kib_per_second, 0, std::int64_t{1} << 30);
  file->integer("retries", retries, 0, 10);
  file->integer("retry_base_milliseconds", config.retry_base_milliseconds, 0, 600'000);
  config.retries = static_cast<int>(retries);
  auto entries = file->object_list("instances", "product instances (objects)");
  if (entries.empty()) {
    file->refuse("instances", "must list the product instances of this device");
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto instance = read_instance(entries[i]);
    if (config.instance(instance.name) != nullptr) {
      entries[i].refuse("name", instance.name + " is used twice");
    }
    for (const auto& other : config.instances) { // one product instance, one device (CS-5)
      if (other.install_root == instance.install_root) {
        entries[i].refuse("install_root", "is instance " + other.name + "'s too");
      }
    }
    config.instances.push_back(std::move(instance));
  }
  if (auto finished = file->finish(); !finished) {
    return finished.error();
  }
  for (auto& entry : entries) {
    if (auto finished = entry.finish(); !finished) {
      return finished.error();
    }
  }
  return config;
}

std::string effective_config_json(const AgentConfig& config) {
  nlohmann::ordered_json json;
  json["server"] = config.server;
  json["trusted_root"] = config.trusted_root.string();
  json["state_dir"] = config.state_dir.string();
  if (config.ca_bundle) { // absent: the system's CA store
    json["ca_bundle"] = config.ca_bundle->string();
  }
  json["allow_not_regression_tested"] = config.allow_not_regression_tested;
  json["max_download_kib_per_second"] = config.max_download_kib_per_second;
  json["retries"] = config.retries;
  json["retry_base_milliseconds"] = config.retry_base_milliseconds;
  json["instances"] = nlohmann::ordered_json::array();
  for (const auto& instance : config.instances) {
    json["instances"].push_back({{"name", instance.name},
                                 {"product", instance.product},
                                 {"version", instance.version},
                                 {"service_pack", instance.service_pack},
                                 {"language", instance.language},
                                 {"architecture", instance.architecture},
                                 {"install_root", instance.install_root.string()}});
  }
  return json.dump(2);
}

} // namespace lifeline::agent
