// Group commit for SQLite in WAL mode. Commits run with synchronous=NORMAL, which appends the
// transaction to the log without waiting for the disk; each commit then waits here until an
// fsync of the log that started after it has finished. While one fsync runs, the commits made
// meanwhile queue and the next fsync covers them all: N writers pay for one disk flush, not N,
// and no commit is acknowledged before it is on disk, exactly as with synchronous=FULL.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

struct sqlite3;

namespace lifeline::catalog::sqlite {

class WalSync {
 public:
  // The one instance for this database file in this process.
  static std::shared_ptr<WalSync> for_file(const std::filesystem::path& database_file);

  // A ticket for a commit that has returned: any fsync of the log that starts after it covers it.
  std::uint64_t committed();
  // Returns once the log is on disk up to `ticket`; `db` (the caller's connection, idle) lends
  // its handle on the log for the fsync. Throws SqliteError when the disk refuses.
  void wait_durable(std::uint64_t ticket, sqlite3* db);

 private:
  std::mutex m_mutex;
  std::condition_variable m_synced_changed;
  std::uint64_t m_written = 0;
  std::uint64_t m_synced = 0;
  bool m_syncing = false;
};

} // namespace lifeline::catalog::sqlite
