// The catalog database as a file: copied live with SQLite's online backup API, and inspected
// read-only (integrity, foreign keys, schema version) without migrating it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lifeline::server::maintenance {

// Copies `source` (which may be in use by a running server) into `destination`, a new file,
// as one consistent snapshot. Returns the copy's schema version.
util::Result<std::int64_t> copy_catalog(const std::filesystem::path& source, const std::filesystem::path& destination);

struct CatalogInspection {
  std::vector<std::string> integrity_errors;   // PRAGMA integrity_check rows other than "ok"
  std::vector<std::string> foreign_key_errors; // PRAGMA foreign_key_check rows
  std::int64_t schema_version = 0;
  std::int64_t latest_schema_version = 0; // what this build migrates to
  std::int64_t updates = 0;               // rows in `updates`, for the report
};

// Opens `database` read-only. An error means the file is not a readable SQLite database.
util::Result<CatalogInspection> inspect_catalog(const std::filesystem::path& database);

// Every update the catalog knows, by id (published targets must name one of them).
util::Result<std::vector<std::string>> catalog_update_ids(const std::filesystem::path& database);

} // namespace lifeline::server::maintenance
