// The catalog on PostgreSQL: each catalog (one per server thread) has a connection of its own
// and writes on it; the database serialises writers across servers (pg_connection.hpp).
#include "catalog/catalog.hpp"
#include "catalog/postgres/pg_connection.hpp"
#include "catalog/postgres/pg_migrations.hpp"
#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog {

Result<std::unique_ptr<Catalog>> open_postgres_catalog(const std::string& uri) {
  return sql::guarded<std::unique_ptr<Catalog>>([&]() -> std::unique_ptr<Catalog> {
    auto own = std::make_unique<postgres::PgConnection>(uri);
    postgres::migrate(*own);
    return std::make_unique<sql::SqlCatalog>(std::move(own), nullptr);
  });
}

} // namespace lifeline::catalog
