#include "signing/repository/repository.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "signing/entitlement_statement.hpp"
#include "signing/repository/online_keys.hpp"
#include "signing/repository/repository_lock.hpp"
#include "signing/repository/root_rotation.hpp"
#include "signing/tuf/fetcher.hpp"
#include "signing/tuf/sign.hpp"
#include "signing/tuf/trusted_set.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"
#include "util/strict_json.hpp"

namespace lifeline::signing {

namespace {

using Json = nlohmann::ordered_json;
using util::ErrorKind;
using util::make_error;
namespace fs = std::filesystem;

constexpr std::size_t k_max_metadata = 64 * 1024 * 1024;
constexpr tuf::UnixTime k_day = 86400;
constexpr std::int64_t k_max_expiry_days = 3650;

// Product role names become file names (keys/roles/NAME.pem, N.NAME.json) and URL parts.
util::Result<void> check_role_name(const std::string& role) {
  const bool shape =
      !role.empty() && role.size() <= 64 && role.front() != '.' && std::all_of(role.begin(), role.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
      });
  if (!shape || role == "root" || role == "targets" || role == "snapshot" || role == "timestamp") {
    return make_error(ErrorKind::invalid_input,
                      "\"" + role +
                          "\" cannot name a delegated role: [A-Za-z0-9._-], 64 at most, not a top-level role");
  }
  return {};
}

util::Result<void> check_expiry(const ExpiryPolicy& expiry) {
  for (const auto days : {expiry.root_days, expiry.targets_days, expiry.snapshot_days, expiry.timestamp_days}) {
    if (days < 1 || days > k_max_expiry_days) {
      return make_error(ErrorKind::invalid_input,
                        "expiry periods are from 1 to " + std::to_string(k_max_expiry_days) + " days");
    }
  }
  return {};
}

util::Error not_locked(const fs::path& dir) {
  return make_error(ErrorKind::io, "cannot lock the repository in " + dir.string());
}

util::Result<Json> read_json(const fs::path& path) {
  auto bytes = util::read_file(path, k_max_metadata);
  if (!bytes) {
    return bytes.error();
  }
  auto parsed = util::parse_strict_json<Json>(*bytes, 64);
  if (!parsed) {
    return parsed.error().with_context(path.string());
  }
  return std::move(*parsed);
}

Json key_json(const tuf::Key& key) {
  return Json{{"keytype", key.keytype}, {"scheme", key.scheme}, {"keyval", {{"public", key.public_key}}}};
}

Json role_json(const std::vector<std::string>& keyids, std::int64_t threshold) {
  return Json{{"keyids", keyids}, {"threshold", threshold}};
}

Json common(const char* type, std::int64_t version, tuf::UnixTime expires) {
  return Json{{"_type", type},
              {"spec_version", std::string(tuf::k_spec_version)},
              {"version", version},
              {"expires", tuf::format_expires(expires)}};
}

// The chain as it stands: the newest root, and what timestamp.json commits to.
struct State {
  std::int64_t root_version = 0;
  Json root;
  Json timestamp;
  Json snapshot;
  Json targets;
  std::map<std::string, std::vector<std::string>> signed_by; // timestamp, snapshot, targets -> keyids
};

struct Context {
  fs::path metadata;
  fs::path keys;
  ExpiryPolicy expiry;
};

std::int64_t version_of(const Json& signed_part) {
  return signed_part.at("version").get<std::int64_t>();
}

util::Result<tuf::UnixTime> expires_of(const Json& signed_part) {
  const auto time = tuf::parse_expires(signed_part.value("expires", std::string()));
  if (!time) {
    return make_error(ErrorKind::invalid_input,
                      "metadata with a malformed expires: " + signed_part.value("expires", ""));
  }
  return *time;
}

// "12.root.json" -> 12; nullopt unless the prefix is all digits.
std::optional<std::int64_t> root_file_version(const std::string& name) {
  constexpr std::string_view k_suffix = ".root.json";
  if (name.size() <= k_suffix.size() || !name.ends_with(k_suffix) || name.size() - k_suffix.size() > 18) {
    return std::nullopt;
  }
  const auto prefix = name.substr(0, name.size() - k_suffix.size());
  if (!std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(prefix);
}

util::Result<State> load_state(const fs::path& metadata) {
  State state;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(metadata, ec)) {
    if (const auto version = root_file_version(entry.path().filename().string())) {
      state.root_version = std::max(state.root_version, *version);
    }
  }
  if (ec || state.root_version == 0) {
    return make_error(ErrorKind::not_found, "no TUF repository in " + metadata.parent_path().string() +
                                                "; run `lifeline-server --data DIR init` first");
  }
  const auto load_signed = [&](const fs::path& file, Json& out) -> util::Result<void> {
    auto document = read_json(file);
    if (!document) {
      return document.error();
    }
    out = std::move((*document)["signed"]);
    const auto type = out.contains("_type") && out.at("_type").is_string() ? out.at("_type").get<std::string>() : "";
    if (type != "root" && document->contains("signatures") && document->at("signatures").is_array()) {
      auto& keyids = state.signed_by[type];
      for (const auto& signature : document->at("signatures")) {
        if (signature.is_object() && signature.contains("keyid") && signature.at("keyid").is_string()) {
          keyids.push_back(signature.at("keyid").get<std::string>());
        }
      }
    }
    return {};
  };
  try {
    if (auto loaded = load_signed(metadata / (std::to_string(state.root_version) + ".root.json"), state.root);
        !loaded) {
      return loaded.error();
    }
    if (auto loaded = load_signed(metadata / "timestamp.json", state.timestamp); !loaded) {
      return loaded.error();
    }
    const auto snapshot_version = state.timestamp.at("meta").at("snapshot.json").at("version").get<std::int64_t>();
    if (auto loaded = load_signed(metadata / (std::to_string(snapshot_version) + ".snapshot.json"), state.snapshot);
        !loaded) {
      return loaded.error();
    }
    const auto targets_version = state.snapshot.at("meta").at("targets.json").at("version").get<std::int64_t>();
    if (auto loaded = load_signed(metadata / (std::to_string(targets_version) + ".targets.json"), state.targets);
        !loaded) {
      return loaded.error();
    }
  } catch (const nlohmann::json::exception& error) {
    return make_error(ErrorKind::invalid_input, std::string("the repository metadata is damaged: ") + error.what());
  }
  return state;
}

// The keyids and threshold root trusts for an online role (entitlement: its own field).
struct Trust {
  std::vector<std::string> keyids;
  std::int64_t threshold = 0;
};

Trust trust_of(const Json& root, std::string_view role) {
  const Json* entry = nullptr;
  if (role == "entitlement") {
    entry = root.contains("x-lifeline-entitlement") ? &root.at("x-lifeline-entitlement") : nullptr;
  } else if (root.contains("roles") && root.at("roles").contains(std::string(role))) {
    entry = &root.at("roles").at(std::string(role));
  }
  Trust trust;
  if (entry == nullptr || !entry->is_object()) {
    return trust;
  }
  if (entry->contains("keyids") && entry->at("keyids").is_array()) {
    for (const auto& keyid : entry->at("keyids")) {
      if (keyid.is_string()) {
        trust.keyids.push_back(keyid.get<std::string>());
      }
    }
  }
  if (entry->contains("threshold") && entry->at("threshold").is_number_integer()) {
    trust.threshold = entry->at("threshold").get<std::int64_t>();
  }
  return trust;
}

// Whether the role's current metadata carries a signature by a key root lists for it: after a
// rotation, what the old key signed must be signed again.
bool signed_by_listed_key(const State& state, const std::string& role) {
  const auto listed = trust_of(state.root, role).keyids;
  const auto found = state.signed_by.find(role);
  return found != state.signed_by.end() && std::any_of(found->second.begin(), found->second.end(), [&](const auto& id) {
           return std::find(listed.begin(), listed.end(), id) != listed.end();
         });
}

// A pending key that root lists, while the active one is not listed, takes over: what
// install-root does, finished here if it was interrupted between the two steps.
util::Result<std::vector<std::string>> settle_online_keys(const fs::path& keys, const Json& root) {
  std::vector<std::string> activated;
  for (const auto role : k_online_roles) {
    std::error_code ec;
    if (!fs::exists(pending_key_path(keys, role), ec)) {
      continue;
    }
    auto listed = listed_key(keys, role, trust_of(root, role).keyids);
    if (!listed) {
      return listed.error();
    }
    if (*listed && (*listed)->pending) {
      if (auto activated_key = activate_pending_key(keys, role); !activated_key) {
        return activated_key.error();
      }
      activated.emplace_back(role);
    }
  }
  return activated;
}

// Runs `change` on the repository's current state with the repository locked: every change to
// the repository goes through here.
template <typename Change>
auto locked_change(const fs::path& dir, const Context& context, Change change)
    -> decltype(change(std::declval<State&>())) {
  RepositoryLock lock(dir);
  if (!lock.held()) {
    return not_locked(dir);
  }
  auto state = load_state(context.metadata);
  if (!state) {
    return state.error();
  }
  if (auto settled = settle_online_keys(context.keys, state->root); !settled) {
    return settled.error();
  }
  return change(*state);
}

fs::path role_key_path(const fs::path& keys, const std::string& role) {
  return keys / "roles" / (role + ".pem");
}

// Refuses to sign with a key that the delegating metadata does not list for the role: a stale
// or stray key file would otherwise produce metadata no client accepts.
util::Result<void> check_signer(const Json& role, const NamedKey& key, const std::string& name) {
  const auto& keyids = role.at("keyids");
  if (std::find(keyids.begin(), keyids.end(), key.keyid) == keyids.end()) {
    return make_error(ErrorKind::conflict,
                      "the key for " + name + " (" + key.keyid + ") is not the one its delegator lists");
  }
  return {};
}

// The online key root lists for `role` (targets, snapshot, timestamp, entitlement).
util::Result<NamedKey> top_level_key(const Context& context, const State& state, const std::string& role) {
  auto listed = listed_key(context.keys, role, trust_of(state.root, role).keyids);
  if (!listed) {
    return listed.error();
  }
  if (!*listed) {
    return make_error(ErrorKind::conflict, "no key in " + context.keys.string() + " for " + role +
                                               " is one the root lists; run `lifeline-server keys rotate --role " +
                                               role + "` and install the root it prepares");
  }
  return std::move((*listed)->key);
}

// The development root key, when it is here and is the root (threshold 1); nullopt otherwise.
std::optional<NamedKey> development_root_key(const fs::path& keys, const State& state) {
  std::error_code ec;
  const auto path = keys / "development-root" / "root.pem";
  if (!fs::exists(path, ec)) {
    return std::nullopt;
  }
  auto key = load_key(path, std::nullopt);
  const auto trust = trust_of(state.root, "root");
  if (!key || trust.threshold != 1 ||
      std::find(trust.keyids.begin(), trust.keyids.end(), key->keyid) == trust.keyids.end()) {
    return std::nullopt;
  }
  return std::move(*key);
}

// Signs and writes VERSION.ROLE.json (or ROLE.json for the timestamp).
util::Result<std::string> write_signed(const fs::path& metadata, const std::string& file, const Json& signed_part,
                                       const std::vector<const NamedKey*>& keys) {
  auto bytes = tuf::sign_metadata(signed_part, keys);
  if (!bytes) {
    return bytes.error();
  }
  if (auto written = util::write_file_atomically(metadata / file, *bytes); !written) {
    return written.error();
  }
  return std::move(*bytes);
}

// What a snapshot says of a targets file: version, and length and hash, so that a client checks
// the bytes before it parses them.
Json meta_entry(std::int64_t version, const std::string& bytes) {
  return Json{{"version", version}, {"length", bytes.size()}, {"hashes", {{"sha256", sha256_hex(bytes)}}}};
}

using ChangedRoles = std::map<std::string, Json>; // role -> its new snapshot entry

// New snapshot listing the changed roles, then the timestamp that commits it.
util::Result<void> commit(const Context& context, State& state, const ChangedRoles& changed, tuf::UnixTime now) {
  auto snapshot_key = top_level_key(context, state, "snapshot");
  auto timestamp_key = top_level_key(context, state, "timestamp");
  if (!snapshot_key || !timestamp_key) {
    return !snapshot_key ? snapshot_key.error() : timestamp_key.error();
  }
  auto snapshot = state.snapshot;
  for (const auto& [role, entry] : changed) {
    snapshot["meta"][role + ".json"] = entry;
  }
  const auto snapshot_version = version_of(snapshot) + 1;
  snapshot["version"] = snapshot_version;
  snapshot["expires"] = tuf::format_expires(now + context.expiry.snapshot_days * k_day);
  auto snapshot_bytes =
      write_signed(context.metadata, std::to_string(snapshot_version) + ".snapshot.json", snapshot, {&*snapshot_key});
  if (!snapshot_bytes) {
    return snapshot_bytes.error();
  }
  auto timestamp = state.timestamp;
  timestamp["version"] = version_of(timestamp) + 1;
  timestamp["expires"] = tuf::format_expires(now + context.expiry.timestamp_days * k_day);
  timestamp["meta"]["snapshot.json"] = meta_entry(snapshot_version, *snapshot_bytes);
  // Replacing timestamp.json is the commit: everything it names is already in place.
  if (auto written = write_signed(context.metadata, "timestamp.json", timestamp, {&*timestamp_key}); !written) {
    return written.error();
  }
  state.snapshot = std::move(snapshot);
  state.timestamp = std::move(timestamp);
  state.signed_by["snapshot"] = {snapshot_key->keyid};
  state.signed_by["timestamp"] = {timestamp_key->keyid};
  return {};
}

util::Result<Json> write_targets(const Context& context, State& state, tuf::UnixTime now) {
  auto key = top_level_key(context, state, "targets");
  if (!key) {
    return key.error();
  }
  state.targets["version"] = version_of(state.targets) + 1;
  state.targets["expires"] = tuf::format_expires(now + context.expiry.targets_days * k_day);
  auto written = write_signed(context.metadata, std::to_string(version_of(state.targets)) + ".targets.json",
                              state.targets, {&*key});
  if (!written) {
    return written.error();
  }
  state.signed_by["targets"] = {key->keyid};
  return meta_entry(version_of(state.targets), *written);
}

// A new key for a role, kept under a pending name until the change that uses it is committed:
// a failure half-way leaves the old key and the old metadata in force.
class PendingKey {
 public:
  static util::Result<PendingKey> generate(const fs::path& keys, const std::string& role) {
    auto generated = SigningKey::generate();
    if (!generated) {
      return generated.error();
    }
    const auto final_path = role_key_path(keys, role);
    const auto pending_path = fs::path(final_path.string() + ".pending");
    std::error_code ec;
    fs::remove(pending_path, ec);
    if (auto saved = save_key(*generated, pending_path, std::nullopt); !saved) {
      return saved.error();
    }
    return PendingKey(describe(std::move(*generated)), final_path, pending_path);
  }
  PendingKey(PendingKey&& other) noexcept
      : m_key(std::move(other.m_key)), m_final(std::move(other.m_final)),
        m_pending(std::exchange(other.m_pending, fs::path())) {}
  PendingKey& operator=(PendingKey&&) = delete;
  PendingKey(const PendingKey&) = delete;
  PendingKey& operator=(const PendingKey&) = delete;
  ~PendingKey() {
    std::error_code ec;
    if (!m_pending.empty()) {
      fs::remove(m_pending, ec);
    }
  }
  [[nodiscard]] const NamedKey& key() const { return m_key; }
  // After the commit: the old key is kept aside, the new one takes its name.
  util::Result<void> activate() {
    std::error_code ec;
    if (fs::exists(m_final, ec)) {
      fs::rename(m_final, m_final.string() + ".retired-" + std::to_string(::time(nullptr)), ec);
    }
    fs::rename(m_pending, m_final, ec);
    if (ec) {
      return make_error(ErrorKind::io, "cannot activate the new key " + m_final.string() + ": " + ec.message());
    }
    m_pending.clear();
    return {};
  }

 private:
  PendingKey(NamedKey key, fs::path final_path, fs::path pending_path)
      : m_key(std::move(key)), m_final(std::move(final_path)), m_pending(std::move(pending_path)) {}
  NamedKey m_key;
  fs::path m_final;
  fs::path m_pending;
};

// Lists `key` as the only key of `role` in the top-level delegations (new or rotated role).
void delegate_to(State& state, const std::string& role, const NamedKey& key) {
  auto& delegations = state.targets["delegations"];
  auto& roles = delegations["roles"];
  Json* entry = nullptr;
  for (auto& candidate : roles) {
    if (candidate["name"] == role) {
      entry = &candidate;
    }
  }
  if (entry != nullptr) {
    for (const auto& old : (*entry)["keyids"]) {
      delegations["keys"].erase(old.get<std::string>());
    }
    (*entry)["keyids"] = Json::array({key.keyid});
  } else {
    // Terminating and path-bound: this key can sign this product's updates and nothing else.
    roles.push_back(Json{{"name", role},
                         {"keyids", Json::array({key.keyid})},
                         {"threshold", 1},
                         {"terminating", true},
                         {"paths", Json::array({role + "/*/*"})}});
  }
  delegations["keys"][key.keyid] = key_json(key.public_key);
}

const Json* delegation_of(const State& state, const std::string& role) {
  for (const auto& entry : state.targets["delegations"]["roles"]) {
    if (entry["name"] == role) {
      return &entry;
    }
  }
  return nullptr;
}

// The role's current signed part; `fresh` starts an empty one that continues the version count
// (a role delegated again after a revocation must not bring back what was revoked).
util::Result<Json> load_role(const Context& context, const State& state, const std::string& role, bool fresh = false) {
  const auto& meta = state.snapshot["meta"];
  const auto entry = meta.find(role + ".json");
  const auto version = entry == meta.end() ? 0 : (*entry)["version"].get<std::int64_t>();
  if (entry == meta.end() || fresh) {
    Json empty = common("targets", version, 0);
    empty["targets"] = Json::object();
    return empty;
  }
  auto document = read_json(context.metadata / (std::to_string(version) + "." + tuf::percent_encode(role) + ".json"));
  if (!document) {
    return document.error();
  }
  return std::move((*document)["signed"]);
}

util::Result<Json> write_role(const Context& context, const State& state, const std::string& role, Json& signed_part,
                              const NamedKey& key, tuf::UnixTime now) {
  const auto* delegation = delegation_of(state, role);
  if (delegation == nullptr) {
    return make_error(ErrorKind::conflict, "no delegation to " + role);
  }
  if (auto listed = check_signer(*delegation, key, role); !listed) {
    return listed.error();
  }
  const auto version = version_of(signed_part) + 1;
  signed_part["version"] = version;
  signed_part["expires"] = tuf::format_expires(now + context.expiry.targets_days * k_day);
  auto written = write_signed(context.metadata, std::to_string(version) + "." + tuf::percent_encode(role) + ".json",
                              signed_part, {&key});
  if (!written) {
    return written.error();
  }
  return meta_entry(version, *written);
}

// Copies `payload` to its content address while hashing it, fsynced; never reads it whole.
util::Result<PublishedTarget> store_payload(const fs::path& targets_dir, const NewTarget& target) {
  std::ifstream in(target.payload, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::not_found, target.payload.string() + ": cannot read the payload");
  }
  const auto slash = target.path.rfind('/');
  const auto directory = targets_dir / target.path.substr(0, slash);
  const auto base = target.path.substr(slash + 1);
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) {
    return make_error(ErrorKind::io, directory.string() + ": " + ec.message());
  }
  auto writer = util::AtomicFileWriter::create(directory / base);
  if (!writer) {
    return writer.error();
  }
  Hasher hasher(HashAlgorithm::sha256);
  std::int64_t length = 0;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const std::string_view chunk(buffer, static_cast<std::size_t>(in.gcount()));
    hasher.update(chunk);
    if (auto written = writer->write(chunk); !written) {
      return written.error();
    }
    length += static_cast<std::int64_t>(chunk.size());
  }
  if (in.bad()) {
    return make_error(ErrorKind::io, target.payload.string() + ": read failed");
  }
  // Content-addressed: the final name is known once the bytes are.
  const auto digest = hasher.hex_digest();
  if (auto committed = writer->commit_as(directory / (digest + "." + base)); !committed) {
    return committed.error();
  }
  return PublishedTarget{target.role, target.path, length, digest};
}

} // namespace

Repository::Repository(fs::path data_dir, ExpiryPolicy expiry)
    : m_dir(data_dir / "repository"), m_keys(data_dir / "keys"), m_expiry(expiry) {}

util::Result<Repository> Repository::init(const fs::path& data_dir, const InitOptions& options, tuf::UnixTime now) {
  if (auto valid = check_expiry(options.expiry); !valid) {
    return valid.error();
  }
  Repository repository(data_dir, options.expiry);
  std::error_code ec;
  if (fs::exists(repository.m_dir, ec)) {
    return make_error(ErrorKind::conflict, "a repository already exists in " + repository.m_dir.string());
  }
  // Everything that can be refused is checked before anything is created.
  std::vector<NamedKey> root_keys;
  if (options.root_keys_dir) {
    auto loaded = load_keys(*options.root_keys_dir, options.passphrase);
    if (!loaded) {
      return loaded.error();
    }
    root_keys = std::move(*loaded);
    if (root_keys.empty()) {
      return make_error(ErrorKind::invalid_input, "no root key (*.pem) in " + options.root_keys_dir->string());
    }
  }
  const auto key_count = options.root_keys_dir ? static_cast<std::int64_t>(root_keys.size()) : 1;
  const auto threshold = options.root_threshold > 0 ? options.root_threshold : key_count;
  if (threshold > key_count) {
    return make_error(ErrorKind::invalid_input,
                      "a root threshold of " + std::to_string(threshold) + " needs as many keys");
  }
  const std::vector<std::string> online_names{"targets", "snapshot", "timestamp", "entitlement"};
  for (const auto& name : online_names) {
    if (fs::exists(repository.m_keys / (name + ".pem"), ec)) {
      return make_error(ErrorKind::conflict, (repository.m_keys / (name + ".pem")).string() +
                                                 " exists: this data directory already has signing keys");
    }
  }
  // From here on a failure removes what was created, so that init can simply be run again.
  std::vector<fs::path> created{repository.m_dir};
  const auto undo = [&](util::Error error) -> util::Result<Repository> {
    for (const auto& path : created) {
      fs::remove_all(path, ec);
    }
    return error;
  };
  if (auto made = ensure_private_directory(repository.m_keys); !made) {
    return undo(made.error());
  }
  fs::create_directories(repository.metadata_dir(), ec);
  fs::create_directories(repository.targets_dir(), ec);
  std::map<std::string, NamedKey> online;
  for (const auto& name : online_names) {
    auto key = SigningKey::generate();
    if (!key) {
      return undo(key.error());
    }
    created.push_back(repository.m_keys / (name + ".pem"));
    if (auto saved = save_key(*key, created.back(), std::nullopt); !saved) {
      return undo(saved.error());
    }
    online.emplace(name, describe(std::move(*key)));
  }
  if (!options.root_keys_dir) {
    auto key = SigningKey::generate();
    if (!key) {
      return undo(key.error());
    }
    created.push_back(repository.m_keys / "development-root");
    if (auto saved = save_key(*key, created.back() / "root.pem", std::nullopt); !saved) {
      return undo(saved.error());
    }
    root_keys.push_back(describe(std::move(*key)));
  }
  Json root = common("root", 1, now + options.expiry.root_days * k_day);
  root["consistent_snapshot"] = true;
  root["keys"] = Json::object();
  std::vector<std::string> root_ids;
  std::vector<const NamedKey*> root_signers;
  for (const auto& key : root_keys) {
    root["keys"][key.keyid] = key_json(key.public_key);
    root_ids.push_back(key.keyid);
    root_signers.push_back(&key);
  }
  root["roles"] = Json::object();
  root["roles"]["root"] = role_json(root_ids, threshold);
  for (const char* name : {"targets", "snapshot", "timestamp"}) {
    root["keys"][online.at(name).keyid] = key_json(online.at(name).public_key);
    root["roles"][name] = role_json({online.at(name).keyid}, 1);
  }
  const auto& entitlement = online.at("entitlement");
  root["keys"][entitlement.keyid] = key_json(entitlement.public_key);
  root["x-lifeline-entitlement"] = role_json({entitlement.keyid}, 1);
  auto root_bytes = write_signed(repository.metadata_dir(), "1.root.json", root, root_signers);
  if (!root_bytes) {
    return undo(root_bytes.error());
  }
  if (auto written = util::write_file_atomically(repository.metadata_dir() / "root.json", *root_bytes); !written) {
    return undo(written.error());
  }
  State state;
  state.root_version = 1;
  state.root = root;
  state.targets = common("targets", 0, 0);
  state.targets["targets"] = Json::object();
  state.targets["delegations"] = Json{{"keys", Json::object()}, {"roles", Json::array()}};
  state.snapshot = common("snapshot", 0, 0);
  state.snapshot["meta"] = Json::object();
  state.timestamp = common("timestamp", 0, 0);
  state.timestamp["meta"] = Json::object();
  const Json config{{"expiry_days",
                     {{"root", options.expiry.root_days},
                      {"targets", options.expiry.targets_days},
                      {"snapshot", options.expiry.snapshot_days},
                      {"timestamp", options.expiry.timestamp_days}}}};
  if (auto written = util::write_file_atomically(repository.m_dir / "config.json", config.dump(2) + "\n"); !written) {
    return undo(written.error());
  }
  const Context context{repository.metadata_dir(), repository.m_keys, repository.m_expiry};
  auto targets_entry = write_targets(context, state, now);
  if (!targets_entry) {
    return undo(targets_entry.error());
  }
  if (auto committed = commit(context, state, {{"targets", *targets_entry}}, now); !committed) {
    return undo(committed.error());
  }
  return repository;
}

util::Result<Repository> Repository::open(const fs::path& data_dir) {
  ExpiryPolicy expiry;
  const auto config = read_json(data_dir / "repository" / "config.json");
  if (!config) {
    return make_error(ErrorKind::not_found,
                      "no TUF repository in " + data_dir.string() + "; run `lifeline-server --data DIR init` first");
  }
  try {
    const auto& days = config->at("expiry_days");
    expiry.root_days = days.value("root", expiry.root_days);
    expiry.targets_days = days.value("targets", expiry.targets_days);
    expiry.snapshot_days = days.value("snapshot", expiry.snapshot_days);
    expiry.timestamp_days = days.value("timestamp", expiry.timestamp_days);
  } catch (const nlohmann::json::exception& error) {
    return make_error(ErrorKind::invalid_input, std::string("repository/config.json: ") + error.what());
  }
  if (auto valid = check_expiry(expiry); !valid) {
    return valid.error();
  }
  return Repository(data_dir, expiry);
}

util::Result<std::vector<PublishedTarget>> Repository::publish(const std::vector<NewTarget>& targets,
                                                               tuf::UnixTime now) {
  std::map<std::string, std::vector<const NewTarget*>> by_role;
  for (const auto& target : targets) {
    if (auto valid = check_role_name(target.role); !valid) {
      return valid.error();
    }
    if (!target.path.starts_with(target.role + "/") || target.path.find("..") != std::string::npos) {
      return make_error(ErrorKind::invalid_input, target.path + " is not a target path below " + target.role + "/");
    }
    by_role[target.role].push_back(&target);
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  return locked_change(m_dir, context, [&](State& state) -> util::Result<std::vector<PublishedTarget>> {
    std::vector<PublishedTarget> published;
    std::vector<PendingKey> new_keys;
    ChangedRoles changed;
    for (const auto& [role, role_targets] : by_role) {
      const bool delegated = delegation_of(state, role) != nullptr;
      std::optional<NamedKey> stored_key;
      if (!delegated) {
        auto pending = PendingKey::generate(m_keys, role);
        if (!pending) {
          return pending.error();
        }
        delegate_to(state, role, pending->key());
        new_keys.push_back(std::move(*pending));
      } else {
        auto key = load_key(role_key_path(m_keys, role), std::nullopt);
        if (!key) {
          return key.error();
        }
        stored_key = std::move(*key);
      }
      auto signed_part = load_role(context, state, role, !delegated);
      if (!signed_part) {
        return signed_part.error();
      }
      for (const auto* target : role_targets) {
        auto stored = store_payload(targets_dir(), *target);
        if (!stored) {
          return stored.error();
        }
        auto custom = util::parse_strict_json<Json>(target->custom.empty() ? "{}" : target->custom, 32);
        if (!custom || !custom->is_object()) {
          return make_error(ErrorKind::invalid_input, "the custom field of " + target->path + " is not a JSON object");
        }
        (*signed_part)["targets"][target->path] =
            Json{{"length", stored->length}, {"hashes", {{"sha256", stored->sha256}}}, {"custom", *custom}};
        published.push_back(std::move(*stored));
      }
      const auto& key = delegated ? *stored_key : new_keys.back().key();
      auto entry = write_role(context, state, role, *signed_part, key, now);
      if (!entry) {
        return entry.error();
      }
      changed[role] = std::move(*entry);
    }
    if (!new_keys.empty()) {
      auto entry = write_targets(context, state, now);
      if (!entry) {
        return entry.error();
      }
      changed["targets"] = std::move(*entry);
    }
    if (auto committed = commit(context, state, changed, now); !committed) {
      return committed.error();
    }
    for (auto& key : new_keys) {
      if (auto activated = key.activate(); !activated) {
        return activated.error();
      }
    }
    return published;
  });
}

util::Result<void> Repository::delegate(const std::string& role, tuf::UnixTime now) {
  if (auto valid = check_role_name(role); !valid) {
    return valid;
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  return locked_change(m_dir, context, [&](State& state) -> util::Result<void> {
    const bool was_delegated = delegation_of(state, role) != nullptr;
    auto pending = PendingKey::generate(m_keys, role);
    if (!pending) {
      return pending.error();
    }
    delegate_to(state, role, pending->key());
    ChangedRoles changed;
    auto targets_entry = write_targets(context, state, now);
    if (!targets_entry) {
      return targets_entry.error();
    }
    changed["targets"] = std::move(*targets_entry);
    // The role's current targets are signed again with the new key (a new role starts empty).
    auto signed_part = load_role(context, state, role, !was_delegated);
    if (!signed_part) {
      return signed_part.error();
    }
    auto entry = write_role(context, state, role, *signed_part, pending->key(), now);
    if (!entry) {
      return entry.error();
    }
    changed[role] = std::move(*entry);
    if (auto committed = commit(context, state, changed, now); !committed) {
      return committed;
    }
    return pending->activate();
  });
}

util::Result<void> Repository::revoke(const std::string& role, tuf::UnixTime now) {
  if (auto valid = check_role_name(role); !valid) {
    return valid;
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  return locked_change(m_dir, context, [&](State& state) -> util::Result<void> {
    auto& delegations = state.targets["delegations"];
    Json kept = Json::array();
    bool found = false;
    for (auto& entry : delegations["roles"]) {
      if (entry["name"] == role) {
        found = true;
        for (const auto& keyid : entry["keyids"]) {
          delegations["keys"].erase(keyid.get<std::string>());
        }
      } else {
        kept.push_back(entry);
      }
    }
    if (!found) {
      return make_error(ErrorKind::not_found, "no delegation to " + role);
    }
    delegations["roles"] = std::move(kept);
    // The role's file stays listed in the snapshot (clients refuse entries that vanish), but no
    // role delegates to it any more, so nothing it lists is trusted.
    auto targets_entry = write_targets(context, state, now);
    if (!targets_entry) {
      return targets_entry.error();
    }
    if (auto committed = commit(context, state, {{"targets", *targets_entry}}, now); !committed) {
      return committed;
    }
    std::error_code ec;
    const auto key = role_key_path(m_keys, role);
    fs::rename(key, key.string() + ".revoked-" + std::to_string(::time(nullptr)), ec);
    return {};
  });
}

util::Result<std::vector<std::string>> Repository::refresh_expiring(tuf::UnixTime now) {
  const Context context{metadata_dir(), m_keys, m_expiry};
  return locked_change(m_dir, context, [&](State& state) -> util::Result<std::vector<std::string>> {
    std::vector<std::string> report;
    const auto expiring = [&](const Json& signed_part, std::int64_t days) -> util::Result<bool> {
      auto expires = expires_of(signed_part);
      if (!expires) {
        return expires.error();
      }
      return *expires - now < days * k_day / 2;
    };
    ChangedRoles changed;
    auto targets_expiring = expiring(state.targets, m_expiry.targets_days);
    if (!targets_expiring) {
      return targets_expiring.error();
    }
    // Metadata still signed by a key root no longer lists (an interrupted install-root) is
    // signed again whatever its expiry.
    if (*targets_expiring || !signed_by_listed_key(state, "targets")) {
      auto entry = write_targets(context, state, now);
      if (!entry) {
        return entry.error();
      }
      changed["targets"] = std::move(*entry);
      report.emplace_back("targets re-signed");
    }
    for (const auto& delegation : state.targets["delegations"]["roles"]) {
      const auto role = delegation["name"].get<std::string>();
      auto signed_part = load_role(context, state, role);
      if (!signed_part) {
        return signed_part.error();
      }
      auto role_expiring = expiring(*signed_part, m_expiry.targets_days);
      if (!role_expiring) {
        return role_expiring.error();
      }
      if (*role_expiring) {
        auto key = load_key(role_key_path(m_keys, role), std::nullopt);
        if (!key) {
          return key.error();
        }
        auto entry = write_role(context, state, role, *signed_part, *key, now);
        if (!entry) {
          return entry.error();
        }
        changed[role] = std::move(*entry);
        report.push_back(role + " re-signed");
      }
    }
    auto snapshot_expiring = expiring(state.snapshot, m_expiry.snapshot_days);
    auto timestamp_expiring = expiring(state.timestamp, m_expiry.timestamp_days);
    if (!snapshot_expiring || !timestamp_expiring) {
      return !snapshot_expiring ? snapshot_expiring.error() : timestamp_expiring.error();
    }
    if (!changed.empty() || *snapshot_expiring || *timestamp_expiring || !signed_by_listed_key(state, "snapshot") ||
        !signed_by_listed_key(state, "timestamp")) {
      if (auto committed = commit(context, state, changed, now); !committed) {
        return committed.error();
      }
      report.emplace_back("snapshot and timestamp re-signed");
    }
    auto root_expiring = expiring(state.root, m_expiry.root_days);
    if (!root_expiring) {
      return root_expiring.error();
    }
    if (*root_expiring) {
      // Only a development root (its key here, threshold 1) is re-signed online.
      const auto key = development_root_key(m_keys, state);
      if (!key) {
        report.push_back("WARNING: root expires " + state.root["expires"].get<std::string>() +
                         "; sign the next root offline with lifeline-sign and install it");
      } else {
        auto root = state.root;
        root["version"] = state.root_version + 1;
        root["expires"] = tuf::format_expires(now + m_expiry.root_days * k_day);
        auto bytes = tuf::sign_metadata(root, {&*key});
        if (!bytes) {
          return bytes.error();
        }
        if (auto installed = install_root_unlocked(*bytes, now); !installed) {
          return installed.error();
        }
        report.push_back("root re-signed with the development root key");
      }
    }
    return report;
  });
}

util::Result<RootInstalled> Repository::install_root(std::string_view next_root, tuf::UnixTime now) {
  RepositoryLock lock(m_dir);
  if (!lock.held()) {
    return not_locked(m_dir);
  }
  return install_root_unlocked(next_root, now);
}

util::Result<RootInstalled> Repository::install_root_unlocked(std::string_view next_root, tuf::UnixTime now) {
  const Context context{metadata_dir(), m_keys, m_expiry};
  auto state = load_state(context.metadata);
  if (!state) {
    return state.error();
  }
  auto current =
      util::read_file(context.metadata / (std::to_string(state->root_version) + ".root.json"), k_max_metadata);
  if (!current) {
    return current.error();
  }
  auto trusted = tuf::TrustedSet::create(*current, now);
  if (!trusted) {
    return make_error(ErrorKind::invalid_input, "the current root does not verify: " + trusted.error().message);
  }
  if (auto updated = trusted->update_root(next_root); !updated) {
    return make_error(ErrorKind::invalid_input, "not a valid next root: " + updated.error().message);
  }
  const auto& common_part = trusted->root().signed_part.common;
  if (common_part.is_expired(now)) {
    return make_error(ErrorKind::invalid_input, "the new root is already expired");
  }
  auto envelope = util::parse_strict_json<Json>(next_root, 64);
  if (!envelope) {
    return envelope.error();
  }
  Json next = std::move((*envelope)["signed"]);
  // Before anything is written: the server must hold, for every online role, a key the new
  // root lists, or it could sign nothing after the change.
  RootInstalled installed;
  installed.version = common_part.version;
  std::vector<std::string> to_activate;
  for (const auto role_view : k_online_roles) {
    const std::string role(role_view);
    const auto trust = trust_of(next, role);
    if (trust.keyids.empty() || trust.threshold != 1) {
      return make_error(ErrorKind::invalid_input, "the new root must name keys for " + role +
                                                      " with threshold 1: the server signs it with one key");
    }
    auto listed = listed_key(m_keys, role, trust.keyids);
    if (!listed) {
      return listed.error();
    }
    if (!*listed) {
      return make_error(
          ErrorKind::conflict,
          "the new root lists a " + role + " key that is not in " + m_keys.string() + " (neither " + role +
              ".pem nor a pending " + role + ".pem.pending): the server could no longer sign " + role +
              ". Nothing was installed; prepare the root with `lifeline-server keys rotate --role " + role + "`");
    }
    if ((*listed)->pending) {
      to_activate.push_back(role);
    }
    if (trust_of(state->root, role).keyids != trust.keyids) {
      installed.rotated.push_back(role);
    }
  }
  const auto file = std::to_string(common_part.version) + ".root.json";
  if (auto written = util::write_new_file(context.metadata / file, next_root); !written) {
    return written.error();
  }
  if (auto written = util::write_file_atomically(context.metadata / "root.json", next_root); !written) {
    return written.error();
  }
  state->root = std::move(next);
  state->root_version = common_part.version;
  for (const auto& role : to_activate) {
    if (auto activated = activate_pending_key(m_keys, role); !activated) {
      return activated.error();
    }
    installed.activated.push_back(role);
  }
  // Clients fetch metadata signed by the new keys at once: a new targets when its key changed,
  // and a new snapshot and timestamp after any change of online keys (TUF clients start afresh
  // from them when those keys change, specification 5.3.11).
  ChangedRoles changed;
  if (!signed_by_listed_key(*state, "targets")) {
    auto entry = write_targets(context, *state, now);
    if (!entry) {
      return entry.error();
    }
    changed["targets"] = std::move(*entry);
    installed.resigned.emplace_back("targets");
  }
  if (!installed.rotated.empty() || !changed.empty() || !signed_by_listed_key(*state, "snapshot") ||
      !signed_by_listed_key(*state, "timestamp")) {
    if (auto committed = commit(context, *state, changed, now); !committed) {
      return committed.error();
    }
    installed.resigned.emplace_back("snapshot");
    installed.resigned.emplace_back("timestamp");
  }
  return installed;
}

util::Result<OnlineKeyRotation> Repository::rotate_online_keys(const std::vector<std::string>& roles,
                                                               const std::optional<fs::path>& draft,
                                                               tuf::UnixTime now) {
  std::set<std::string> unique;
  for (const auto& role : roles) {
    if (!is_online_role(role)) {
      return make_error(ErrorKind::invalid_input,
                        "\"" + role + "\" is not an online role: targets, snapshot, timestamp or entitlement");
    }
    if (!unique.insert(role).second) {
      return make_error(ErrorKind::invalid_input, role + " is named twice");
    }
  }
  if (roles.empty()) {
    return make_error(ErrorKind::invalid_input, "name at least one role to rotate");
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  return locked_change(m_dir, context, [&](State& state) -> util::Result<OnlineKeyRotation> {
    auto root_key = development_root_key(m_keys, state);
    if (!root_key && !draft) {
      return make_error(ErrorKind::invalid_input,
                        "the root keys are offline: give --out FILE for the unsigned next root");
    }
    auto current =
        util::read_file(context.metadata / (std::to_string(state.root_version) + ".root.json"), k_max_metadata);
    if (!current) {
      return current.error();
    }
    RootChange change;
    change.expires = now + m_expiry.root_days * k_day;
    for (const auto& role : roles) {
      auto key = create_pending_key(m_keys, role);
      if (!key) {
        return key.error();
      }
      change.online_keys.emplace(role, key->public_key);
    }
    auto next = next_root(*current, change);
    if (!next) {
      return next.error();
    }
    OnlineKeyRotation rotation;
    rotation.root_version = state.root_version + 1;
    std::vector<const NamedKey*> signers;
    if (root_key) {
      signers.push_back(&*root_key);
    }
    auto bytes = tuf::sign_metadata(*next, signers);
    if (!bytes) {
      return bytes.error();
    }
    if (draft) {
      if (auto written = util::write_file_atomically(*draft, *bytes); !written) {
        return written.error();
      }
    }
    if (root_key) {
      auto installed = install_root_unlocked(*bytes, now);
      if (!installed) {
        return installed.error();
      }
      rotation.installed = std::move(*installed);
    }
    return rotation;
  });
}

util::Result<std::map<std::string, std::string>> Repository::role_targets(const std::string& role) const {
  if (auto valid = check_role_name(role); !valid) {
    return valid.error();
  }
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  if (delegation_of(*state, role) == nullptr) {
    return std::map<std::string, std::string>{}; // revoked or never published: nothing is trusted
  }
  auto signed_part = load_role(context, *state, role);
  if (!signed_part) {
    return signed_part.error();
  }
  std::map<std::string, std::string> targets;
  for (auto it = (*signed_part)["targets"].begin(); it != (*signed_part)["targets"].end(); ++it) {
    targets.emplace(it.key(), it.value().value("custom", Json::object()).dump());
  }
  return targets;
}

util::Result<std::string> Repository::sign_entitlement(const EntitlementStatement& statement) const {
  auto key = entitlement_key();
  if (!key) {
    return key.error();
  }
  return sign_statement(statement, *key);
}

util::Result<NamedKey> Repository::entitlement_key() const {
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  if (!state->root.contains("x-lifeline-entitlement")) {
    return make_error(ErrorKind::conflict, "root names no entitlement key");
  }
  return top_level_key(Context{metadata_dir(), m_keys, m_expiry}, *state, "entitlement");
}

util::Result<std::string> Repository::root_bytes() const {
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  return util::read_file(metadata_dir() / (std::to_string(state->root_version) + ".root.json"), k_max_metadata);
}

util::Result<RepositoryStatus> Repository::status() const {
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  RepositoryStatus status;
  status.root_version = state->root_version;
  status.targets_version = version_of(state->targets);
  status.snapshot_version = version_of(state->snapshot);
  status.timestamp_version = version_of(state->timestamp);
  auto root_expires = expires_of(state->root);
  auto timestamp_expires = expires_of(state->timestamp);
  if (!root_expires || !timestamp_expires) {
    return !root_expires ? root_expires.error() : timestamp_expires.error();
  }
  status.root_expires = *root_expires;
  status.timestamp_expires = *timestamp_expires;
  std::error_code ec;
  status.development_root = fs::exists(m_keys / "development-root" / "root.pem", ec);
  return status;
}

util::Result<void> Repository::export_to(const fs::path& out) const {
  RepositoryLock lock(m_dir);
  if (!lock.held()) {
    return not_locked(m_dir);
  }
  // Versioned files never change: copy those first, then root.json and timestamp.json, so a
  // reader of the copy never finds a timestamp naming files that are not there yet.
  std::vector<std::pair<fs::path, fs::path>> last;
  std::error_code ec;
  for (const char* part : {"metadata", "targets"}) {
    for (auto it = fs::recursive_directory_iterator(m_dir / part, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const auto name = it->path().filename().string();
      if (name.starts_with(".")) {
        if (it->is_directory()) {
          it.disable_recursion_pending();
        }
        continue; // staging and lock files
      }
      const auto target = out / part / fs::relative(it->path(), m_dir / part);
      if (it->is_directory()) {
        fs::create_directories(target, ec);
        continue;
      }
      if (std::string(part) == "metadata" && (name == "timestamp.json" || name == "root.json")) {
        last.emplace_back(it->path(), target);
        continue;
      }
      fs::create_directories(target.parent_path(), ec);
      fs::copy_file(it->path(), target, fs::copy_options::skip_existing, ec);
    }
    if (ec) {
      return make_error(ErrorKind::io,
                        "cannot export " + std::string(part) + " to " + out.string() + ": " + ec.message());
    }
  }
  for (const auto& [source, target] : last) {
    auto bytes = util::read_file(source, k_max_metadata);
    if (!bytes) {
      return bytes.error();
    }
    if (auto written = util::write_file_atomically(target, *bytes); !written) {
      return written;
    }
  }
  return {};
}

} // namespace lifeline::signing
