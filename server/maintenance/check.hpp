// `lifeline-server check`: what must hold for a data directory to be served, verified from the
// files alone: the catalog's integrity and schema, the TUF metadata as a device verifies it
// (root chain, timestamp, snapshot, targets, product roles; signatures, versions, hashes,
// expiry), every payload against its signed length and hashes, the catalog knowing every
// published update, and the online keys being the ones root and targets delegate to.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lifeline::server::maintenance {

enum class Severity {
  problem, // the server, or a device, fails or would be refused
  warning, // healthy now, but needs attention
};

struct Finding {
  Severity severity = Severity::problem;
  std::string what;  // catalog, root, timestamp, snapshot, targets, role, payload, key
  std::string where; // a path relative to the data directory
  std::string message;
};

struct CheckCounts {
  std::int64_t schema_version = 0;
  std::int64_t root_versions = 0; // roots walked from 1.root.json
  std::int64_t roles = 0;         // timestamp, snapshot, targets and product roles verified
  std::int64_t targets = 0;       // payloads hashed
  std::uint64_t target_bytes = 0; // their bytes
  std::int64_t keys = 0;          // online keys matched to their roles
  std::int64_t timestamp_version = 0;
};

struct CheckReport {
  std::vector<Finding> findings;
  CheckCounts counts;
  bool could_not_check = false; // nothing to check (no catalog): the reason is the first finding

  [[nodiscard]] std::size_t problems() const;
  [[nodiscard]] std::size_t warnings() const;
};

// `now` (Unix time) is when expiry is judged (--at). `trusted_root`, when not empty, is a root
// known good from elsewhere (the one shipped to devices): the chain is walked from it, and the
// data directory's root of the same version must be that very document.
CheckReport check_data_dir(const std::filesystem::path& data_dir, std::int64_t now,
                           const std::string& trusted_root = {});

} // namespace lifeline::server::maintenance
