#include "catalog/sqlite/wal_sync.hpp"

#include <sqlite3.h>

#include "catalog/sqlite/database.hpp"
#include "catalog/sqlite/per_file.hpp"

namespace lifeline::catalog::sqlite {

namespace {

// fsync of the log through SQLite's own file handle (its VFS), so locking and the file's
// identity stay SQLite's business. One file descriptor's fsync flushes the whole file, whichever
// connection of the process wrote it.
void sync_log(sqlite3* db) {
  sqlite3_file* log = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, static_cast<void*>(&log)) != SQLITE_OK) {
    throw SqliteError("cannot reach the catalog's log file to flush it");
  }
  if (log == nullptr || log->pMethods == nullptr) {
    return; // no log open: the commit was checkpointed into the database file, which SQLite synced
  }
  if (log->pMethods->xSync(log, SQLITE_SYNC_NORMAL) != SQLITE_OK) {
    throw SqliteError("the disk refused to flush the catalog's log");
  }
}

} // namespace

std::shared_ptr<WalSync> WalSync::for_file(const std::filesystem::path& database_file) {
  return per_file<WalSync>(database_file, [] { return std::make_shared<WalSync>(); });
}

void WalSync::begin_commit() {
  const std::scoped_lock lock(m_mutex);
  ++m_in_flight;
}

std::uint64_t WalSync::committed() {
  const std::scoped_lock lock(m_mutex);
  const auto ticket = ++m_written;
  if (--m_in_flight == 0 && m_readers_waiting > 0) {
    m_flights_landed.notify_all();
  }
  return ticket;
}

void WalSync::commit_failed() {
  const std::scoped_lock lock(m_mutex);
  if (--m_in_flight == 0 && m_readers_waiting > 0) {
    m_flights_landed.notify_all();
  }
}

void WalSync::wait_durable(std::uint64_t ticket, sqlite3* db) {
  std::unique_lock lock(m_mutex);
  while (m_synced < ticket) {
    if (ticket <= m_failed) {
      break;
    }
    if (m_syncing) {
      m_synced_changed.wait(lock);
      continue;
    }
    // Leader: this fsync covers every commit ticketed so far.
    m_syncing = true;
    const std::uint64_t target = m_written;
    lock.unlock();
    bool flushed = true;
    try {
      sync_log(db);
    } catch (const SqliteError&) {
      flushed = false;
    }
    lock.lock();
    m_syncing = false;
    if (flushed) {
      m_synced = std::max<std::uint64_t>(m_synced, target);
    } else {
      m_failed = std::max(m_failed, target);
    }
    m_synced_changed.notify_all();
  }
  if (m_synced < ticket && ticket <= m_failed) {
    throw SqliteError("the disk refused to flush the catalog's log: the change may not be durable");
  }
}

void WalSync::wait_visible(sqlite3* db) {
  if (m_in_flight == 0 && m_synced >= m_written) {
    return; // nothing committed that is not on disk: the common case, without a lock
  }
  std::uint64_t target = 0;
  {
    std::unique_lock lock(m_mutex);
    ++m_readers_waiting;
    m_flights_landed.wait(lock, [this] { return m_in_flight == 0; });
    --m_readers_waiting;
    target = m_written;
  }
  wait_durable(target, db);
}

} // namespace lifeline::catalog::sqlite
