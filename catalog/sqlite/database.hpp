// SQLite behind the catalog's SQL interface (catalog/sql/connection.hpp): a connection with
// cached prepared statements, WAL, and group-committed writes (wal_sync.hpp).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "catalog/sql/connection.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace lifeline::catalog::sqlite {

using sql::Statement;
using sql::Transaction;
using sql::TransactionMode;

struct SqliteError : sql::StorageError {
  using sql::StorageError::StorageError;
};

struct ConnectionDeleter {
  void operator()(sqlite3* db) const;
};

class SqliteStatement;
class WalSync;

enum class OpenMode {
  catalog,   // read-write, created if missing, with WAL, foreign keys and group-committed writes
  read_only, // an existing database, changed in nothing (integrity checks)
  as_is,     // read-write, created if missing, its settings left as they are (online backup)
};

class Database final : public sql::Connection {
 public:
  // Opens with a busy timeout; the catalog's settings in OpenMode::catalog.
  explicit Database(const std::filesystem::path& path, OpenMode mode = OpenMode::catalog);
  ~Database() override;

  Statement prepare(const std::string& sql) override;
  void execute(std::string_view sql) override;
  [[nodiscard]] std::int64_t changes() const override;
  // IMMEDIATE queues behind this process's other writers first (a mutex), then takes SQLite's
  // write lock. A commit that wrote returns once the log is on disk: one fsync covers every
  // commit of the process made while the previous one ran (wal_sync.hpp).
  void begin(TransactionMode mode) override;
  // The commit's group-commit ticket, or -1 when the transaction only read.
  std::int64_t commit() override;
  void wait_durable(std::int64_t commit_token, sql::Connection& waits_on) override;
  void rollback(sql::Connection& waits_on) noexcept override;
  // TRUNCATE holds back writers while it waits for readers: at most 200 ms.
  std::int64_t checkpoint() override;

  // How long a statement waits for a lock; the catalog's default when not given.
  void busy_timeout(int milliseconds = k_default_busy_timeout_ms);
  static constexpr int k_default_busy_timeout_ms = 30'000;
  [[nodiscard]] sqlite3* handle() const { return m_db.get(); }
  // The group commit of this database file (OpenMode::catalog), shared by its connections.
  [[nodiscard]] WalSync* wal_sync() const { return m_wal_sync.get(); }

 private:
  std::unique_ptr<sqlite3, ConnectionDeleter> m_db;
  std::shared_ptr<WalSync> m_wal_sync;
  std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> m_cache;
  // This connection's transaction holds the process's writer lock (from BEGIN IMMEDIATE to COMMIT
  // or ROLLBACK). Set and cleared only by the holder, while it holds the lock: a shared (writer)
  // connection passes from thread to thread with it.
  bool m_holds_writer = false;
  void release_writer();
};

} // namespace lifeline::catalog::sqlite
