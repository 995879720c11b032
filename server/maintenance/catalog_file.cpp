#include "server/maintenance/catalog_file.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "catalog/sqlite/migrations.hpp"

namespace lifeline::server::maintenance {

namespace {

using util::ErrorKind;
using util::make_error;

constexpr int k_busy_timeout_ms = 30'000;
constexpr int k_busy_retries = 600; // with a 50 ms pause: half a minute of a busy source
constexpr std::size_t k_max_reported_rows = 100;

struct CloseConnection {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Connection = std::unique_ptr<sqlite3, CloseConnection>;
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

util::Error sqlite_error(const std::filesystem::path& path, sqlite3* db, const std::string& doing) {
  return make_error(ErrorKind::database,
                    path.string() + ": " + doing + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

util::Result<Connection> open(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    return sqlite_error(path, raw, "cannot open");
  }
  sqlite3_busy_timeout(db.get(), k_busy_timeout_ms);
  return db;
}

util::Result<Statement> prepare(const std::filesystem::path& path, sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return sqlite_error(path, db, sql);
  }
  return Statement(raw);
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = sqlite3_column_text(statement, column);
  return text == nullptr ? std::string("NULL") : std::string(reinterpret_cast<const char*>(text));
}

// Runs a statement and hands each row to `row`; fails on any error, corruption included.
template <typename Row>
util::Result<void> each_row(const std::filesystem::path& path, sqlite3* db, const char* sql, Row row) {
  auto statement = prepare(path, db, sql);
  if (!statement) {
    return statement.error();
  }
  for (;;) {
    const int rc = sqlite3_step(statement->get());
    if (rc == SQLITE_DONE) {
      return {};
    }
    if (rc != SQLITE_ROW) {
      return sqlite_error(path, db, sql);
    }
    row(statement->get());
  }
}

util::Result<std::int64_t> single_integer(const std::filesystem::path& path, sqlite3* db, const char* sql) {
  std::int64_t value = 0;
  if (auto ran = each_row(path, db, sql, [&](sqlite3_stmt* row) { value = sqlite3_column_int64(row, 0); }); !ran) {
    return ran.error();
  }
  return value;
}

} // namespace

util::Result<std::int64_t> copy_catalog(const std::filesystem::path& source, const std::filesystem::path& destination) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec)) {
    return make_error(ErrorKind::not_found, source.string() + ": no catalog database");
  }
  auto from = open(source, SQLITE_OPEN_READWRITE); // never creates; the live server's WAL is read
  if (!from) {
    return from.error();
  }
  auto to = open(destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!to) {
    return to.error();
  }
  sqlite3_backup* backup = sqlite3_backup_init(to->get(), "main", from->get(), "main");
  if (backup == nullptr) {
    return sqlite_error(destination, to->get(), "cannot start the online backup");
  }
  // One step copies every page inside one read transaction: a consistent snapshot, while the
  // server's writers go on appending to the WAL.
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < k_busy_retries; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return make_error(ErrorKind::database, source.string() + ": online backup failed: " + sqlite3_errstr(rc));
  }
  if (sqlite3_errcode(to->get()) != SQLITE_OK) {
    return sqlite_error(destination, to->get(), "online backup failed");
  }
  return single_integer(destination, to->get(), "PRAGMA user_version");
}

util::Result<CatalogInspection> inspect_catalog(const std::filesystem::path& database) {
  auto db = open(database, SQLITE_OPEN_READONLY);
  if (!db) {
    return db.error();
  }
  CatalogInspection inspection;
  inspection.latest_schema_version = catalog::sqlite::latest_schema_version();
  auto version = single_integer(database, db->get(), "PRAGMA user_version");
  if (!version) {
    return version.error();
  }
  inspection.schema_version = *version;
  // One finding per damaged page or index: a row may hold several lines under a header.
  auto integrity = each_row(database, db->get(), "PRAGMA integrity_check", [&](sqlite3_stmt* row) {
    const auto text = column_text(row, 0);
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = std::min(text.find('\n', start), text.size());
      auto line = text.substr(start, end - start);
      start = end + 1;
      if (line != "ok" && !line.starts_with("*** in database") && !line.empty() &&
          inspection.integrity_errors.size() < k_max_reported_rows) {
        inspection.integrity_errors.push_back(std::move(line));
      }
    }
  });
  if (!integrity) {
    inspection.integrity_errors.push_back(integrity.error().message);
    return inspection; // the rest would read damaged pages again
  }
  auto foreign_keys = each_row(database, db->get(), "PRAGMA foreign_key_check", [&](sqlite3_stmt* row) {
    if (inspection.foreign_key_errors.size() < k_max_reported_rows) {
      inspection.foreign_key_errors.push_back("row " + column_text(row, 1) + " of " + column_text(row, 0) +
                                              " refers to a missing row of " + column_text(row, 2));
    }
  });
  if (!foreign_keys) {
    inspection.foreign_key_errors.push_back(foreign_keys.error().message);
  }
  return inspection;
}

util::Result<std::vector<std::string>> catalog_update_ids(const std::filesystem::path& database) {
  auto db = open(database, SQLITE_OPEN_READONLY);
  if (!db) {
    return db.error();
  }
  std::vector<std::string> ids;
  auto ran = each_row(database, db->get(), "SELECT id FROM updates ORDER BY id",
                      [&](sqlite3_stmt* row) { ids.push_back(column_text(row, 0)); });
  if (!ran) {
    return ran.error();
  }
  return ids;
}

} // namespace lifeline::server::maintenance
