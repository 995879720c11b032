#include "agent/config.hpp"

#include <set>

#include "catalog/identifiers.hpp"
#include "util/file.hpp"
#include "util/strict_json.hpp"

namespace lifeline::agent {

namespace {

constexpr std::size_t k_max_config_bytes = 1 << 20;

struct Reader {
  const nlohmann::json& object;
  std::string where;
  std::string problem;

  std::string text(const std::string& name, bool (*valid)(std::string_view), const std::string& expected) {
    if (!problem.empty()) {
      return {};
    }
    const auto* value = object.contains(name) ? &object.at(name) : nullptr;
    const auto* text = value != nullptr ? value->get_ptr<const std::string*>() : nullptr;
    if (text == nullptr || !valid(*text)) {
      problem = where + "/" + name + " must be " + expected;
      return {};
    }
    return *text;
  }

  void known(const std::set<std::string>& names) {
    for (auto it = object.begin(); it != object.end() && problem.empty(); ++it) {
      if (!names.contains(it.key())) {
        problem = where + "/" + it.key() + " is not a known setting";
      }
    }
  }
};

bool any_text(std::string_view text) {
  return !text.empty() && text.size() <= 4096 && catalog::is_utf8(text);
}

bool is_server_url(std::string_view text) {
  return (text.starts_with("https://") || text.starts_with("http://")) && text.size() <= 2048 &&
         text.find_first_of(" \t\r\n") == std::string_view::npos;
}

} // namespace

const Instance* AgentConfig::instance(const std::string& name) const {
  for (const auto& candidate : instances) {
    if (candidate.name == name) {
      return &candidate;
    }
  }
  return nullptr;
}

util::Result<AgentConfig> load_config(const std::filesystem::path& file) {
  const auto text = util::read_file(file, k_max_config_bytes);
  if (!text) {
    return text.error();
  }
  auto json = util::parse_strict_json<nlohmann::json>(*text, 8);
  if (!json) {
    return json.error().with_context(file.string());
  }
  if (!json->is_object()) {
    return util::make_error(util::ErrorKind::invalid_input, file.string() + ": the configuration is a JSON object");
  }
  Reader top{*json, "", ""};
  top.known({"server", "ca_bundle", "trusted_root", "state_dir", "allow_not_regression_tested",
             "max_download_kib_per_second", "retries", "retry_base_milliseconds", "instances"});
  AgentConfig config;
  config.server = top.text("server", is_server_url, "an http(s):// URL");
  config.trusted_root = top.text("trusted_root", any_text, "the path of the trusted root.json");
  config.state_dir = top.text("state_dir", any_text, "a directory path");
  if (top.problem.empty() && json->contains("ca_bundle")) {
    config.ca_bundle = top.text("ca_bundle", any_text, "a PEM file path");
  }
  if (const auto it = json->find("allow_not_regression_tested"); top.problem.empty() && it != json->end()) {
    if (!it->is_boolean()) {
      top.problem = "/allow_not_regression_tested must be true or false";
    } else {
      config.allow_not_regression_tested = *it == true;
    }
  }
  const auto number = [&](const char* name, std::int64_t low, std::int64_t high, std::int64_t& out) {
    const auto it = json->find(name);
    if (!top.problem.empty() || it == json->end()) {
      return;
    }
    const auto value = it->is_number_integer() ? it->get<std::int64_t>() : low - 1;
    if (value < low || value > high) {
      top.problem =
          std::string("/") + name + " must be an integer from " + std::to_string(low) + " to " + std::to_string(high);
      return;
    }
    out = value;
  };
  std::int64_t retries = config.retries;
  number("max_download_kib_per_second", 0, std::int64_t{1} << 30, config.max_download_kib_per_second);
  number("retries", 0, 10, retries);
  number("retry_base_milliseconds", 0, 600'000, config.retry_base_milliseconds);
  config.retries = static_cast<int>(retries);
  const auto instances = json->find("instances");
  if (top.problem.empty() && (instances == json->end() || !instances->is_array() || instances->empty())) {
    top.problem = "/instances must list the product instances of this device";
  }
  for (std::size_t i = 0; top.problem.empty() && i < instances->size(); ++i) {
    const auto& entry = (*instances)[i];
    const auto where = "/instances/" + std::to_string(i);
    if (!entry.is_object()) {
      top.problem = where + " must be an object";
      break;
    }
    Reader reader{entry, where, ""};
    reader.known({"name", "product", "version", "service_pack", "language", "architecture", "install_root"});
    Instance instance;
    instance.name = reader.text("name", catalog::is_identifier, "a name ([A-Za-z0-9._-], 64 at most)");
    instance.product = reader.text("product", catalog::is_identifier, "a product id");
    instance.version = reader.text("version", catalog::is_label, "the product's version");
    instance.service_pack = reader.text("service_pack", catalog::is_service_pack, "a service pack (SP4, RTM)");
    instance.language = reader.text("language", catalog::is_language_tag, "a language tag (en-US)");
    instance.architecture = reader.text("architecture", catalog::is_identifier, "an architecture (x64, x86)");
    instance.install_root = reader.text("install_root", any_text, "the directory the product is installed in");
    if (reader.problem.empty() && config.instance(instance.name) != nullptr) {
      reader.problem = where + "/name " + instance.name + " is used twice";
    }
    for (const auto& other : config.instances) { // one product instance, one device (CS-5)
      if (reader.problem.empty() && other.install_root == instance.install_root) {
        reader.problem = where + "/install_root is instance " + other.name + "'s too";
      }
    }
    top.problem = reader.problem;
    config.instances.push_back(std::move(instance));
  }
  if (!top.problem.empty()) {
    return util::make_error(util::ErrorKind::invalid_input, file.string() + ": " + top.problem);
  }
  return config;
}

} // namespace lifeline::agent
