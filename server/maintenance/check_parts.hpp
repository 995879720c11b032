// The parts of `check`, each adding its findings to the report. Internal to maintenance/.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "server/maintenance/check.hpp"

namespace lifeline::server::maintenance {

// Adds a finding; `where` is relative to the data directory.
void report(CheckReport& report, Severity severity, std::string what, std::string where, std::string message);

// Integrity, foreign keys and schema version. Fills `update_ids` with the updates it knows and
// returns true when it could read them.
bool check_catalog(const std::filesystem::path& data_dir, CheckReport& report, std::set<std::string>& update_ids);

// Metadata chain, payloads and online keys. `update_ids`, when given, are the catalog's updates:
// every published target must name one.
void check_repository(const std::filesystem::path& data_dir, std::int64_t now, const std::set<std::string>* update_ids,
                      const std::string& trusted_root, CheckReport& report);

} // namespace lifeline::server::maintenance
