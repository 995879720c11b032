#include "server/maintenance/backup.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h> // mkstemp
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "server/maintenance/backup_manifest.hpp"
#include "server/maintenance/backup_paths.hpp"
#include "server/maintenance/catalog_file.hpp"
#include "server/maintenance/file_digest.hpp"
#include "server/maintenance/scratch_dir.hpp"
#include "signing/repository/repository_lock.hpp"
#include "signing/tuf/metadata.hpp"
#include "util/file.hpp"

namespace lifeline::server::maintenance {

namespace {

namespace fs = std::filesystem;
using util::ErrorKind;
using util::make_error;

constexpr std::size_t k_max_timestamp = 1024 * 1024;

// One entry of the archive: its name, and where its bytes are read from.
struct Member {
  std::string path;
  fs::path source;
  bool directory = false;
};

struct Snapshot {
  std::vector<Member> members;
  std::int64_t schema_version = 0;
  std::int64_t timestamp_version = 0;
  double lock_seconds = 0;
};

bool is_payload(const std::string& path) {
  return path.starts_with(std::string(k_repository_dir) + "/targets/");
}

// A hard link keeps the bytes a name had at this moment, whatever replaces the name later
// (metadata and keys are only ever replaced by rename). Copied when links are not possible.
util::Result<void> pin(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::create_hard_link(from, to, ec);
  if (ec) {
    ec.clear();
    fs::copy_file(from, to, ec);
  }
  if (ec) {
    return make_error(ErrorKind::io, "cannot take " + from.string() + " into the backup: " + ec.message());
  }
  return {};
}

std::int64_t timestamp_version_of(const fs::path& timestamp) {
  auto bytes = util::read_file(timestamp, k_max_timestamp);
  if (!bytes) {
    return 0;
  }
  auto parsed = signing::tuf::parse_timestamp(*bytes);
  return parsed ? parsed->signed_part.common.version : 0;
}

// The consistent cut. Publishing adds the update to the catalog first, then signs it into the
// repository, committing with timestamp.json, all repository changes under the repository
// lock. With that lock held, the catalog is copied (so it knows every update any committed
// metadata lists) and every metadata and key file is pinned by a hard link (so the set is the
// complete one that timestamp.json commits to). Payloads are content-addressed and never
// rewritten with other bytes: they are only listed under the lock and read after it.
util::Result<Snapshot> take_snapshot(const fs::path& data_dir, const fs::path& pinned, const BackupOptions& options) {
  std::error_code ec;
  const auto repository = data_dir / k_repository_dir;
  const auto start = std::chrono::steady_clock::now();
  std::optional<signing::RepositoryLock> lock;
  if (fs::is_directory(repository, ec)) {
    lock.emplace(repository);
    if (!lock->held()) {
      return make_error(ErrorKind::io, "cannot lock the repository in " + repository.string());
    }
  }
  Snapshot snapshot;
  auto schema = copy_catalog(data_dir / k_catalog_file, pinned / k_catalog_file);
  if (!schema) {
    return schema.error();
  }
  snapshot.schema_version = *schema;
  snapshot.members.push_back(Member{std::string(k_catalog_file), pinned / k_catalog_file, false});
  const auto mapping = data_dir / k_product_mapping_file;
  if (fs::is_regular_file(fs::symlink_status(mapping, ec))) {
    if (auto pinned_mapping = pin(mapping, pinned / k_product_mapping_file); !pinned_mapping) {
      return pinned_mapping.error();
    }
    snapshot.members.push_back(Member{std::string(k_product_mapping_file), pinned / k_product_mapping_file, false});
  }
  std::vector<std::string_view> parts{k_repository_dir};
  if (options.include_keys) {
    parts.push_back(k_keys_dir);
  }
  for (const auto part : parts) {
    auto entries = list_tree(data_dir, part);
    if (!entries) {
      return entries.error();
    }
    for (const auto& entry : *entries) {
      if (entry.directory || is_payload(entry.path)) {
        snapshot.members.push_back(Member{entry.path, data_dir / entry.path, entry.directory});
        continue;
      }
      if (auto pinned_file = pin(data_dir / entry.path, pinned / entry.path); !pinned_file) {
        return pinned_file.error();
      }
      snapshot.members.push_back(Member{entry.path, pinned / entry.path, false});
    }
  }
  snapshot.timestamp_version = timestamp_version_of(pinned / k_repository_dir / "metadata" / "timestamp.json");
  snapshot.lock_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return snapshot;
}

struct FreeArchive {
  void operator()(archive* handle) const { archive_write_free(handle); }
};
struct FreeEntry {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

class TarWriter {
 public:
  TarWriter(int fd, std::int64_t mtime) : m_archive(archive_write_new()), m_mtime(mtime) {
    if (m_archive && (archive_write_set_format_pax_restricted(m_archive.get()) != ARCHIVE_OK ||
                      archive_write_open_fd(m_archive.get(), fd) != ARCHIVE_OK)) {
      m_failed = true;
    }
  }

  util::Result<void> start(const std::string& path, bool directory, std::int64_t size) {
    if (!m_archive || m_failed) {
      return failure("cannot write the archive");
    }
    std::unique_ptr<archive_entry, FreeEntry> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), path.c_str());
    archive_entry_set_filetype(entry.get(), directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), directory ? 0700 : 0600);
    archive_entry_set_size(entry.get(), directory ? 0 : size);
    archive_entry_set_mtime(entry.get(), m_mtime, 0);
    if (archive_write_header(m_archive.get(), entry.get()) != ARCHIVE_OK) {
      return failure("cannot write the entry for " + path);
    }
    return {};
  }

  util::Result<void> write(std::string_view bytes) {
    if (archive_write_data(m_archive.get(), bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size())) {
      return failure("cannot write to the archive");
    }
    return {};
  }

  util::Result<void> close() {
    if (archive_write_close(m_archive.get()) != ARCHIVE_OK) {
      return failure("cannot finish the archive");
    }
    return {};
  }

 private:
  util::Error failure(const std::string& what) {
    m_failed = true;
    const char* detail = m_archive ? archive_error_string(m_archive.get()) : nullptr;
    return make_error(ErrorKind::io, what + (detail != nullptr ? std::string(": ") + detail : std::string()));
  }

  std::unique_ptr<archive, FreeArchive> m_archive;
  std::int64_t m_mtime;
  bool m_failed = false;
};

// The archive being written: beside `out`, removed unless it was moved into place.
class PendingFile {
 public:
  static util::Result<PendingFile> create(const fs::path& out) {
    const auto parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
    auto pattern = (parent / ("." + out.filename().string() + ".XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const int fd = ::mkstemp(buffer.data()); // 0600: the backup holds private keys
    if (fd < 0) {
      return make_error(ErrorKind::io, "cannot create a file in " + parent.string() + ": " + std::strerror(errno));
    }
    return PendingFile(fs::path(buffer.data()), fd);
  }
  PendingFile(PendingFile&& other) noexcept
      : m_path(std::exchange(other.m_path, fs::path())), m_fd(std::exchange(other.m_fd, -1)) {}
  PendingFile& operator=(PendingFile&&) = delete;
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  ~PendingFile() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    if (!m_path.empty()) {
      ::unlink(m_path.c_str());
    }
  }
  [[nodiscard]] int fd() const { return m_fd; }

  // fsync, rename over `out`, fsync the directory.
  util::Result<void> commit(const fs::path& out) {
    if (::fsync(m_fd) != 0 || ::close(std::exchange(m_fd, -1)) != 0) {
      return make_error(ErrorKind::io, "cannot flush " + m_path.string() + ": " + std::strerror(errno));
    }
    if (::rename(m_path.c_str(), out.c_str()) != 0) {
      return make_error(ErrorKind::io, "cannot move the backup to " + out.string() + ": " + std::strerror(errno));
    }
    m_path.clear();
    const auto parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
    const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
    return {};
  }

 private:
  PendingFile(fs::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}
  fs::path m_path;
  int m_fd;
};

util::Result<void> write_archive(const Snapshot& snapshot, TarWriter& tar, BackupManifest& manifest) {
  for (const auto& member : snapshot.members) {
    if (member.directory) {
      if (auto started = tar.start(member.path, true, 0); !started) {
        return started;
      }
      continue;
    }
    std::error_code ec;
    const auto size = fs::file_size(member.source, ec);
    if (ec) {
      return make_error(ErrorKind::io, member.source.string() + ": " + ec.message());
    }
    if (auto started = tar.start(member.path, false, static_cast<std::int64_t>(size)); !started) {
      return started;
    }
    auto digest = digest_file(member.source, {"sha256"}, [&](std::string_view chunk) { return tar.write(chunk); });
    if (!digest) {
      return digest.error();
    }
    if (digest->length != size) {
      return make_error(ErrorKind::conflict, member.source.string() + " changed while it was being copied");
    }
    manifest.files.push_back(
        ManifestFile{member.path, static_cast<std::int64_t>(digest->length), digest->hashes.at("sha256")});
  }
  const auto text = manifest_json(manifest);
  if (auto started = tar.start(std::string(k_manifest_name), false, static_cast<std::int64_t>(text.size())); !started) {
    return started;
  }
  if (auto written = tar.write(text); !written) {
    return written;
  }
  return tar.close();
}

} // namespace

util::Result<BackupSummary> create_backup(const fs::path& data_dir, const fs::path& out, const BackupOptions& options,
                                          std::int64_t now) {
  std::error_code ec;
  if (!fs::is_regular_file(data_dir / k_catalog_file, ec)) {
    return make_error(ErrorKind::not_found, "no catalog in " + data_dir.string() + ": nothing to back up");
  }
  if (out.filename().empty() || fs::is_directory(out, ec)) {
    return make_error(ErrorKind::invalid_input, out.string() + " must name a file");
  }
  // Pinned copies live in the data directory (hard links need the same file system); hidden,
  // so no listing ever includes them.
  auto pinned = ScratchDir::create(data_dir, ".backup-");
  if (!pinned) {
    return pinned.error();
  }
  auto snapshot = take_snapshot(data_dir, pinned->path(), options);
  if (!snapshot) {
    return snapshot.error();
  }
  auto pending = PendingFile::create(out);
  if (!pending) {
    return pending.error();
  }
  BackupManifest manifest;
  manifest.created = signing::tuf::format_expires(now);
  manifest.schema_version = snapshot->schema_version;
  manifest.includes_keys = options.include_keys;
  TarWriter tar(pending->fd(), now);
  if (auto written = write_archive(*snapshot, tar, manifest); !written) {
    return written.error().with_context("backup of " + data_dir.string());
  }
  if (auto committed = pending->commit(out); !committed) {
    return committed.error();
  }
  BackupSummary summary;
  summary.files = manifest.files.size();
  for (const auto& file : manifest.files) {
    summary.bytes += static_cast<std::uint64_t>(file.length);
  }
  summary.schema_version = snapshot->schema_version;
  summary.timestamp_version = snapshot->timestamp_version;
  summary.includes_keys = options.include_keys;
  summary.lock_seconds = snapshot->lock_seconds;
  return summary;
}

} // namespace lifeline::server::maintenance
