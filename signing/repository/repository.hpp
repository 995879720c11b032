// The server's TUF repository, in DATA/repository: consistent snapshots, one delegated targets
// role per product, online keys for targets, products, snapshot, timestamp and entitlement
// statements in DATA/keys,
// root keys offline (or a development root, said loudly). Publishing writes each new version
// beside the old and commits by replacing timestamp.json: a reader never sees a mix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "signing/repository/key_store.hpp"
#include "signing/tuf/metadata.hpp"

namespace lifeline::signing {

// How long each role's metadata stays valid, in days.
struct ExpiryPolicy {
  std::int64_t root_days = 365;
  std::int64_t targets_days = 365; // top-level targets and the product roles
  std::int64_t snapshot_days = 7;
  std::int64_t timestamp_days = 1;
};

struct InitOptions {
  std::optional<std::filesystem::path> root_keys_dir; // offline root keys, read once; none: development root
  std::optional<std::string> passphrase;              // for encrypted root keys
  std::int64_t root_threshold = 0;                    // 0: every root key given must sign
  ExpiryPolicy expiry;
};

struct NewTarget {
  std::string role; // the delegated role (product id) that lists it
  std::string path; // target path, below "<role>/"
  std::filesystem::path payload;
  std::string custom; // JSON object text for the target's `custom` field
};

struct PublishedTarget {
  std::string role;
  std::string path;
  std::int64_t length = 0;
  std::string sha256;
};

struct RepositoryStatus {
  std::int64_t root_version = 0;
  std::int64_t targets_version = 0;
  std::int64_t snapshot_version = 0;
  std::int64_t timestamp_version = 0;
  tuf::UnixTime root_expires = 0;
  tuf::UnixTime timestamp_expires = 0;
  bool development_root = false;
};

struct RootInstalled {
  std::int64_t version = 0;
  std::vector<std::string> rotated;   // online roles whose keys the new root changed
  std::vector<std::string> activated; // online roles whose pending key took over
  std::vector<std::string> resigned;  // metadata signed again with the keys the new root lists
};

struct OnlineKeyRotation {
  std::int64_t root_version = 0;
  std::optional<RootInstalled> installed; // development root: signed and installed at once
};

class Repository {
 public:
  // Creates the keys and version 1 of every role. Refuses a directory that has a repository.
  static util::Result<Repository> init(const std::filesystem::path& data_dir, const InitOptions& options,
                                       tuf::UnixTime now);
  static util::Result<Repository> open(const std::filesystem::path& data_dir);

  // Stores the payloads content-addressed, lists them in their product roles (delegating a new
  // product to a new key first), then new snapshot and timestamp.
  util::Result<std::vector<PublishedTarget>> publish(const std::vector<NewTarget>& targets, tuf::UnixTime now);
  // Re-signs what expires within half its period (timestamp, snapshot, targets, product roles;
  // root too when its key is here). Returns what was re-signed, and warnings.
  util::Result<std::vector<std::string>> refresh_expiring(tuf::UnixTime now);
  // A new key for a product's role (rotation), or the role removed with its targets (revocation).
  util::Result<void> delegate(const std::string& role, tuf::UnixTime now);
  util::Result<void> revoke(const std::string& role, tuf::UnixTime now);
  // Installs a root signed elsewhere (lifeline-sign): it must verify as the next root, not be
  // expired, and list for every online role a key the server holds (active or pending). Pending
  // keys it lists become active, and what the old keys signed is signed again at once.
  util::Result<RootInstalled> install_root(std::string_view next_root, tuf::UnixTime now);
  // New keys for online roles (targets, snapshot, timestamp, entitlement), pending until a root
  // that lists them is installed. With a development root, that root is signed and installed
  // here; otherwise its unsigned draft is written to `draft` for the offline root keys to sign.
  util::Result<OnlineKeyRotation> rotate_online_keys(const std::vector<std::string>& roles,
                                                     const std::optional<std::filesystem::path>& draft,
                                                     tuf::UnixTime now);
  // A static copy (metadata/, targets/) that any HTTP server or CDN can serve.
  util::Result<void> export_to(const std::filesystem::path& out) const;

  [[nodiscard]] util::Result<RepositoryStatus> status() const;
  [[nodiscard]] std::filesystem::path metadata_dir() const { return m_dir / "metadata"; }
  [[nodiscard]] std::filesystem::path targets_dir() const { return m_dir / "targets"; }
  [[nodiscard]] std::filesystem::path keys_dir() const { return m_keys; }
  // The targets a role lists now: path -> the JSON text of its `custom` field.
  [[nodiscard]] util::Result<std::map<std::string, std::string>> role_targets(const std::string& role) const;
  // Signs an entitlement statement with the online entitlement key.
  [[nodiscard]] util::Result<std::string> sign_entitlement(const struct EntitlementStatement& statement) const;
  // The online entitlement key, checked against the one root names (for callers that sign many).
  [[nodiscard]] util::Result<NamedKey> entitlement_key() const;
  // The bytes of the newest root.json.
  [[nodiscard]] util::Result<std::string> root_bytes() const;

 private:
  Repository(std::filesystem::path data_dir, ExpiryPolicy expiry);
  util::Result<RootInstalled> install_root_unlocked(std::string_view next_root, tuf::UnixTime now);

  std::filesystem::path m_dir;  // DATA/repository
  std::filesystem::path m_keys; // DATA/keys
  ExpiryPolicy m_expiry;
};

} // namespace lifeline::signing
