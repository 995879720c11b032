// What of a data directory a backup holds, and the only paths a restore accepts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lifeline::server::maintenance {

inline constexpr std::string_view k_catalog_file = "catalog.db";
inline constexpr std::string_view k_product_mapping_file = "product-mapping.json";
inline constexpr std::string_view k_repository_dir = "repository";
inline constexpr std::string_view k_keys_dir = "keys";

// Relative, '/' separated, no empty, "." or ".." part, no control characters, bounded length.
bool is_safe_relative_path(std::string_view path);
// A safe path inside one of the parts a backup holds (catalog, product mapping, repository, keys).
bool is_backup_member(std::string_view path);
// Under keys/: restored 0600 (files) and 0700 (directories).
bool is_secret_path(std::string_view path);

struct TreeEntry {
  std::string path; // relative to the data directory
  bool directory = false;
  std::uintmax_t size = 0;
};

// Every directory and regular file below DATA/`part`, parents first, in name order. Hidden
// names (lock files, temporaries being written) and pending keys are left out; a link or a
// special file is refused: a backup copies what the server wrote, nothing it points to.
util::Result<std::vector<TreeEntry>> list_tree(const std::filesystem::path& data_dir, std::string_view part);

} // namespace lifeline::server::maintenance
