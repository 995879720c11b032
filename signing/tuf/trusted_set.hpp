// The metadata a client trusts, and the only way to change it: each update_* call applies one
// step of the TUF client workflow (specification, section 5) and refuses anything that would
// break it. Times are checked against one reference time fixed when the update started.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "signing/tuf/metadata.hpp"

namespace lifeline::signing::tuf {

class TrustedSet {
 public:
  // `root_bytes` is the trusted root: it must be signed by its own root role.
  static Result<TrustedSet> create(std::string_view root_bytes, UnixTime reference_time);

  // 5.3: the next root, signed by the trusted root's threshold and its own, version N+1.
  Result<void> update_root(std::string_view bytes);
  // 5.4: a newer timestamp; an equal version is reported as bad_version with `equal` set.
  Result<void> update_timestamp(std::string_view bytes, bool* equal_version = nullptr);
  // 5.5: the snapshot the timestamp names. `trusted_local` skips the hash check for bytes read
  // back from our own metadata directory (they were checked when downloaded).
  Result<void> update_snapshot(std::string_view bytes, bool trusted_local = false);
  // 5.6 and delegations: targets metadata of `role`, signed as `delegator` says.
  Result<void> update_targets(std::string_view bytes, const std::string& role, const std::string& delegator);

  [[nodiscard]] const Metadata<RootSigned>& root() const { return m_root; }
  [[nodiscard]] const std::optional<Metadata<TimestampSigned>>& timestamp() const { return m_timestamp; }
  [[nodiscard]] const std::optional<Metadata<SnapshotSigned>>& snapshot() const { return m_snapshot; }
  [[nodiscard]] const Metadata<TargetsSigned>* targets(const std::string& role) const;
  [[nodiscard]] UnixTime reference_time() const { return m_reference_time; }

  // 5.3.11: whether the timestamp or snapshot keys changed since `before`.
  [[nodiscard]] bool timestamp_or_snapshot_keys_changed(const RootSigned& before) const;

 private:
  TrustedSet(Metadata<RootSigned> root, UnixTime reference_time);
  Result<void> check_final_timestamp() const;
  Result<void> check_final_snapshot() const;

  Metadata<RootSigned> m_root;
  std::optional<Metadata<TimestampSigned>> m_timestamp;
  std::optional<Metadata<SnapshotSigned>> m_snapshot;
  std::map<std::string, Metadata<TargetsSigned>> m_targets;
  UnixTime m_reference_time;
};

} // namespace lifeline::signing::tuf
