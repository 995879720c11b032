// Moving a site's catalog from its SQLite file into an empty PostgreSQL database
// (`lifeline-server catalog migrate --to`), every table row for row, in one transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lifeline::catalog {

struct TableCopy {
  std::string table;
  std::int64_t rows = 0; // copied, and counted again in PostgreSQL
};

struct CatalogCopy {
  std::vector<TableCopy> tables;
  std::int64_t generation = 0; // the last audit sequence, the same on both sides
};

// Copies the catalog in `sqlite_file` (migrated to the latest schema first) into the PostgreSQL
// database at `uri`, which must hold no Lifeline catalog yet; then checks that every table holds
// as many rows on both sides and that both catalogs answer the same generation. Nothing is kept
// in PostgreSQL when any of it fails.
util::Result<CatalogCopy> copy_sqlite_to_postgres(const std::filesystem::path& sqlite_file, const std::string& uri);

} // namespace lifeline::catalog
