#include "catalog/sqlite/database.hpp"

#include <algorithm>
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

// One cached sqlite3_stmt and what its current borrower did with it.
class SqliteStatement final : public sql::StatementDriver {
 public:
  SqliteStatement(sqlite3_stmt* statement, sqlite3* db, WalSync* wal_sync)
      : m_statement(statement), m_db(db), m_wal_sync(wal_sync),
        m_begins(std::string_view(sqlite3_sql(statement)).starts_with("BEGIN")) {}
  ~SqliteStatement() override { sqlite3_finalize(m_statement); }

  void bind_text(int index, std::string_view text) override;
  void bind_integer(int index, std::int64_t value) override;
  void bind_null(int index) override;
  bool step() override;
  [[nodiscard]] std::string_view view(int column) const override;
  [[nodiscard]] std::int64_t integer(int column) const override;
  [[nodiscard]] bool is_null(int column) const override;
  void reset() noexcept override;

 private:
  sqlite3_stmt* m_statement;
  sqlite3* m_db;
  WalSync* m_wal_sync;
  // BEGIN IMMEDIATE is no read-only statement but commits nothing: not counted in flight, or every
  // read ending meanwhile would wait for it (up to the busy timeout, behind another process).
  bool m_begins;
  bool m_read_rows = false; // a row came back: on reset outside a transaction, wait_visible
  bool m_stepped = false;
  bool m_outside_transaction = false; // at its first step
  bool m_committing = false;          // a write outside a transaction, in flight (WalSync)
};

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
    it = m_cache.emplace(sql, std::make_unique<SqliteStatement>(raw, m_db.get(), m_wal_sync.get())).first;
  }
  return borrow(*it->second);
}

Database::~Database() = default;

std::int64_t Database::checkpoint() {
  constexpr int k_wait_ms = 200;
  busy_timeout(k_wait_ms);
  std::int64_t busy = 1;
  std::int64_t frames = -1;
  {
    auto row = prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (row.step()) {
      busy = row.integer(0);
      frames = row.integer(1);
    }
  }
  busy_timeout();
  return busy != 0 ? std::max<std::int64_t>(frames, 1) : 0;
}

void Database::busy_timeout(int milliseconds) {
  sqlite3_busy_timeout(m_db.get(), milliseconds);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(m_db.get());
}

void SqliteStatement::reset() noexcept {
  sqlite3_reset(m_statement);
  sqlite3_clear_bindings(m_statement);
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
  m_read_rows = false;
  m_stepped = false;
  m_outside_transaction = false;
  m_committing = false;
}

void SqliteStatement::bind_text(int index, std::string_view text) {
  if (sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    fail(m_db, "cannot bind a catalog parameter");
  }
}

void SqliteStatement::bind_integer(int index, std::int64_t value) {
  if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK) {
    fail(m_db, "cannot bind a catalog parameter");
  }
}

void SqliteStatement::bind_null(int index) {
  if (sqlite3_bind_null(m_statement, index) != SQLITE_OK) {
    fail(m_db, "cannot bind a catalog parameter");
  }
}

bool SqliteStatement::step() {
  if (!m_stepped) {
    m_outside_transaction = sqlite3_get_autocommit(m_db) != 0;
    // A write outside a transaction commits within its own steps: counted in flight from the first.
    if (m_wal_sync != nullptr && m_outside_transaction && !m_begins && sqlite3_stmt_readonly(m_statement) == 0) {
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

std::string_view SqliteStatement::view(int column) const {
  const auto* data = sqlite3_column_text(m_statement, column);
  const auto size = sqlite3_column_bytes(m_statement, column);
  return data == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(m_statement, column);
}

bool SqliteStatement::is_null(int column) const {
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

// The SQLite connection that waits for a commit of `db` to be durable: its handle on the log
// does the fsync.
sqlite3* waiting_handle(sql::Connection& waits_on, sqlite3* db) {
  const auto* sqlite = dynamic_cast<const Database*>(&waits_on);
  return sqlite != nullptr ? sqlite->handle() : db;
}

} // namespace

void Database::begin(TransactionMode mode) {
  if (mode == TransactionMode::immediate) {
    writers().lock();
    m_holds_writer = true;
  }
  try {
    // Prepared once per connection, as every statement: a check-in's snapshots cost no parsing.
    prepare(mode == TransactionMode::immediate ? "BEGIN IMMEDIATE" : "BEGIN").run();
  } catch (...) {
    release_writer();
    throw;
  }
}

void Database::release_writer() {
  if (m_holds_writer) {
    m_holds_writer = false; // before the unlock: the next holder sets it
    writers().unlock();
  }
}

void Database::rollback(sql::Connection& waits_on) noexcept {
  try {
    prepare("ROLLBACK").run();
  } catch (const SqliteError&) { // NOLINT(bugprone-empty-catch): nothing more to undo
  }
  release_writer();
  // What this transaction read may decide an answer (a refusal, say): on disk first.
  if (m_wal_sync != nullptr) {
    try {
      m_wal_sync->wait_visible(waiting_handle(waits_on, m_db.get()));
    } catch (const SqliteError&) { // NOLINT(bugprone-empty-catch): the next write reports the disk
    }
  }
}

std::int64_t Database::commit() {
  auto* sync = m_wal_sync.get();
  const bool wrote = sqlite3_txn_state(m_db.get(), "main") == SQLITE_TXN_WRITE;
  std::int64_t ticket = -1;
  if (wrote && sync != nullptr) {
    sync->begin_commit();
    try {
      prepare("COMMIT").run();
    } catch (...) {
      sync->commit_failed();
      throw;
    }
    ticket = static_cast<std::int64_t>(sync->committed());
  } else {
    prepare("COMMIT").run();
  }
  release_writer(); // the next writer appends while this one waits for the disk
  return ticket;
}

void Database::wait_durable(std::int64_t commit_token, sql::Connection& waits_on) {
  auto* sync = m_wal_sync.get(); // shared by the file's connections: safe from any thread
  if (sync == nullptr) {
    return;
  }
  sqlite3* waiting = waiting_handle(waits_on, m_db.get());
  if (commit_token >= 0) {
    sync->wait_durable(static_cast<std::uint64_t>(commit_token), waiting);
  } else {
    sync->wait_visible(waiting); // a read: what it saw is on disk before it is used
  }
}

} // namespace lifeline::catalog::sqlite
