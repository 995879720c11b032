// PostgreSQL behind the catalog's SQL interface (catalog/sql/connection.hpp), with libpq.
// Statements are prepared once per connection on the server; `?` and `?N` parameters become
// `$N`, and SQLite's INDEXED BY hints are dropped. Values travel as text.
//
// Transactions: a read snapshot is REPEATABLE READ, READ ONLY. A write transaction is READ
// COMMITTED and first takes one transaction-scoped advisory lock shared by every Lifeline
// server on the database: writes are serial, as on SQLite, so each check-then-write (the CS-5
// cap, an Essentials purchase, an enrolment token's uses, a report received twice) sees every
// write committed before it, whichever server made it. COMMIT returns once PostgreSQL made it
// durable (synchronous_commit on).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/sql/connection.hpp"

struct pg_conn;

namespace lifeline::catalog::postgres {

struct PgError : sql::StorageError {
  using sql::StorageError::StorageError;
};

class PgStatement;

class PgConnection final : public sql::Connection {
 public:
  // `uri`: a libpq connection URI (postgresql://...). Throws PgError when it cannot connect.
  explicit PgConnection(const std::string& uri);
  ~PgConnection() override;

  sql::Statement prepare(const std::string& sql) override;
  void execute(std::string_view sql) override;
  [[nodiscard]] std::int64_t changes() const override { return m_changes; }
  void begin(sql::TransactionMode mode) override;
  std::int64_t commit() override; // durable when it returns
  void rollback(sql::Connection& waits_on) noexcept override;

  // The advisory lock every write transaction takes (see above).
  static constexpr std::int64_t k_writer_lock = 0x4c6966656c696e65; // "Lifeline"

 private:
  friend class PgStatement;
  void reconnect_if_lost();
  void session_settings();
  pg_conn* m_conn = nullptr;
  std::map<std::string, std::unique_ptr<PgStatement>, std::less<>> m_cache;
  std::int64_t m_changes = 0;
};

// SQL with `?`/`?N` parameters as PostgreSQL's `$N`, SQLite's INDEXED BY hints dropped;
// `parameters` receives the highest parameter number.
std::string postgres_sql(std::string_view sql, int& parameters);

} // namespace lifeline::catalog::postgres
