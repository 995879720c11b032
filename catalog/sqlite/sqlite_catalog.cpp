// Opening a catalog: on a SQLite file, per-thread catalogs over one writer connection per file.
#include <map>
#include <mutex>

#include "catalog/catalog.hpp"
#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"
#include "catalog/sqlite/database.hpp"
#include "catalog/sqlite/migrations.hpp"
#include "catalog/sqlite/per_file.hpp"

namespace lifeline::catalog {

namespace {

// The process's writer connection of a database file; writers take turns on it under the
// process's writer lock (Database::begin), so it is never used by two threads at once.
std::shared_ptr<sqlite::Database> writer_connection(const std::filesystem::path& database_file) {
  return sqlite::per_file<sqlite::Database>(database_file,
                                            [&] { return std::make_shared<sqlite::Database>(database_file); });
}

} // namespace

Result<std::unique_ptr<Catalog>> open_sqlite_catalog(const std::filesystem::path& database_file) {
  return sql::guarded<std::unique_ptr<Catalog>>([&]() -> std::unique_ptr<Catalog> {
    auto own = std::make_unique<sqlite::Database>(database_file);
    sqlite::migrate(*own);
    return std::make_unique<sql::SqlCatalog>(std::move(own), writer_connection(database_file));
  });
}

Result<std::unique_ptr<Catalog>> open_catalog(const std::string& location) {
  return is_postgres_location(location) ? open_postgres_catalog(location) : open_sqlite_catalog(location);
}

Result<Catalog*> thread_catalog(const std::string& location) {
  thread_local std::map<std::string, std::unique_ptr<Catalog>, std::less<>> catalogs;
  auto& slot = catalogs[location];
  if (!slot) {
    auto opened = open_catalog(location);
    if (!opened) {
      return opened.error();
    }
    slot = std::move(*opened);
  }
  return slot.get();
}

} // namespace lifeline::catalog
