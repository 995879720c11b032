#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lifeline::util {

namespace {

Error io_error(const std::filesystem::path& path, const char* what) {
  return make_error(ErrorKind::io, path.string() + ": " + what + ": " + std::strerror(errno));
}

// Owns a file descriptor; closes it once.
class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  [[nodiscard]] int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }

 private:
  int m_fd;
};

} // namespace

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content, FileMode mode) {
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temporary = (directory / ("." + path.filename().string() + ".XXXXXX")).string();
  Fd fd(::mkstemp(temporary.data()));
  if (fd.get() < 0) {
    return io_error(path, "cannot create a temporary file");
  }
  const auto discard = [&]() { ::unlink(temporary.c_str()); };
  if (::fchmod(fd.get(), mode == FileMode::private_file ? 0600 : 0644) != 0) {
    discard();
    return io_error(path, "cannot set permissions");
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const auto n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      discard();
      return io_error(path, "cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
    discard();
    return io_error(path, "cannot flush");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    discard();
    return io_error(path, "cannot rename into place");
  }
  Fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) {
    ::fsync(dir.get());
  }
  return {};
}

} // namespace lifeline::util
