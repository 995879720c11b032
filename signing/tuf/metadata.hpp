// TUF 1.0 metadata: the four top-level roles and delegated targets, parsed strictly (duplicate
// keys, non-integers, malformed dates and wrong types refused) and verified against a role's
// keys and threshold. The exact canonical bytes of `signed` are kept, so unknown fields survive
// and signatures are checked over what the repository signed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "signing/tuf/error.hpp"

namespace lifeline::signing::tuf {

inline constexpr std::string_view k_spec_version = "1.0.31";

// Seconds since the Unix epoch, UTC.
using UnixTime = std::int64_t;

struct Key {
  std::string keytype;
  std::string scheme;
  std::string public_key; // hex for ed25519, PEM for rsa and ecdsa

  bool operator==(const Key&) const = default;
};

// The keyid of a key: SHA-256 of the canonical JSON of its key object (spec, "keyid").
std::string key_id(const Key& key);

struct Role {
  std::vector<std::string> keyids;
  std::int64_t threshold = 1;

  bool operator==(const Role&) const = default;
};

struct Signature {
  std::string keyid;
  std::string sig;
};

using Hashes = std::vector<std::pair<std::string, std::string>>; // in document order

struct MetaFile {
  std::int64_t version = 1;
  std::optional<std::int64_t> length;
  Hashes hashes;
};

struct TargetFile {
  std::int64_t length = 0;
  Hashes hashes;
  std::string custom; // canonical JSON of `custom`, empty when absent
};

struct DelegatedRole {
  std::string name;
  Role role;
  bool terminating = false;
  std::optional<std::vector<std::string>> paths;
  std::optional<std::vector<std::string>> path_hash_prefixes;

  // Whether this role is trusted for `target_path` (paths match segment by segment with
  // shell-style wildcards that never cross '/'; hash prefixes on the path's SHA-256).
  [[nodiscard]] bool matches(const std::string& target_path) const;
};

// TAP 15 succinct hash-bin delegation: 2^bit_length roles "<prefix>-<hex>", one key set.
struct SuccinctRoles {
  Role role;
  int bit_length = 1;
  std::string name_prefix;

  // The bin that holds `target_path`: the first bit_length bits of its SHA-256.
  [[nodiscard]] std::string role_for(std::string_view target_path) const;
  [[nodiscard]] bool is_delegated_role(std::string_view name) const;
};

struct Delegations {
  std::map<std::string, Key> keys;
  std::vector<DelegatedRole> roles;
  std::optional<SuccinctRoles> succinct; // instead of `roles`
};

struct Common {
  std::string type;
  std::string spec_version;
  std::int64_t version = 1;
  UnixTime expires = 0;

  [[nodiscard]] bool is_expired(UnixTime now) const { return now >= expires; }
};

struct RootSigned {
  Common common;
  bool consistent_snapshot = false;
  std::map<std::string, Key> keys;
  std::map<std::string, Role> roles; // exactly root, targets, snapshot, timestamp
  // Lifeline's extension: the keys that sign entitlement statements, trusted through root.
  std::optional<Role> entitlement;

  [[nodiscard]] const Role& role(const std::string& name) const { return roles.at(name); }
};

struct TargetsSigned {
  Common common;
  std::map<std::string, TargetFile> targets;
  std::optional<Delegations> delegations;
};

struct SnapshotSigned {
  Common common;
  std::map<std::string, MetaFile> meta;
};

struct TimestampSigned {
  Common common;
  MetaFile snapshot_meta;
};

template <typename Signed> struct Metadata {
  Signed signed_part;
  std::vector<Signature> signatures;
  std::string signed_bytes; // canonical JSON of `signed`: what the signatures cover
};

Result<Metadata<RootSigned>> parse_root(std::string_view bytes);
Result<Metadata<TargetsSigned>> parse_targets(std::string_view bytes);
Result<Metadata<SnapshotSigned>> parse_snapshot(std::string_view bytes);
Result<Metadata<TimestampSigned>> parse_timestamp(std::string_view bytes);

// Succeeds when at least `role.threshold` distinct keys of `role` (found in `keys`) have a valid
// signature over `signed_bytes`. Unknown keys, unsupported key types and bad signatures count
// for nothing.
Result<void> verify_role(const std::string& role_name, const Role& role, const std::map<std::string, Key>& keys,
                         const std::string& signed_bytes, const std::vector<Signature>& signatures);

// Checks `bytes` against an expected length (when given) and every hash (SHA-256/512).
Result<void> verify_length_and_hashes(std::string_view bytes, std::optional<std::int64_t> length, const Hashes& hashes);

// "2030-01-01T00:00:00Z" <-> Unix time; nullopt unless the text has exactly that form.
std::optional<UnixTime> parse_expires(std::string_view text);
std::string format_expires(UnixTime time);

} // namespace lifeline::signing::tuf
