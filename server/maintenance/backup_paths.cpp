#include "server/maintenance/backup_paths.hpp"

#include <algorithm>
#include <set>
#include <system_error>

namespace lifeline::server::maintenance {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_path = 1024;
constexpr std::size_t k_max_component = 255;
constexpr std::size_t k_max_depth = 16;

bool starts_with_part(std::string_view path, std::string_view part) {
  return path.size() > part.size() && path.starts_with(part) && path[part.size()] == '/';
}

// Hidden names are locks and temporaries. A product role's pending key exists only while the
// repository lock is held; a top-level role's (keys rotate) waits for its root, maybe for days,
// and a restore without it could not finish the rotation: those are kept.
bool is_skipped(const std::string& name) {
  static const std::set<std::string> k_rotation_keys{"targets.pem.pending", "snapshot.pem.pending",
                                                     "timestamp.pem.pending", "entitlement.pem.pending"};
  return name.starts_with(".") || (name.ends_with(".pending") && !k_rotation_keys.contains(name));
}

} // namespace

bool is_safe_relative_path(std::string_view path) {
  if (path.empty() || path.size() > k_max_path || path.front() == '/') {
    return false;
  }
  if (std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\\'; })) {
    return false;
  }
  std::size_t depth = 0;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    const auto part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == ".." || part.size() > k_max_component || ++depth > k_max_depth) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

bool is_backup_member(std::string_view path) {
  return is_safe_relative_path(path) &&
         (path == k_catalog_file || path == k_product_mapping_file || path == k_repository_dir || path == k_keys_dir ||
          starts_with_part(path, k_repository_dir) || starts_with_part(path, k_keys_dir));
}

bool is_secret_path(std::string_view path) {
  return path == k_keys_dir || starts_with_part(path, k_keys_dir);
}

util::Result<std::vector<TreeEntry>> list_tree(const fs::path& data_dir, std::string_view part) {
  std::vector<TreeEntry> entries;
  const auto root = data_dir / part;
  std::error_code ec;
  const auto root_status = fs::symlink_status(root, ec);
  if (ec || !fs::exists(root_status)) {
    return entries; // nothing of this part yet
  }
  if (!fs::is_directory(root_status)) {
    return util::make_error(util::ErrorKind::invalid_input, root.string() + " is not a directory");
  }
  entries.push_back(TreeEntry{std::string(part), true, 0});
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    const auto status = it->symlink_status(ec);
    if (ec) {
      break;
    }
    if (is_skipped(name)) {
      if (fs::is_directory(status)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    const auto relative = fs::relative(it->path(), data_dir, ec).generic_string();
    if (fs::is_directory(status)) {
      entries.push_back(TreeEntry{relative, true, 0});
    } else if (fs::is_regular_file(status)) {
      entries.push_back(TreeEntry{relative, false, it->file_size(ec)});
    } else {
      return util::make_error(util::ErrorKind::invalid_input,
                              it->path().string() + " is not a regular file or directory; a backup refuses it");
    }
    if (ec) {
      break;
    }
  }
  if (ec) {
    return util::make_error(util::ErrorKind::io, "cannot list " + root.string() + ": " + ec.message());
  }
  std::sort(entries.begin(), entries.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return entries;
}

} // namespace lifeline::server::maintenance
