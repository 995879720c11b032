#include "server/maintenance/backup_manifest.hpp"

#include <set>

#include "server/maintenance/backup_paths.hpp"
#include "util/strict_json.hpp"

namespace lifeline::server::maintenance {

namespace {

using Json = nlohmann::ordered_json;
using util::ErrorKind;
using util::make_error;

constexpr std::size_t k_max_files = 10'000'000;

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

util::Error malformed(const std::string& why) {
  return make_error(ErrorKind::invalid_input, std::string(k_manifest_name) + ": " + why);
}

} // namespace

std::string manifest_json(const BackupManifest& manifest) {
  Json files = Json::array();
  for (const auto& file : manifest.files) {
    files.push_back(Json{{"path", file.path}, {"length", file.length}, {"sha256", file.sha256}});
  }
  const Json document{{"format", std::string(k_backup_format)},
                      {"format_version", manifest.format_version},
                      {"created", manifest.created},
                      {"schema_version", manifest.schema_version},
                      {"includes_keys", manifest.includes_keys},
                      {"files", files}};
  return document.dump(1) + "\n";
}

util::Result<BackupManifest> parse_manifest(std::string_view text) {
  auto parsed = util::parse_strict_json<Json>(text, 8);
  if (!parsed) {
    return malformed(parsed.error().message);
  }
  const auto& document = *parsed;
  if (!document.is_object() || !document.contains("format") || document.at("format") != k_backup_format) {
    return malformed("not a Lifeline backup manifest");
  }
  BackupManifest manifest;
  try {
    manifest.format_version = document.at("format_version").get<std::int64_t>();
    if (manifest.format_version != k_backup_format_version) {
      return malformed("format version " + std::to_string(manifest.format_version) +
                       " is not known (this build reads " + std::to_string(k_backup_format_version) + ")");
    }
    manifest.created = document.at("created").get<std::string>();
    manifest.schema_version = document.at("schema_version").get<std::int64_t>();
    manifest.includes_keys = document.at("includes_keys").get<bool>();
    const auto& files = document.at("files");
    if (!files.is_array() || files.size() > k_max_files) {
      return malformed("\"files\" must be an array");
    }
    std::set<std::string> seen;
    for (const auto& entry : files) {
      ManifestFile file{entry.at("path").get<std::string>(), entry.at("length").get<std::int64_t>(),
                        entry.at("sha256").get<std::string>()};
      if (!is_safe_relative_path(file.path) || file.path == k_manifest_name) {
        return malformed("unsafe path \"" + file.path + "\"");
      }
      if (file.length < 0 || !is_sha256_hex(file.sha256)) {
        return malformed("malformed length or sha256 for " + file.path);
      }
      if (!seen.insert(file.path).second) {
        return malformed(file.path + " is listed twice");
      }
      manifest.files.push_back(std::move(file));
    }
  } catch (const nlohmann::json::exception& error) {
    return malformed(std::string("missing or mistyped field: ") + error.what());
  }
  return manifest;
}

} // namespace lifeline::server::maintenance
