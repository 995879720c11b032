#include "catalog/sqlite/database.hpp"

#include <mutex>

#include <sqlite3.h>

#include "catalog/sqlite/wal_sync.hpp"

namespace lifeline::catalog::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw SqliteError(std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

} // namespace

void ConnectionDeleter::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}
void StatementDeleter::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

namespace {

// Every connection takes its page cache from one block of its own, allocated once: in WAL mode a
// connection drops its whole cache whenever another one committed, and with pages from malloc
// each drop freed hundreds of them, which made glibc give memory back to the kernel (and every
// core flush its TLB) several times per request under fleet write rates. Set before SQLite
// initialises; later calls are refused by SQLite and change nothing.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    constexpr int k_page_slot = 4096 + 512; // a 4 KiB page and SQLite's header for it
    constexpr int k_pages = 256;            // 1.1 MiB per connection; beyond, pages come from malloc
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, k_page_slot, k_pages);
  });
}

} // namespace

Database::Database(const std::filesystem::path& path, OpenMode mode) {
  configure_sqlite_once();
  sqlite3* raw = nullptr;
  const int flags = mode == OpenMode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  m_db.reset(raw);
  if (rc != SQLITE_OK) {
    fail(raw, "cannot open catalog " + path.string());
  }
  sqlite3_busy_timeout(raw, k_default_busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  if (mode != OpenMode::catalog) {
    return;
  }
  execute("PRAGMA journal_mode = WAL");
  execute("PRAGMA foreign_keys = ON");
  // A commit (an audited download, an acknowledged report) survives power loss too: NORMAL
  // appends it to the log, and Transaction::commit waits for the group fsync (wal_sync.hpp).
  execute("PRAGMA synchronous = NORMAL");
  m_wal_sync = WalSync::for_file(path);
  // A log that was reset is cut back to this size, so one burst does not keep its disk space.
  execute("PRAGMA journal_size_limit = 16777216");
}

void Database::execute(std::string_view sql) {
  char* message = nullptr;
  if (sqlite3_exec(m_db.get(), std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw SqliteError("catalog statement failed: " + text);
  }
}

Statement Database::prepare(const std::string& sql) {
  auto it = m_cache.find(sql);
  if (it == m_cache.end()) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(m_db.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                           nullptr) != SQLITE_OK) {
      fail(m_db.get(), "cannot prepare catalog statement");
    }
    it = m_cache.emplace(sql, std::unique_ptr<sqlite3_stmt, StatementDeleter>(raw)).first;
  }
  return Statement(it->second.get(), m_db.get(), m_wal_sync.get(), &m_borrowed);
}

void Database::busy_timeout(int milliseconds) {
  sqlite3_busy_timeout(m_db.get(), milliseconds);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(m_db.get());
}

Statement::Statement(Statement&& other) noexcept
    : m_statement(other.m_statement), m_db(other.m_db), m_wal_sync(other.m_wal_sync), m_borrowed(other.m_borrowed),
      m_read_rows(other.m_read_rows), m_stepped(other.m_stepped), m_outside_transaction(other.m_outside_transaction),
      m_committing(other.m_committing) {
  other.m_statement = nullptr;
}

Statement::~Statement() {
  if (m_statement != nullptr) {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    --*m_borrowed;
    if (m_committing) { // a write with rows left unread (a PRAGMA): the reset ended it
      m_wal_sync->committed();
    }
    // A read outside a transaction has ended (inside one, the transaction's end waits, or its
    // own commit covers what it read).
    if (m_read_rows && m_outside_transaction && !m_committing && m_wal_sync != nullptr) {
      try {
        m_wal_sync->wait_visible(m_db);
      } catch (const SqliteError&) { // NOLINT(bugprone-empty-catch): the next write reports the disk
      }
    }
  }
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    fail(m_db, "cannot bind a catalog parameter");
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK) {
    fail(m_db, "cannot bind a catalog parameter");
  }
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(m_statement, index) != SQLITE_OK) {
    fail(m_db, "cannot bind a catalog parameter");
  }
  return *this;
}

bool Statement::step() {
  if (!m_stepped) {
    m_outside_transaction = sqlite3_get_autocommit(m_db) != 0;
    // A write outside a transaction commits within its own steps: counted in flight from the first.
    if (m_wal_sync != nullptr && m_outside_transaction && sqlite3_stmt_readonly(m_statement) == 0) {
      m_wal_sync->begin_commit();
      m_committing = true;
    }
  }
  m_stepped = true;
  const int rc = sqlite3_step(m_statement);
  if (rc == SQLITE_ROW) {
    m_read_rows = true;
    return true;
  }
  if (m_committing) {
    m_committing = false;
    // BEGIN IMMEDIATE counts as a write too but opens a transaction: only a statement that left
    // the connection in autocommit mode committed anything.
    if (rc == SQLITE_DONE && sqlite3_get_autocommit(m_db) != 0) {
      m_wal_sync->wait_durable(m_wal_sync->committed(), m_db);
      return false;
    }
    m_wal_sync->commit_failed();
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  fail(m_db, "catalog query failed");
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(m_statement, column);
  const auto size = sqlite3_column_bytes(m_statement, column);
  return data == nullptr ? std::string()
                         : std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::string_view Statement::view(int column) const {
  const auto* data = sqlite3_column_text(m_statement, column);
  const auto size = sqlite3_column_bytes(m_statement, column);
  return data == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return text(column);
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(m_statement, column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

namespace {

// Writers of this process queue here rather than in SQLite's busy handler, which sleeps 1 to
// 100 ms between tries: under many writers that sleep, not the work, made the tail latency.
// Other processes still meet SQLite's lock (and its busy handler) as before.
std::mutex& writers() {
  static std::mutex mutex;
  return mutex;
}

} // namespace

Transaction::Transaction(Database& db, TransactionMode mode, Database* waits_on)
    : m_db(db), m_waits_on(waits_on != nullptr ? *waits_on : db) {
  if (mode == TransactionMode::immediate) {
    m_writer = std::unique_lock(writers());
  }
  // Prepared once per connection, as every statement: a check-in's snapshots cost no parsing.
  m_db.prepare(mode == TransactionMode::immediate ? "BEGIN IMMEDIATE" : "BEGIN").run();
}

Transaction::~Transaction() {
  if (!m_done) {
    try {
      m_db.prepare("ROLLBACK").run();
      if (m_writer.owns_lock()) {
        m_writer.unlock();
      }
      // What this transaction read may decide an answer (a refusal, say): on disk first.
      if (m_db.wal_sync() != nullptr) {
        m_db.wal_sync()->wait_visible(m_waits_on.handle());
      }
    } catch (const SqliteError&) { // NOLINT(bugprone-empty-catch): nothing more to undo
    }
  }
}

void Transaction::commit() {
  auto* sync = m_db.wal_sync();
  const bool wrote = sqlite3_txn_state(m_db.handle(), "main") == SQLITE_TXN_WRITE;
  if (wrote && sync != nullptr) {
    sync->begin_commit();
    try {
      m_db.prepare("COMMIT").run();
    } catch (...) {
      sync->commit_failed();
      throw;
    }
  } else {
    m_db.prepare("COMMIT").run();
  }
  m_done = true;
  if (m_writer.owns_lock()) {
    m_writer.unlock(); // the next writer appends while this one waits for the disk
  }
  if (sync == nullptr) {
    return;
  }
  if (wrote) {
    sync->wait_durable(sync->committed(), m_waits_on.handle());
  } else {
    sync->wait_visible(m_waits_on.handle()); // a read: what it saw is on disk before it is used
  }
}

} // namespace lifeline::catalog::sqlite
