#include "server/maintenance/catalog_file.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "catalog/sqlite/database.hpp"
#include "catalog/sqlite/migrations.hpp"

namespace lifeline::server::maintenance {

namespace {

using catalog::sqlite::Database;
using catalog::sqlite::OpenMode;
using catalog::sqlite::SqliteError;
using util::ErrorKind;
using util::make_error;

constexpr int k_busy_retries = 600; // with a 50 ms pause: half a minute of a busy source
constexpr std::size_t k_max_reported_rows = 100;

util::Error database_error(const std::filesystem::path& path, const SqliteError& error) {
  return make_error(ErrorKind::database, path.string() + ": " + error.what());
}

std::int64_t user_version(Database& db) {
  auto statement = db.prepare("PRAGMA user_version");
  return statement.step() ? statement.integer(0) : 0;
}

} // namespace

util::Result<std::int64_t> copy_catalog(const std::filesystem::path& source, const std::filesystem::path& destination) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec)) {
    return make_error(ErrorKind::not_found, source.string() + ": no catalog database");
  }
  try {
    Database from(source, OpenMode::as_is); // read-write so that the live server's WAL is read
    Database to(destination, OpenMode::as_is);
    sqlite3_backup* backup = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
    if (backup == nullptr) {
      return make_error(ErrorKind::database,
                        destination.string() + ": cannot start the online backup: " + sqlite3_errmsg(to.handle()));
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
    if (rc != SQLITE_DONE || sqlite3_errcode(to.handle()) != SQLITE_OK) {
      return make_error(ErrorKind::database, source.string() + ": online backup failed: " + sqlite3_errstr(rc));
    }
    return user_version(to);
  } catch (const SqliteError& error) {
    return database_error(source, error);
  }
}

util::Result<CatalogInspection> inspect_catalog(const std::filesystem::path& database) {
  CatalogInspection inspection;
  inspection.latest_schema_version = catalog::sqlite::latest_schema_version();
  std::optional<Database> db;
  try {
    db.emplace(database, OpenMode::read_only);
    inspection.schema_version = user_version(*db);
  } catch (const SqliteError& error) {
    return database_error(database, error);
  }
  // One finding per damaged page or index: a row may hold several lines under a header.
  try {
    auto rows = db->prepare("PRAGMA integrity_check");
    while (rows.step()) {
      const auto text = rows.text(0);
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
    }
  } catch (const SqliteError& error) {
    inspection.integrity_errors.push_back(database_error(database, error).message);
    return inspection; // the rest would read damaged pages again
  }
  try {
    auto rows = db->prepare("PRAGMA foreign_key_check");
    while (rows.step() && inspection.foreign_key_errors.size() < k_max_reported_rows) {
      const auto row = rows.is_null(1) ? std::string("NULL") : rows.text(1); // NULL: a WITHOUT ROWID table
      inspection.foreign_key_errors.push_back("row " + row + " of " + rows.text(0) + " refers to a missing row of " +
                                              rows.text(2));
    }
  } catch (const SqliteError& error) {
    inspection.foreign_key_errors.push_back(database_error(database, error).message);
  }
  return inspection;
}

util::Result<std::vector<std::string>> catalog_update_ids(const std::filesystem::path& database) {
  try {
    Database db(database, OpenMode::read_only);
    std::vector<std::string> ids;
    auto rows = db.prepare("SELECT id FROM updates ORDER BY id");
    while (rows.step()) {
      ids.push_back(rows.text(0));
    }
    return ids;
  } catch (const SqliteError& error) {
    return database_error(database, error);
  }
}

} // namespace lifeline::server::maintenance
