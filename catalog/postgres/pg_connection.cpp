#include "catalog/postgres/pg_connection.hpp"

#include "catalog/catalog.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

#include <libpq-fe.h>

namespace lifeline::catalog::postgres {

namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.pop_back();
  }
  return text;
}

// A failed result as an error that says what PostgreSQL said, with its SQLSTATE.
[[noreturn]] void fail(const std::string& what, PGconn* conn, const PGresult* result) {
  std::string message = result != nullptr ? trimmed(PQresultErrorMessage(result)) : "";
  if (message.empty()) {
    message = trimmed(PQerrorMessage(conn));
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  throw PgError(what + ": " + message + (state != nullptr ? std::string(" (SQLSTATE ") + state + ")" : ""));
}

ResultPtr checked(PGconn* conn, PGresult* raw, const std::string& what) {
  ResultPtr result(raw);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail(what, conn, result.get());
  }
  return result;
}

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

} // namespace

std::string postgres_sql(std::string_view sql, int& parameters) {
  std::string out;
  out.reserve(sql.size() + 8);
  parameters = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') {
      quoted = !quoted;
    }
    if (quoted) {
      out += c;
      continue;
    }
    if (c == '?') {
      std::size_t end = i + 1;
      while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])) != 0) {
        ++end;
      }
      int number = parameters + 1; // a bare ? is the next after the highest so far, as in SQLite
      if (end > i + 1) {
        std::from_chars(sql.data() + i + 1, sql.data() + end, number);
      }
      parameters = std::max(parameters, number);
      out += '$' + std::to_string(number);
      i = end - 1;
      continue;
    }
    // "INDEXED BY name": SQLite's planner hint, which PostgreSQL has no use for.
    constexpr std::string_view k_hint = "INDEXED BY ";
    if (sql.substr(i, k_hint.size()) == k_hint && (i == 0 || !identifier_char(sql[i - 1]))) {
      std::size_t end = i + k_hint.size();
      while (end < sql.size() && identifier_char(sql[end])) {
        ++end;
      }
      while (end < sql.size() && sql[end] == ' ') {
        ++end;
      }
      i = end - 1;
      continue;
    }
    out += c;
  }
  return out;
}

// One statement prepared on the server, and the result of its current execution.
class PgStatement final : public sql::StatementDriver {
 public:
  PgStatement(PgConnection& connection, std::string name, int parameters)
      : m_connection(connection), m_name(std::move(name)), m_parameters(static_cast<std::size_t>(parameters)) {}

  void bind_text(int index, std::string_view text) override { slot(index) = std::string(text); }
  void bind_integer(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
  void bind_null(int index) override { slot(index).reset(); }

  bool step() override {
    if (!m_result) {
      execute();
    }
    ++m_row;
    return m_row < m_rows;
  }

  [[nodiscard]] std::string_view view(int column) const override {
    return {PQgetvalue(m_result.get(), m_row, column),
            static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column))};
  }

  [[nodiscard]] std::int64_t integer(int column) const override {
    const auto text = view(column);
    if (text == "t") {
      return 1;
    }
    if (text == "f") {
      return 0;
    }
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }

  [[nodiscard]] bool is_null(int column) const override { return PQgetisnull(m_result.get(), m_row, column) != 0; }

  void reset() noexcept override {
    m_result.reset();
    m_row = -1;
    m_rows = 0;
    for (auto& parameter : m_parameters) {
      parameter.reset();
    }
  }

 private:
  std::optional<std::string>& slot(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > m_parameters.size()) {
      throw PgError("catalog statement has no parameter " + std::to_string(index));
    }
    return m_parameters[static_cast<std::size_t>(index - 1)];
  }

  void execute() {
    std::vector<const char*> values;
    values.reserve(m_parameters.size());
    for (const auto& parameter : m_parameters) {
      values.push_back(parameter ? parameter->c_str() : nullptr);
    }
    PGconn* conn = m_connection.m_conn;
    m_result = checked(
        conn, PQexecPrepared(conn, m_name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0),
        "catalog query failed");
    m_rows = PQntuples(m_result.get());
    const char* changed = PQcmdTuples(m_result.get());
    m_connection.m_changes = changed != nullptr && *changed != '\0' ? std::stoll(changed) : 0;
  }

  PgConnection& m_connection;
  std::string m_name;
  std::vector<std::optional<std::string>> m_parameters;
  ResultPtr m_result;
  int m_row = -1;
  int m_rows = 0;
};

PgConnection::PgConnection(const std::string& uri) : m_conn(PQconnectdb(uri.c_str())) {
  if (m_conn == nullptr) {
    throw PgError("cannot connect to the PostgreSQL catalog: out of memory");
  }
  if (PQstatus(m_conn) != CONNECTION_OK) {
    // libpq may quote the URI, or a piece of it, in its message.
    const auto message = without_secrets(trimmed(PQerrorMessage(m_conn)), uri);
    PQfinish(m_conn);
    m_conn = nullptr;
    throw PgError("cannot connect to the PostgreSQL catalog " + redacted_location(uri) + ": " + message);
  }
  session_settings();
  // Notices (an index that already exists, say) are not the catalog's business.
  PQsetNoticeProcessor(
      m_conn, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() {
  m_cache.clear();
  if (m_conn != nullptr) {
    PQfinish(m_conn);
  }
}

void PgConnection::session_settings() {
  // What is acknowledged must be on disk, whatever the database's or the role's defaults say.
  execute("SET synchronous_commit = on");
}

sql::Statement PgConnection::prepare(const std::string& sql) {
  reconnect_if_lost();
  auto it = m_cache.find(sql);
  if (it == m_cache.end()) {
    int parameters = 0;
    const auto translated = postgres_sql(sql, parameters);
    auto name = "s" + std::to_string(m_cache.size() + 1);
    checked(m_conn, PQprepare(m_conn, name.c_str(), translated.c_str(), 0, nullptr),
            "cannot prepare catalog statement");
    it = m_cache.emplace(sql, std::make_unique<PgStatement>(*this, std::move(name), parameters)).first;
  }
  return borrow(*it->second);
}

void PgConnection::execute(std::string_view sql) {
  const std::string text(sql);
  const auto result = checked(m_conn, PQexec(m_conn, text.c_str()), "catalog statement failed");
  const char* changed = PQcmdTuples(result.get());
  m_changes = changed != nullptr && *changed != '\0' ? std::stoll(changed) : 0;
}

void PgConnection::begin(sql::TransactionMode mode) {
  reconnect_if_lost();
  if (mode == sql::TransactionMode::deferred) {
    execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    return;
  }
  execute("BEGIN");
  try {
    prepare("SELECT pg_advisory_xact_lock(?)").bind(1, k_writer_lock).run();
  } catch (...) {
    rollback(*this);
    throw;
  }
}

std::int64_t PgConnection::commit() {
  const auto result = checked(m_conn, PQexec(m_conn, "COMMIT"), "catalog commit failed");
  // A transaction in which a statement failed answers COMMIT with ROLLBACK.
  if (std::string_view(PQcmdStatus(result.get())) != "COMMIT") {
    throw PgError("catalog commit failed: the transaction was rolled back");
  }
  return 0;
}

void PgConnection::reconnect_if_lost() {
  if (PQstatus(m_conn) != CONNECTION_BAD || borrowed() != 0) {
    return;
  }
  // The server restarted or the connection broke: a new session has none of the prepared
  // statements, and an error now is better than one for every later request.
  m_cache.clear();
  PQreset(m_conn);
  if (PQstatus(m_conn) != CONNECTION_OK) {
    throw PgError("lost the connection to the PostgreSQL catalog: " + trimmed(PQerrorMessage(m_conn)));
  }
  session_settings();
}

void PgConnection::rollback(sql::Connection& /*waits_on*/) noexcept {
  // A transaction that failed is rolled back by ROLLBACK too; a connection that is gone has none.
  ResultPtr result(PQexec(m_conn, "ROLLBACK"));
}

} // namespace lifeline::catalog::postgres
