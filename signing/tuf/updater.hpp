// A TUF 1.0 client: refreshes metadata into a local directory following the specification's
// client workflow, finds targets through delegations and downloads them verified. Used by the
// agent, the contacts' CLI and the conformance client; transports are Fetchers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "signing/tuf/fetcher.hpp"
#include "signing/tuf/trusted_set.hpp"

namespace lifeline::signing::tuf {

struct UpdaterConfig {
  std::filesystem::path metadata_dir; // holds root.json (trusted) and what refresh() verified
  std::string metadata_base;          // URL or path prefix of the repository's metadata
  std::string targets_base;           // URL or path prefix of its targets
  UnixTime reference_time = 0;        // "now", fixed for the whole update (freeze protection)
  int max_root_rotations = 256;
  int max_delegations = 32;
  std::size_t root_max_bytes = 512'000;
  std::size_t timestamp_max_bytes = 16'384;
  std::size_t snapshot_max_bytes = 2'000'000;
  std::size_t targets_max_bytes = 5'000'000;
  bool prefix_targets_with_hash = true; // consistent snapshots: HASH.name target files
};

struct TargetInfo {
  std::string path;
  TargetFile file;
  std::string role; // the role that listed it
};

class Updater {
 public:
  Updater(UpdaterConfig config, Fetcher& metadata_fetcher, Fetcher& target_fetcher);

  // Root chain, timestamp, snapshot and top-level targets. Safe to call again.
  Result<void> refresh();
  // Looks the target up (refreshing first if needed), walking delegations in order.
  Result<TargetInfo> target_info(const std::string& target_path);
  // The file at `destination` if it already holds exactly this target.
  [[nodiscard]] bool is_cached(const TargetInfo& target, const std::filesystem::path& destination) const;
  // Bytes of the target received so far, and its signed length.
  using Progress = std::function<void(std::uint64_t received, std::uint64_t length)>;
  // Streams the target into `destination`.part, hashing while it streams and never receiving
  // more than its signed length, then moves it to `destination` once every hash matches. A
  // transfer cut short keeps the part, and the next call resumes it with a Range request.
  Result<void> download_target(const TargetInfo& target, const std::filesystem::path& destination,
                               const Progress& progress = {});

  [[nodiscard]] const TrustedSet* trusted() const { return m_trusted ? &*m_trusted : nullptr; }

 private:
  Result<void> load_root();
  Result<void> load_timestamp();
  Result<void> load_snapshot();
  Result<void> load_targets(const std::string& role, const std::string& delegator);
  Result<std::string> download_metadata(const std::string& role, std::size_t max_bytes,
                                        std::optional<std::int64_t> version);
  std::optional<std::string> read_local(const std::string& role) const;
  Result<void> persist(const std::string& role, std::string_view bytes) const;
  void forget_local(const std::string& role) const;

  UpdaterConfig m_config;
  Fetcher& m_metadata_fetcher;
  Fetcher& m_target_fetcher;
  std::optional<TrustedSet> m_trusted;
  bool m_refreshed = false;
};

} // namespace lifeline::signing::tuf
