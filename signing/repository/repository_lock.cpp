#include "signing/repository/repository_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

namespace lifeline::signing {

RepositoryLock::RepositoryLock(const std::filesystem::path& repository_dir)
    : m_fd(::open((repository_dir / ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
  if (m_fd >= 0 && ::flock(m_fd, LOCK_EX) != 0) {
    ::close(std::exchange(m_fd, -1));
  }
}

RepositoryLock::~RepositoryLock() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

} // namespace lifeline::signing
