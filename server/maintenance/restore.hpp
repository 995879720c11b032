// `lifeline-server restore`: a backup (backup.hpp) unpacked into an empty or absent data
// directory. Every path, length and hash is checked, and the catalog's integrity, in a
// temporary directory beside the target; only then is it renamed into place.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace lifeline::server::maintenance {

struct RestoreSummary {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::int64_t schema_version = 0;
  bool includes_keys = true;
  std::string created; // when the backup was taken
};

util::Result<RestoreSummary> restore_backup(const std::filesystem::path& backup, const std::filesystem::path& data_dir);

} // namespace lifeline::server::maintenance
