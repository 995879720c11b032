// The lock that serialises every change to a repository (DATA/repository/.lock, flock): held
// by publishing, delegation, refresh and root installation, and by a backup while it takes its
// snapshot, so that it never sees half a change.
#pragma once

#include <filesystem>

namespace lifeline::signing {

class RepositoryLock {
 public:
  // Blocks until the exclusive lock on `repository_dir` is held (or could not be taken).
  explicit RepositoryLock(const std::filesystem::path& repository_dir);
  RepositoryLock(const RepositoryLock&) = delete;
  RepositoryLock& operator=(const RepositoryLock&) = delete;
  ~RepositoryLock();
  [[nodiscard]] bool held() const { return m_fd >= 0; }

 private:
  int m_fd;
};

} // namespace lifeline::signing
