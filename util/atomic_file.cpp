#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lifeline::util {

namespace {

Error io_error(const std::filesystem::path& path, const char* what) {
  return make_error(ErrorKind::io, path.string() + ": " + what + ": " + std::strerror(errno));
}

void sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

} // namespace

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path, std::string temporary, int fd, bool keep)
    : m_path(std::move(path)), m_temporary(std::move(temporary)), m_fd(fd), m_keep(keep) {}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : m_path(std::move(other.m_path)), m_temporary(std::move(other.m_temporary)), m_fd(std::exchange(other.m_fd, -1)),
      m_keep(other.m_keep), m_flush(other.m_flush) {
  other.m_temporary.clear();
}

AtomicFileWriter::~AtomicFileWriter() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_temporary.empty() && !m_keep) {
    ::unlink(m_temporary.c_str());
  }
}

void AtomicFileWriter::discard() {
  m_keep = false;
  if (m_fd >= 0) {
    ::close(std::exchange(m_fd, -1));
  }
  if (!m_temporary.empty()) {
    ::unlink(m_temporary.c_str());
    m_temporary.clear();
  }
}

Result<AtomicFileWriter> AtomicFileWriter::resume(const std::filesystem::path& path,
                                                  const std::filesystem::path& partial) {
  const int fd = ::open(partial.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return io_error(partial, "cannot open (a link is never followed)");
  }
  AtomicFileWriter writer(path, partial.string(), fd, true);
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || status.st_nlink != 1) {
    errno = EINVAL;
    return io_error(partial, "is not a plain file of its own");
  }
  return writer;
}

Result<std::uint64_t> AtomicFileWriter::read_existing(const std::function<void(std::string_view)>& reader,
                                                      std::uint64_t max_bytes) {
  struct stat status {};
  if (::fstat(m_fd, &status) != 0) {
    return io_error(m_temporary, "cannot read");
  }
  std::uint64_t count = 0;
  if (static_cast<std::uint64_t>(status.st_size) <= max_bytes) {
    std::string buffer(1 << 16, '\0');
    for (;;) {
      const auto n = ::pread(m_fd, buffer.data(), buffer.size(), static_cast<off_t>(count));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        break; // the end, or a read error: what was read is what is kept
      }
      reader(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      count += static_cast<std::uint64_t>(n);
    }
  }
  if (::ftruncate(m_fd, static_cast<off_t>(count)) != 0 || ::lseek(m_fd, static_cast<off_t>(count), SEEK_SET) < 0) {
    return io_error(m_temporary, "cannot continue");
  }
  return count;
}

Result<AtomicFileWriter> AtomicFileWriter::create(const std::filesystem::path& path, FileMode mode) {
  std::string temporary = (directory_of(path) / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    return io_error(path, "cannot create a temporary file");
  }
  AtomicFileWriter writer(path, temporary, fd);
  if (::fchmod(fd, mode == FileMode::private_file ? 0600 : 0644) != 0) {
    return io_error(path, "cannot set permissions");
  }
  return writer;
}

Result<void> AtomicFileWriter::write(std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const auto n = ::write(m_fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return io_error(m_path, "cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  return {};
}

Result<void> AtomicFileWriter::commit_as(const std::filesystem::path& path, bool replace) {
  m_path = path;
  return commit(replace);
}

Result<void> AtomicFileWriter::commit(bool replace) {
  if ((m_flush && ::fsync(m_fd) != 0) || ::close(std::exchange(m_fd, -1)) != 0) {
    return io_error(m_path, "cannot flush");
  }
  if (replace) {
    if (::rename(m_temporary.c_str(), m_path.c_str()) != 0) {
      return io_error(m_path, "cannot move into place");
    }
  } else {
    // link() refuses an existing target, which rename() would silently replace.
    if (::link(m_temporary.c_str(), m_path.c_str()) != 0) {
      return io_error(m_path, errno == EEXIST ? "exists and is never overwritten" : "cannot move into place");
    }
    ::unlink(m_temporary.c_str());
  }
  m_temporary.clear();
  if (m_flush) {
    sync_directory(directory_of(m_path));
  }
  return {};
}

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content, FileMode mode) {
  auto writer = AtomicFileWriter::create(path, mode);
  if (!writer) {
    return writer.error();
  }
  if (auto written = writer->write(content); !written) {
    return written;
  }
  return writer->commit(true);
}

Result<void> write_new_file(const std::filesystem::path& path, std::string_view content, FileMode mode) {
  auto writer = AtomicFileWriter::create(path, mode);
  if (!writer) {
    return writer.error();
  }
  if (auto written = writer->write(content); !written) {
    return written;
  }
  return writer->commit(false);
}

} // namespace lifeline::util
