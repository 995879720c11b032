#include "agent/unpack.hpp"

#include <cerrno>
#include <memory>
#include <string>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lifeline::agent {

namespace {

namespace fs = std::filesystem;

struct ArchiveDeleter {
  void operator()(archive* handle) const { archive_read_free(handle); }
};

std::string error_text(archive* reader) {
  const char* text = archive_error_string(reader);
  return text == nullptr ? "unknown error" : text;
}

util::Error refused(const std::string& entry, const std::string& why) {
  return util::make_error(util::ErrorKind::invalid_input, "archive entry \"" + entry + "\": " + why);
}

// A relative path of plain components: no root, no "..", no backslash (a Windows separator
// would mean something else to the product that reads it).
bool is_safe_relative(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos) {
    return false;
  }
  for (const auto& part : fs::path(path)) {
    if (part == "..") {
      return false;
    }
  }
  return true;
}

// A symlink target that stays inside the tree when resolved from the link's directory.
bool link_stays_inside(const std::string& entry, const std::string& target) {
  if (target.empty() || target.front() == '/') {
    return false;
  }
  int depth = 0;
  for (const auto& part : fs::path(entry).parent_path() / target) {
    if (part == "..") {
      if (--depth < 0) {
        return false;
      }
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return true;
}

// Every directory from `root` down to `path`'s parent is a real directory: never a link, so no
// write goes through one.
util::Result<void> make_parents(const fs::path& root, const fs::path& relative, const std::string& entry) {
  auto current = root;
  for (const auto& part : relative.parent_path()) {
    current /= part;
    struct stat status {};
    if (::lstat(current.c_str(), &status) == 0) {
      if (!S_ISDIR(status.st_mode)) {
        return refused(entry, "its directory " + part.string() + " is not a directory (a link?)");
      }
    } else if (::mkdir(current.c_str(), 0755) != 0) {
      return refused(entry, "cannot create its directory");
    }
  }
  return {};
}

util::Result<std::int64_t> write_entry(archive* reader, const fs::path& file, const std::string& entry,
                                       std::int64_t budget, bool executable) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, executable ? 0755 : 0644);
  if (fd < 0) {
    return refused(entry, "cannot be created (twice in the archive?)");
  }
  std::int64_t written = 0;
  const void* block = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_data_block(reader, &block, &size, &offset)) == ARCHIVE_OK) {
    written += static_cast<std::int64_t>(size);
    if (written > budget) {
      ::close(fd);
      return refused(entry, "the archive holds more bytes than allowed");
    }
    if (::pwrite(fd, block, size, static_cast<off_t>(offset)) != static_cast<ssize_t>(size)) {
      ::close(fd);
      return refused(entry, "cannot be written");
    }
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (rc != ARCHIVE_EOF) {
    return refused(entry, "unreadable: " + error_text(reader));
  }
  if (!synced) {
    return refused(entry, "cannot be written to disk");
  }
  return written;
}

util::Result<UnpackSummary> unpack_into(archive* reader, const fs::path& staging, const UnpackLimits& limits) {
  UnpackSummary summary;
  archive_entry* header = nullptr;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_next_header(reader, &header)) == ARCHIVE_OK) {
    const char* raw = archive_entry_pathname(header);
    const std::string entry = raw == nullptr ? std::string() : raw;
    if (++summary.entries > limits.max_entries) {
      return refused(entry, "the archive holds more entries than allowed (" + std::to_string(limits.max_entries) + ")");
    }
    if (!is_safe_relative(entry)) {
      return refused(entry, "absolute paths and \"..\" are not allowed");
    }
    if (archive_entry_hardlink(header) != nullptr) {
      return refused(entry, "hard links are not allowed");
    }
    const auto mode = archive_entry_mode(header);
    if ((mode & (S_ISUID | S_ISGID)) != 0) {
      return refused(entry, "setuid and setgid bits are not allowed");
    }
    const auto relative = fs::path(entry).lexically_normal();
    if (relative.empty() || relative == ".") {
      continue; // the archive's own root
    }
    if (auto parents = make_parents(staging, relative, entry); !parents) {
      return parents.error();
    }
    const auto target = staging / relative;
    switch (archive_entry_filetype(header)) {
    case AE_IFDIR:
      if (::mkdir(target.c_str(), 0755) != 0 && errno != EEXIST) {
        return refused(entry, "cannot create the directory");
      }
      break;
    case AE_IFREG: {
      const auto written = write_entry(reader, target, entry, limits.max_bytes - summary.bytes, (mode & 0111) != 0);
      if (!written) {
        return written.error();
      }
      summary.bytes += *written;
      break;
    }
    case AE_IFLNK: {
      const char* link = archive_entry_symlink(header);
      if (link == nullptr || !link_stays_inside(entry, link)) {
        return refused(entry, std::string("a link that leaves the tree (to ") + (link ? link : "nothing") + ")");
      }
      if (::symlink(link, target.c_str()) != 0) {
        return refused(entry, "cannot create the link");
      }
      break;
    }
    default:
      return refused(entry, "device, FIFO and socket files are not allowed");
    }
  }
  if (rc != ARCHIVE_EOF) {
    return util::make_error(util::ErrorKind::invalid_input, "the archive is unreadable: " + error_text(reader));
  }
  return summary;
}

} // namespace

util::Result<UnpackSummary> unpack(const fs::path& archive_file, const fs::path& staging, const UnpackLimits& limits) {
  std::error_code ec;
  if (fs::exists(staging, ec)) {
    return util::make_error(util::ErrorKind::conflict, staging.string() + " already exists");
  }
  const std::unique_ptr<archive, ArchiveDeleter> reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  if (archive_read_open_filename(reader.get(), archive_file.c_str(), 1 << 16) != ARCHIVE_OK) {
    return util::make_error(util::ErrorKind::invalid_input, archive_file.string() + ": " + error_text(reader.get()));
  }
  fs::create_directories(staging, ec);
  if (ec) {
    return util::make_error(util::ErrorKind::io, staging.string() + ": " + ec.message());
  }
  auto summary = unpack_into(reader.get(), staging, limits);
  if (!summary) {
    fs::remove_all(staging, ec);
  }
  return summary;
}

} // namespace lifeline::agent
