// The PostgreSQL catalog's schema, versioned as SQLite's (catalog/sqlite/migrations.hpp): the
// same tables and columns, so the catalog's queries and `catalog migrate` read both alike.
#pragma once

#include "catalog/postgres/pg_connection.hpp"

namespace lifeline::catalog::postgres {

int latest_schema_version();
// The schema version of the database, 0 when it holds no Lifeline catalog yet.
int schema_version(PgConnection& db);
// Brings the schema up to date; several servers starting at once migrate it once.
void migrate(PgConnection& db);
// The same inside the caller's write transaction (PostgreSQL's DDL is transactional): nothing
// of it stays if the transaction rolls back.
void migrate_in_transaction(PgConnection& db);

} // namespace lifeline::catalog::postgres
