#include "catalog/catalog_copy.hpp"

#include "catalog/catalog.hpp"
#include "catalog/postgres/pg_connection.hpp"
#include "catalog/postgres/pg_migrations.hpp"
#include "catalog/sql/guarded.hpp"
#include "catalog/sqlite/database.hpp"
#include "catalog/sqlite/migrations.hpp"

namespace lifeline::catalog {

namespace {

// Every table of the schema, parents before the rows that refer to them.
constexpr const char* k_tables[] = {
    "products",
    "customers",
    "sites",
    "contacts",
    "enrolments",
    "enrolment_languages",
    "plan_quarters",
    "purchases",
    "hotfix_purchases",
    "updates",
    "update_products",
    "update_cves",
    "update_supersedes",
    "devices",
    "audit",
    "purchase_consumptions",
    "installs",
    "credentials",
    "enrolment_tokens",
    "install_reports",
    "advisories",
    "advisory_contributions",
    "update_affected",
    "scope_generations",
};

std::vector<std::string> columns_of(sqlite::Database& db, const std::string& table) {
  std::vector<std::string> columns;
  auto info = db.prepare("SELECT name FROM pragma_table_info(?)");
  info.bind(1, table);
  while (info.step()) {
    columns.push_back(info.text(0));
  }
  return columns;
}

std::int64_t count_rows(sql::Connection& db, const std::string& table) {
  auto count = db.prepare("SELECT COUNT(*) FROM " + table);
  return count.step() ? count.integer(0) : 0;
}

std::int64_t generation_of(sql::Connection& db) {
  auto row = db.prepare("SELECT COALESCE(MAX(sequence), 0) FROM audit");
  return row.step() ? row.integer(0) : 0;
}

std::int64_t copy_table(sqlite::Database& from, postgres::PgConnection& to, const std::string& table) {
  const auto columns = columns_of(from, table);
  if (columns.empty()) {
    throw sql::StorageError("the SQLite catalog has no table " + table);
  }
  std::string list;
  std::string parameters;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    list += (i == 0 ? "" : ", ") + columns[i];
    parameters += (i == 0 ? "?" : ", ?");
  }
  // Insertion order is kept: some lists are read back in it (rowid on both engines).
  const std::string order = table == "scope_generations" ? "scope" : "rowid";
  auto rows = from.prepare("SELECT " + list + " FROM " + table + " ORDER BY " + order);
  const std::string insert = "INSERT INTO " + table + " (" + list + ") VALUES (" + parameters + ")";
  std::int64_t copied = 0;
  while (rows.step()) {
    auto row = to.prepare(insert);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const int column = static_cast<int>(i);
      if (rows.is_null(column)) {
        row.bind_null(column + 1);
      } else {
        row.bind(column + 1, rows.view(column));
      }
    }
    row.run();
    ++copied;
  }
  return copied;
}

} // namespace

util::Result<CatalogCopy> copy_sqlite_to_postgres(const std::filesystem::path& sqlite_file, const std::string& uri) {
  if (!std::filesystem::is_regular_file(sqlite_file)) {
    return util::make_error(util::ErrorKind::not_found, "there is no catalog at " + sqlite_file.string());
  }
  if (!is_postgres_location(uri)) {
    return util::make_error(util::ErrorKind::invalid_input, "--to must be a PostgreSQL URI (postgresql://...)");
  }
  return sql::guarded<CatalogCopy>([&]() -> util::Result<CatalogCopy> {
    sqlite::Database from(sqlite_file);
    sqlite::migrate(from);
    postgres::PgConnection to(uri);
    if (postgres::schema_version(to) != 0) {
      return util::make_error(util::ErrorKind::conflict,
                              "the PostgreSQL database already holds a Lifeline catalog: migrate into an empty one");
    }
    CatalogCopy copy;
    sql::Transaction reading(from, sql::TransactionMode::deferred); // one snapshot of the source
    sql::Transaction writing(to, sql::TransactionMode::immediate);
    postgres::migrate_in_transaction(to); // the schema too: a failed copy leaves the database empty
    for (const char* table : k_tables) {
      const auto rows = copy_table(from, to, table);
      if (count_rows(to, table) != rows || count_rows(from, table) != rows) {
        return util::make_error(util::ErrorKind::database, std::string("the copy of ") + table + " is incomplete");
      }
      copy.tables.push_back(TableCopy{table, rows});
    }
    // Identities continue after the copied rows.
    for (const char* table : {"devices", "audit"}) {
      to.prepare(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                 "', 'sequence'), COALESCE(MAX(sequence), 0) + 1, false) FROM " + table)
          .run();
    }
    copy.generation = generation_of(from);
    if (generation_of(to) != copy.generation) {
      return util::make_error(util::ErrorKind::database, "the copied audit trail ends elsewhere than the original's");
    }
    writing.commit();
    reading.commit();
    return copy;
  });
}

} // namespace lifeline::catalog
