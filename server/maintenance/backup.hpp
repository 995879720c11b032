// `lifeline-server backup`: one tar file holding the catalog (SQLite online backup), the TUF
// repository (config, metadata, content-addressed payloads), the online private keys and the
// product mapping, with a manifest of every file's length and SHA-256 (docs/backup.md).
#pragma once

#include <cstdint>
#include <filesystem>

#include "util/result.hpp"

namespace lifeline::server::maintenance {

struct BackupOptions {
  bool include_keys = true; // the online private keys: the backup is then a secret
};

struct BackupSummary {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0; // of the files, before the tar framing
  std::int64_t schema_version = 0;
  std::int64_t timestamp_version = 0; // the repository state captured; 0 without a repository
  bool includes_keys = true;
  double lock_seconds = 0; // how long publishers waited at most: the repository lock was held
};

// Writes the backup of `data_dir` to `out` (0600), through a temporary file beside it: `out`
// appears complete or not at all. Safe while a server runs on `data_dir`. `now` (Unix time)
// dates the manifest.
util::Result<BackupSummary> create_backup(const std::filesystem::path& data_dir, const std::filesystem::path& out,
                                          const BackupOptions& options, std::int64_t now);

} // namespace lifeline::server::maintenance
