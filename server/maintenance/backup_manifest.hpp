// The manifest of a backup archive (lifeline-backup.json, its last entry): the format, when
// and from which catalog schema it was taken, and every file with its length and SHA-256, so
// that a restore checks every byte before anything becomes visible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lifeline::server::maintenance {

inline constexpr std::string_view k_manifest_name = "lifeline-backup.json";
inline constexpr std::string_view k_backup_format = "lifeline-backup";
inline constexpr std::int64_t k_backup_format_version = 1;

struct ManifestFile {
  std::string path; // relative to the data directory, '/' separated
  std::int64_t length = 0;
  std::string sha256; // lower-case hex
};

struct BackupManifest {
  std::int64_t format_version = k_backup_format_version;
  std::string created; // RFC 3339, UTC
  std::int64_t schema_version = 0;
  bool includes_keys = true;
  std::vector<ManifestFile> files;
};

std::string manifest_json(const BackupManifest& manifest);
// Strict: unknown format, a newer format version, duplicate or malformed entries are refused.
util::Result<BackupManifest> parse_manifest(std::string_view text);

} // namespace lifeline::server::maintenance
