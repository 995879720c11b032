#include "server/maintenance/restore.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <system_error>

#include "server/maintenance/backup_manifest.hpp"
#include "server/maintenance/backup_paths.hpp"
#include "server/maintenance/catalog_file.hpp"
#include "server/maintenance/scratch_dir.hpp"
#include "signing/crypto.hpp"

namespace lifeline::server::maintenance {

namespace {

namespace fs = std::filesystem;
using util::ErrorKind;
using util::make_error;

constexpr std::int64_t k_max_manifest = 256 * 1024 * 1024;
constexpr std::int64_t k_max_file = std::int64_t{64} * 1024 * 1024 * 1024;

struct FreeArchive {
  void operator()(archive* handle) const { archive_read_free(handle); }
};

struct Extracted {
  std::int64_t length = 0;
  std::string sha256;
};

util::Error refused(const std::string& why) {
  return make_error(ErrorKind::invalid_input, "the backup is refused: " + why);
}

util::Error archive_failure(archive* handle, const std::string& what) {
  const char* detail = archive_error_string(handle);
  return refused(what + (detail != nullptr ? std::string(": ") + detail : std::string()));
}

// Closes its descriptor whatever happens.
class OutputFile {
 public:
  explicit OutputFile(const fs::path& path)
      : m_fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) {}
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  [[nodiscard]] bool opened() const { return m_fd >= 0; }
  bool write(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto written = ::write(m_fd, bytes.data(), bytes.size());
      if (written < 0 && errno == EINTR) {
        continue;
      }
      if (written <= 0) {
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
  }
  bool finish() { return ::fsync(m_fd) == 0 && ::close(std::exchange(m_fd, -1)) == 0; }

 private:
  int m_fd;
};

util::Result<std::string> read_entry_text(archive* handle, std::int64_t size) {
  std::string text(static_cast<std::size_t>(size), '\0');
  const auto read = archive_read_data(handle, text.data(), text.size());
  if (read != static_cast<la_ssize_t>(size)) {
    return archive_failure(handle, std::string(k_manifest_name) + " is truncated");
  }
  return text;
}

util::Result<Extracted> extract_file(archive* handle, const fs::path& target, const std::string& path,
                                     std::int64_t size) {
  OutputFile out(target);
  if (!out.opened()) {
    return make_error(ErrorKind::io, "cannot create " + target.string() + ": " + std::strerror(errno));
  }
  signing::Hasher hasher(signing::HashAlgorithm::sha256);
  std::int64_t length = 0;
  auto buffer = std::make_unique<char[]>(1 << 16);
  for (;;) {
    const auto read = archive_read_data(handle, buffer.get(), 1 << 16);
    if (read < 0) {
      return archive_failure(handle, "cannot read " + path);
    }
    if (read == 0) {
      break;
    }
    const std::string_view chunk(buffer.get(), static_cast<std::size_t>(read));
    hasher.update(chunk);
    length += read;
    if (length > size || !out.write(chunk)) {
      return make_error(ErrorKind::io, "cannot write " + target.string());
    }
  }
  if (length != size) {
    return refused(path + " is truncated");
  }
  if (!out.finish()) {
    return make_error(ErrorKind::io, "cannot flush " + target.string() + ": " + std::strerror(errno));
  }
  return Extracted{length, hasher.hex_digest()};
}

struct Unpacked {
  std::map<std::string, Extracted> files;
  std::vector<std::string> directories;
  std::string manifest;
};

// Unpacks into `staging`, accepting only what a backup holds: directories and regular files at
// safe paths inside the catalog, the product mapping, the repository and the keys, each once,
// and the manifest last.
util::Result<Unpacked> unpack(const fs::path& backup, const fs::path& staging) {
  std::unique_ptr<archive, FreeArchive> handle(archive_read_new());
  if (!handle) {
    return make_error(ErrorKind::internal, "out of memory");
  }
  archive_read_support_format_tar(handle.get());
  if (archive_read_open_filename(handle.get(), backup.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(ErrorKind::not_found,
                      "cannot read " + backup.string() + ": " + archive_error_string(handle.get()));
  }
  Unpacked unpacked;
  std::set<std::string> seen;
  bool manifest_seen = false;
  archive_entry* entry = nullptr;
  for (;;) {
    const int rc = archive_read_next_header(handle.get(), &entry);
    if (rc == ARCHIVE_EOF) {
      break;
    }
    if (rc != ARCHIVE_OK) {
      return archive_failure(handle.get(), "not a readable tar archive");
    }
    const char* name = archive_entry_pathname(entry);
    std::string path = name == nullptr ? std::string() : std::string(name);
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR && path.size() > 1 && path.back() == '/') {
      path.pop_back();
    }
    if (manifest_seen) {
      return refused("\"" + path + "\" follows the manifest");
    }
    if (archive_entry_hardlink(entry) != nullptr || archive_entry_symlink(entry) != nullptr ||
        (type != AE_IFREG && type != AE_IFDIR)) {
      return refused("\"" + path + "\" is a link or a special file");
    }
    const bool is_manifest = path == k_manifest_name;
    if (!is_manifest && !is_backup_member(path)) {
      return refused("unsafe or unexpected path \"" + path + "\"");
    }
    if (!seen.insert(path).second) {
      return refused("\"" + path + "\" appears twice");
    }
    std::error_code ec;
    if (type == AE_IFDIR) {
      if (is_manifest) {
        return refused("the manifest is a directory");
      }
      fs::create_directories(staging / path, ec);
      if (ec) {
        return make_error(ErrorKind::io, "cannot create " + (staging / path).string() + ": " + ec.message());
      }
      unpacked.directories.push_back(path);
      continue;
    }
    const auto size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : -1;
    if (size < 0 || size > (is_manifest ? k_max_manifest : k_max_file)) {
      return refused("\"" + path + "\" has no size or is too large");
    }
    if (is_manifest) {
      auto text = read_entry_text(handle.get(), size);
      if (!text) {
        return text.error();
      }
      unpacked.manifest = std::move(*text);
      manifest_seen = true;
      continue;
    }
    const auto target = staging / path;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      return make_error(ErrorKind::io, "cannot create " + target.parent_path().string() + ": " + ec.message());
    }
    auto extracted = extract_file(handle.get(), target, path, size);
    if (!extracted) {
      return extracted.error();
    }
    unpacked.files.emplace(path, std::move(*extracted));
  }
  if (!manifest_seen) {
    return refused("no " + std::string(k_manifest_name) + ": not a Lifeline backup, or a truncated one");
  }
  return unpacked;
}

util::Result<BackupManifest> verify(const Unpacked& unpacked) {
  auto manifest = parse_manifest(unpacked.manifest);
  if (!manifest) {
    return refused(manifest.error().message);
  }
  std::size_t listed = 0;
  for (const auto& file : manifest->files) {
    const auto found = unpacked.files.find(file.path);
    if (found == unpacked.files.end()) {
      return refused(file.path + " is in the manifest but not in the archive");
    }
    if (found->second.length != file.length || found->second.sha256 != file.sha256) {
      return refused(file.path + " does not match its length and SHA-256 in the manifest");
    }
    ++listed;
  }
  if (listed != unpacked.files.size()) {
    for (const auto& [path, extracted] : unpacked.files) {
      const auto in_manifest = std::any_of(manifest->files.begin(), manifest->files.end(),
                                           [&](const ManifestFile& file) { return file.path == path; });
      if (!in_manifest) {
        return refused(path + " is not in the manifest");
      }
    }
  }
  if (!unpacked.files.contains(std::string(k_catalog_file))) {
    return refused("it holds no catalog.db");
  }
  return manifest;
}

// As the server creates them: the data directory and the keys private to the service account.
util::Result<void> set_permissions(const fs::path& staging, const Unpacked& unpacked) {
  std::error_code ec;
  const auto owner_rw = fs::perms::owner_read | fs::perms::owner_write;
  const auto shared_read = owner_rw | fs::perms::group_read | fs::perms::others_read;
  const auto shared_dir = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec;
  for (const auto& directory : unpacked.directories) {
    fs::permissions(staging / directory, is_secret_path(directory) ? fs::perms::owner_all : shared_dir, ec);
  }
  for (const auto& [path, extracted] : unpacked.files) {
    const bool secret = is_secret_path(path) || path == k_catalog_file;
    fs::permissions(staging / path, secret ? owner_rw : shared_read, ec);
  }
  fs::permissions(staging, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) {
    return make_error(ErrorKind::io, "cannot set permissions in " + staging.string() + ": " + ec.message());
  }
  return {};
}

util::Result<void> check_target(const fs::path& data_dir) {
  std::error_code ec;
  const auto status = fs::symlink_status(data_dir, ec);
  if (!fs::exists(status)) {
    return {};
  }
  if (!fs::is_directory(status)) {
    return make_error(ErrorKind::conflict, data_dir.string() + " exists and is not a directory; restore refuses it");
  }
  if (!fs::is_empty(data_dir, ec) || ec) {
    return make_error(ErrorKind::conflict, data_dir.string() +
                                               " is not empty; restore only writes into an empty or absent "
                                               "directory, so nothing existing is ever overwritten");
  }
  return {};
}

} // namespace

util::Result<RestoreSummary> restore_backup(const fs::path& backup, const fs::path& data_dir) {
  if (auto empty = check_target(data_dir); !empty) {
    return empty.error();
  }
  std::error_code ec;
  auto target = fs::absolute(data_dir, ec).lexically_normal();
  if (target.filename().empty()) {
    target = target.parent_path(); // DIR/ names DIR
  }
  const auto parent = target.parent_path();
  fs::create_directories(parent, ec);
  if (ec || target.filename().empty()) {
    return make_error(ErrorKind::io, "cannot create " + parent.string() + ": " + ec.message());
  }
  auto staging = ScratchDir::create(parent, "." + target.filename().string() + ".restore-");
  if (!staging) {
    return staging.error();
  }
  auto unpacked = unpack(backup, staging->path());
  if (!unpacked) {
    return unpacked.error();
  }
  auto manifest = verify(*unpacked);
  if (!manifest) {
    return manifest.error();
  }
  auto catalog = inspect_catalog(staging->path() / k_catalog_file);
  if (!catalog) {
    return refused(catalog.error().message);
  }
  if (!catalog->integrity_errors.empty()) {
    return refused("catalog.db fails its integrity check: " + catalog->integrity_errors.front());
  }
  if (catalog->schema_version > catalog->latest_schema_version) {
    return refused("its catalog schema (version " + std::to_string(catalog->schema_version) +
                   ") is newer than this build knows; restore with a newer Lifeline");
  }
  if (auto permitted = set_permissions(staging->path(), *unpacked); !permitted) {
    return permitted.error();
  }
  // An empty directory is replaced by the rename; one filled meanwhile makes it fail.
  if (::rename(staging->path().c_str(), target.c_str()) != 0) {
    return make_error(ErrorKind::conflict,
                      "cannot move the restored data into " + target.string() + ": " + std::strerror(errno));
  }
  staging->release();
  const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  RestoreSummary summary;
  summary.files = unpacked->files.size();
  for (const auto& [path, extracted] : unpacked->files) {
    summary.bytes += static_cast<std::uint64_t>(extracted.length);
  }
  summary.schema_version = catalog->schema_version;
  summary.includes_keys = manifest->includes_keys;
  summary.created = manifest->created;
  return summary;
}

} // namespace lifeline::server::maintenance
