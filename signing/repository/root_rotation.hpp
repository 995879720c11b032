// The next root for a key rotation, built from the current one: what lifeline-sign does on the
// offline machine. The result must then be signed by the old root threshold and the new one.
#pragma once

#include <cstdint>
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
};

// Version N+1 of the root in `current_bytes`, with the change applied; signatures not included.
util::Result<nlohmann::ordered_json> next_root(std::string_view current_bytes, const RootChange& change);

} // namespace lifeline::signing
