// The catalog's view of a SQL database, whichever engine holds it: a connection, prepared
// statements with typed binding, and a scoped transaction that rolls back unless committed.
// SQLite (catalog/sqlite/) and PostgreSQL (catalog/postgres/) implement it; the catalog's
// queries are written once, in the SQL both engines understand (docs/architecture.md). Failures
// throw StorageError, which the catalog turns into a Result at its boundary.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lifeline::catalog::sql {

struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// deferred: a read snapshot. immediate: takes the write lock at once, which is what makes
// check-then-insert race-free across threads and processes.
enum class TransactionMode { deferred, immediate };

// One prepared statement of a connection, driven through Statement.
class StatementDriver {
 public:
  StatementDriver() = default;
  StatementDriver(const StatementDriver&) = delete;
  StatementDriver& operator=(const StatementDriver&) = delete;
  virtual ~StatementDriver() = default;

  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_integer(int index, std::int64_t value) = 0;
  virtual void bind_null(int index) = 0;
  // Steps once: true when a row is available.
  virtual bool step() = 0;
  [[nodiscard]] virtual std::string_view view(int column) const = 0;
  [[nodiscard]] virtual std::int64_t integer(int column) const = 0;
  [[nodiscard]] virtual bool is_null(int column) const = 0;
  // Given back: rows left unread are dropped and the bindings cleared.
  virtual void reset() noexcept = 0;
};

// A borrowed, cached statement; given back when it goes out of scope. Parameters are numbered
// from 1, as `?` (in order) or `?N` in the SQL.
class Statement {
 public:
  Statement(StatementDriver& driver, int& borrowed) : m_driver(&driver), m_borrowed(&borrowed) { ++*m_borrowed; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : m_driver(other.m_driver), m_borrowed(other.m_borrowed) {
    other.m_driver = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind_null(int index);

  // Steps once: true when a row is available. A write outside a transaction returns once it
  // is durable, as a transaction's commit() does.
  bool step() { return m_driver->step(); }
  // Steps to completion, for statements that return no row.
  void run();

  [[nodiscard]] std::string text(int column) const { return std::string(view(column)); }
  // The column's text without a copy: valid until the next step or reset.
  [[nodiscard]] std::string_view view(int column) const { return m_driver->view(column); }
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  // Integers, and booleans as 0 or 1.
  [[nodiscard]] std::int64_t integer(int column) const { return m_driver->integer(column); }
  [[nodiscard]] bool is_null(int column) const { return m_driver->is_null(column); }

 private:
  StatementDriver* m_driver;
  int* m_borrowed;
};

class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virtual ~Connection() = default;

  // A cached prepared statement, ready to bind. Not reentrant for the same SQL.
  virtual Statement prepare(const std::string& sql) = 0;
  // Statements without parameters or results (several, separated by semicolons).
  virtual void execute(std::string_view sql) = 0;
  // Rows changed by the last statement.
  [[nodiscard]] virtual std::int64_t changes() const = 0;
  // Copies a write-ahead log back into the database and truncates it, waiting at most a moment
  // for readers; the frames left in the log (0 when truncated, and for engines that manage
  // their own log).
  virtual std::int64_t checkpoint() { return 0; }
  // Statements borrowed from this connection and not yet given back.
  [[nodiscard]] int borrowed() const { return m_borrowed; }

  // Driven by Transaction. commit() ends the transaction (a failed COMMIT leaves it open for
  // rollback) and gives up the write lock; what it returns goes to wait_durable, which returns
  // once what the transaction wrote, or for a read saw, is durable. wait_durable touches nothing
  // of this connection but what it shares with the others of its database: once committed, a
  // shared (writer) connection may already be another thread's. `waits_on` lends its handle.
  virtual void begin(TransactionMode mode) = 0;
  virtual std::int64_t commit() = 0;
  virtual void wait_durable(std::int64_t /*commit_token*/, Connection& /*waits_on*/) {}
  virtual void rollback(Connection& waits_on) noexcept = 0;

 protected:
  Statement borrow(StatementDriver& driver) { return Statement(driver, m_borrowed); }

 private:
  int m_borrowed = 0;
};

// BEGIN on construction; ROLLBACK on destruction unless commit() ran. commit() of a
// transaction that wrote returns once the write is durable. `waits_on`: the connection that
// waits for that after COMMIT when `db` is shared and may be another thread's by then (the
// catalog's writer connection).
class Transaction {
 public:
  Transaction(Connection& db, TransactionMode mode, Connection* waits_on = nullptr);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& m_db;
  Connection& m_waits_on;
  bool m_done = false;
};

} // namespace lifeline::catalog::sql
