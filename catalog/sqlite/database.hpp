// Thin RAII layer over SQLite: a connection, prepared statements with typed binding, and a
// scoped transaction that rolls back unless committed. Failures throw SqliteError, which the
// catalog turns into a Result at its boundary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace lifeline::catalog::sqlite {

struct SqliteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ConnectionDeleter {
  void operator()(sqlite3* db) const;
};
struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const;
};

class Statement;
class WalSync;

enum class OpenMode {
  catalog,   // read-write, created if missing, with WAL, foreign keys and group-committed writes
  read_only, // an existing database, changed in nothing (integrity checks)
  as_is,     // read-write, created if missing, its settings left as they are (online backup)
};

class Database {
 public:
  // Opens with a busy timeout; the catalog's settings in OpenMode::catalog.
  explicit Database(const std::filesystem::path& path, OpenMode mode = OpenMode::catalog);

  void execute(std::string_view sql); // statements without parameters or results
  // A cached prepared statement, reset and ready to bind. Not reentrant for the same SQL.
  Statement prepare(const std::string& sql);
  [[nodiscard]] std::int64_t changes() const;
  // How long a statement waits for a lock; the catalog's default when not given.
  void busy_timeout(int milliseconds = k_default_busy_timeout_ms);
  static constexpr int k_default_busy_timeout_ms = 30'000;
  [[nodiscard]] sqlite3* handle() const { return m_db.get(); }
  // The group commit of this database file (OpenMode::catalog), shared by its connections.
  [[nodiscard]] WalSync* wal_sync() const { return m_wal_sync.get(); }
  // Statements borrowed from this connection and not yet given back (reset).
  [[nodiscard]] int borrowed() const { return m_borrowed; }

 private:
  std::unique_ptr<sqlite3, ConnectionDeleter> m_db;
  int m_borrowed = 0;
  std::shared_ptr<WalSync> m_wal_sync;
  std::map<std::string, std::unique_ptr<sqlite3_stmt, StatementDeleter>, std::less<>> m_cache;
};

// A borrowed, cached statement; resets itself when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3_stmt* statement, sqlite3* db, WalSync* wal_sync, int* borrowed)
      : m_statement(statement), m_db(db), m_wal_sync(wal_sync), m_borrowed(borrowed) {
    ++*m_borrowed;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind_null(int index);

  // Steps once: true when a row is available. A write outside a transaction returns once it
  // is on disk, as a transaction's commit() does.
  bool step();
  // Steps to completion, for statements that return no row.
  void run();

  [[nodiscard]] std::string text(int column) const;
  // The column's text without a copy: valid until the next step or reset.
  [[nodiscard]] std::string_view view(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] bool is_null(int column) const;

 private:
  sqlite3_stmt* m_statement;
  sqlite3* m_db;
  WalSync* m_wal_sync;
  int* m_borrowed;
  bool m_read_rows = false; // a row came back: on reset outside a transaction, wait_visible
  bool m_stepped = false;
  bool m_outside_transaction = false; // at its first step
  bool m_committing = false;          // a write outside a transaction, in flight (WalSync)
};

enum class TransactionMode { deferred, immediate };

// BEGIN on construction; ROLLBACK on destruction unless commit() ran. IMMEDIATE takes the
// write lock at once, which is what makes check-then-insert race-free across processes.
// commit() of a transaction that wrote returns once the write is on disk (group commit: one
// fsync of the log covers every commit of the process made while the previous one ran).
class Transaction {
 public:
  // `waits_on`: the connection whose handle on the log waits for the disk after COMMIT, when
  // `db` is shared and may be another thread's by then (the catalog's writer connection).
  Transaction(Database& db, TransactionMode mode, Database* waits_on = nullptr);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& m_db;
  Database& m_waits_on;
  bool m_done = false;
  std::unique_lock<std::mutex> m_writer; // this process's writers, one at a time
};

} // namespace lifeline::catalog::sqlite
