// The next root for a key rotation, built from the current one: new root keys (lifeline-sign on
// the offline machine) or new online keys for top-level roles (lifeline-server keys rotate). The
// result must then be signed by the old root threshold and the new one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "signing/tuf/metadata.hpp"

namespace lifeline::signing {

struct RootChange {
  std::vector<tuf::Key> root_keys; // empty: keep the current root keys
  std::int64_t root_threshold = 0; // 0: keep the current threshold (or all new keys)
  tuf::UnixTime expires = 0;
  // targets, snapshot, timestamp or entitlement -> the one key that replaces the role's keys
  // (threshold 1: the server signs each role with one key).
  std::map<std::string, tuf::Key> online_keys;
};

// Version N+1 of the root in `current_bytes`, with the change applied; signatures not included.
// Keys that no role (nor the entitlement trust) uses any more leave the key list.
util::Result<nlohmann::ordered_json> next_root(std::string_view current_bytes, const RootChange& change);

} // namespace lifeline::signing
