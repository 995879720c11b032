#include "cli/contact_config.hpp"

#include <nlohmann/json.hpp>

#include "util/config_file.hpp"

namespace lifeline::cli {

util::Result<ContactConfig> load_contact_config(const std::filesystem::path& path) {
  auto file = util::ConfigFile::load(path);
  if (!file) {
    return file.error();
  }
  // Empty means unset, so that `config show`'s output reads back as it was.
  const auto url_or_empty = [](std::string_view text) { return text.empty() || util::is_http_url(text); };
  const auto path_or_empty = [](std::string_view text) { return text.empty() || util::is_config_path(text); };
  ContactConfig config;
  file->text("server", config.server, url_or_empty, "an http(s):// URL");
  file->text("root", config.root, path_or_empty, "the path of the trusted root.json");
  std::string session_dir;
  file->text("session_dir", session_dir, path_or_empty, "a directory path");
  config.session_dir = session_dir;
  if (auto finished = file->finish(); !finished) {
    return finished.error();
  }
  return config;
}

std::string effective_config_json(const ContactConfig& config, const std::filesystem::path& session_dir) {
  const nlohmann::ordered_json json{
      {"server", config.server},
      {"root", config.root},
      {"session_dir", session_dir.string()},
  };
  return json.dump(2);
}

} // namespace lifeline::cli
