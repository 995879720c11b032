// Group commit for SQLite in WAL mode. Commits run with synchronous=NORMAL, which appends the
// transaction to the log without waiting for the disk; each commit then waits here until an
// fsync of the log that started after it has finished. While one fsync runs, the commits made
// meanwhile queue and the next fsync covers them all: N writers pay for one disk flush, not N,
// and no commit is acknowledged before it is on disk, exactly as with synchronous=FULL.
#pragma once

#include <atomic>
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

  // Around a COMMIT of a transaction that wrote: it may be seen by readers from inside COMMIT on.
  void begin_commit();
  // After it: the commit's ticket; any fsync of the log that starts from now on covers it.
  std::uint64_t committed();
  void commit_failed();
  // Returns once the log is on disk up to `ticket`; `db` (the caller's connection, idle, its log
  // open) lends its handle on the log for the fsync. Throws SqliteError when the disk refused
  // a flush that covered the ticket: a later flush that succeeds does not make it durable.
  void wait_durable(std::uint64_t ticket, sqlite3* db);
  // A read has ended: returns once every commit it may have seen is on disk, so that no answer
  // shows what a power cut could still undo (SQLite with synchronous=FULL never shows it).
  void wait_visible(sqlite3* db);

 private:
  std::mutex m_mutex;
  std::condition_variable m_synced_changed; // a flush ended: its waiters
  std::condition_variable m_flights_landed; // no commit in flight: readers waiting for that
  int m_readers_waiting = 0;                // so that commits wake nobody when none waits
  std::atomic<int> m_in_flight{0};
  std::atomic<std::uint64_t> m_written{0};
  std::atomic<std::uint64_t> m_synced{0};
  std::uint64_t m_failed = 0; // tickets up to this were in a flush the disk refused
  bool m_syncing = false;
};

} // namespace lifeline::catalog::sqlite
