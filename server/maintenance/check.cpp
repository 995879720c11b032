#include "server/maintenance/check.hpp"

#include <algorithm>
#include <system_error>

#include "server/maintenance/backup_paths.hpp"
#include "server/maintenance/catalog_file.hpp"
#include "server/maintenance/check_parts.hpp"

namespace lifeline::server::maintenance {

std::size_t CheckReport::problems() const {
  return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(),
                                                [](const Finding& f) { return f.severity == Severity::problem; }));
}

std::size_t CheckReport::warnings() const {
  return findings.size() - problems();
}

void report(CheckReport& report, Severity severity, std::string what, std::string where, std::string message) {
  report.findings.push_back(Finding{severity, std::move(what), std::move(where), std::move(message)});
}

bool check_catalog(const std::filesystem::path& data_dir, CheckReport& out, std::set<std::string>& update_ids) {
  const std::string where(k_catalog_file);
  const auto path = data_dir / k_catalog_file;
  auto inspection = inspect_catalog(path);
  if (!inspection) {
    report(out, Severity::problem, "catalog", where, inspection.error().message);
    return false;
  }
  out.counts.schema_version = inspection->schema_version;
  for (const auto& line : inspection->integrity_errors) {
    report(out, Severity::problem, "catalog", where, "integrity check: " + line);
  }
  for (const auto& line : inspection->foreign_key_errors) {
    report(out, Severity::problem, "catalog", where, "foreign key check: " + line);
  }
  if (inspection->schema_version > inspection->latest_schema_version) {
    report(out, Severity::problem, "catalog", where,
           "schema version " + std::to_string(inspection->schema_version) + " is newer than this build knows (" +
               std::to_string(inspection->latest_schema_version) + ")");
  } else if (inspection->schema_version < 1) {
    report(out, Severity::problem, "catalog", where, "no catalog schema (user_version 0)");
  } else if (inspection->schema_version < inspection->latest_schema_version) {
    report(out, Severity::warning, "catalog", where,
           "schema version " + std::to_string(inspection->schema_version) + "; the server migrates it to " +
               std::to_string(inspection->latest_schema_version) + " when it next opens it");
  }
  if (!inspection->integrity_errors.empty()) {
    return false;
  }
  auto ids = catalog_update_ids(path);
  if (!ids) {
    report(out, Severity::problem, "catalog", where, ids.error().message);
    return false;
  }
  update_ids.insert(ids->begin(), ids->end());
  return true;
}

CheckReport check_data_dir(const std::filesystem::path& data_dir, std::int64_t now, const std::string& trusted_root) {
  CheckReport out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(data_dir / k_catalog_file, ec)) {
    out.could_not_check = true;
    report(out, Severity::problem, "catalog", std::string(k_catalog_file),
           "no catalog in " + data_dir.string() + ": not a Lifeline data directory");
    return out;
  }
  // A backup interrupted before it cleaned up leaves its pinned copies (keys among them).
  for (const auto& entry : std::filesystem::directory_iterator(data_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with(".backup-")) {
      report(out, Severity::warning, "backup", name, "left by an interrupted backup (it holds key copies): remove it");
    }
  }
  std::set<std::string> update_ids;
  const bool catalog_read = check_catalog(data_dir, out, update_ids);
  check_repository(data_dir, now, catalog_read ? &update_ids : nullptr, trusted_root, out);
  return out;
}

} // namespace lifeline::server::maintenance
