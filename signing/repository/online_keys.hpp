// The online keys of the top-level roles (targets, snapshot, timestamp) and of entitlement
// statements: DATA/keys/ROLE.pem, and ROLE.pem.pending while a root that lists a new key waits
// to be signed and installed. Only root decides which of the two is in force.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signing/repository/key_store.hpp"

namespace lifeline::signing {

inline constexpr std::array<std::string_view, 4> k_online_roles{"targets", "snapshot", "timestamp", "entitlement"};

[[nodiscard]] bool is_online_role(std::string_view role);
[[nodiscard]] std::filesystem::path active_key_path(const std::filesystem::path& keys, std::string_view role);
[[nodiscard]] std::filesystem::path pending_key_path(const std::filesystem::path& keys, std::string_view role);

// A new key for `role` under its pending name (0600), replacing an earlier pending key that was
// never installed; the active key is never touched.
util::Result<NamedKey> create_pending_key(const std::filesystem::path& keys, std::string_view role);

struct ListedKey {
  NamedKey key;
  bool pending = false; // it still waits under its pending name
};

// The key of `role` that `keyids` lists: the active one, else the pending one; nullopt when
// neither is listed (a file that exists but cannot be read is an error).
util::Result<std::optional<ListedKey>> listed_key(const std::filesystem::path& keys, std::string_view role,
                                                  const std::vector<std::string>& keyids);

// Moves the pending key over the active one (one rename: the role always has a key file). The
// old key is deleted, not kept: root no longer lists it, so it cannot sign anything a client
// accepts, and a copy on disk would only be one more place for a leaked key to be read from.
util::Result<void> activate_pending_key(const std::filesystem::path& keys, std::string_view role);

} // namespace lifeline::signing
