#include "signing/repository/repository.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "signing/entitlement_statement.hpp"
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

util::Error failure(const std::string& message) {
  return make_error(ErrorKind::internal, message);
}

// An exclusive lock on the repository for the whole of one change.
class RepositoryLock {
 public:
  explicit RepositoryLock(const fs::path& dir)
      : m_fd(::open((dir / ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
    if (m_fd >= 0) {
      ::flock(m_fd, LOCK_EX);
    }
  }
  RepositoryLock(const RepositoryLock&) = delete;
  RepositoryLock& operator=(const RepositoryLock&) = delete;
  ~RepositoryLock() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }

 private:
  int m_fd;
};

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
};

std::int64_t version_of(const Json& signed_part) {
  return signed_part.at("version").get<std::int64_t>();
}

} // namespace

Repository::Repository(fs::path data_dir, ExpiryPolicy expiry)
    : m_dir(data_dir / "repository"), m_keys(data_dir / "keys"), m_expiry(expiry) {}

namespace {

struct Context {
  fs::path metadata;
  fs::path keys;
  ExpiryPolicy expiry;
};

util::Result<State> load_state(const fs::path& metadata) {
  State state;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(metadata, ec)) {
    const auto name = entry.path().filename().string();
    const auto dot = name.find('.');
    if (dot != std::string::npos && name.substr(dot) == ".root.json") {
      try {
        state.root_version = std::max<std::int64_t>(state.root_version, std::stoll(name.substr(0, dot)));
      } catch (const std::exception&) { // NOLINT(bugprone-empty-catch): not a versioned root
      }
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
    return {};
  };
  if (auto loaded = load_signed(metadata / (std::to_string(state.root_version) + ".root.json"), state.root); !loaded) {
    return loaded.error();
  }
  if (auto loaded = load_signed(metadata / "timestamp.json", state.timestamp); !loaded) {
    return loaded.error();
  }
  const auto snapshot_version = state.timestamp["meta"]["snapshot.json"]["version"].get<std::int64_t>();
  if (auto loaded = load_signed(metadata / (std::to_string(snapshot_version) + ".snapshot.json"), state.snapshot);
      !loaded) {
    return loaded.error();
  }
  const auto targets_version = state.snapshot["meta"]["targets.json"]["version"].get<std::int64_t>();
  if (auto loaded = load_signed(metadata / (std::to_string(targets_version) + ".targets.json"), state.targets);
      !loaded) {
    return loaded.error();
  }
  return state;
}

util::Result<NamedKey> online_key(const fs::path& keys, const std::string& name) {
  return load_key(keys / (name + ".pem"), std::nullopt);
}

fs::path role_key_path(const fs::path& keys, const std::string& role) {
  return keys / "roles" / (role + ".pem");
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

// New snapshot listing `changed` role versions, then the timestamp that commits it.
util::Result<void> commit(const Context& context, State& state, const std::map<std::string, std::int64_t>& changed,
                          tuf::UnixTime now) {
  auto snapshot = state.snapshot;
  for (const auto& [role, version] : changed) {
    snapshot["meta"][role + ".json"] = Json{{"version", version}};
  }
  const auto snapshot_version = version_of(snapshot) + 1;
  snapshot["version"] = snapshot_version;
  snapshot["expires"] = tuf::format_expires(now + context.expiry.snapshot_days * k_day);
  auto snapshot_key = online_key(context.keys, "snapshot");
  if (!snapshot_key) {
    return snapshot_key.error();
  }
  auto snapshot_bytes =
      write_signed(context.metadata, std::to_string(snapshot_version) + ".snapshot.json", snapshot, {&*snapshot_key});
  if (!snapshot_bytes) {
    return snapshot_bytes.error();
  }
  auto timestamp = state.timestamp;
  timestamp["version"] = version_of(timestamp) + 1;
  timestamp["expires"] = tuf::format_expires(now + context.expiry.timestamp_days * k_day);
  timestamp["meta"]["snapshot.json"] = Json{{"version", snapshot_version},
                                            {"length", snapshot_bytes->size()},
                                            {"hashes", {{"sha256", sha256_hex(*snapshot_bytes)}}}};
  auto timestamp_key = online_key(context.keys, "timestamp");
  if (!timestamp_key) {
    return timestamp_key.error();
  }
  // Replacing timestamp.json is the commit: everything it names is already in place.
  if (auto written = write_signed(context.metadata, "timestamp.json", timestamp, {&*timestamp_key}); !written) {
    return written.error();
  }
  state.snapshot = std::move(snapshot);
  state.timestamp = std::move(timestamp);
  return {};
}

util::Result<void> write_targets(const Context& context, State& state, tuf::UnixTime now) {
  state.targets["version"] = version_of(state.targets) + 1;
  state.targets["expires"] = tuf::format_expires(now + context.expiry.targets_days * k_day);
  auto key = online_key(context.keys, "targets");
  if (!key) {
    return key.error();
  }
  auto written = write_signed(context.metadata, std::to_string(version_of(state.targets)) + ".targets.json",
                              state.targets, {&*key});
  if (!written) {
    return written.error();
  }
  return {};
}

// Gives `role` a fresh key in the delegations of the top-level targets (new or rotated).
util::Result<NamedKey> delegate_to_new_key(const Context& context, State& state, const std::string& role) {
  auto generated = SigningKey::generate();
  if (!generated) {
    return generated.error();
  }
  const auto path = role_key_path(context.keys, role);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    fs::rename(path, path.string() + ".retired-" + std::to_string(::time(nullptr)), ec);
  }
  if (auto saved = save_key(*generated, path, std::nullopt); !saved) {
    return saved.error();
  }
  auto named = describe(std::move(*generated));
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
    (*entry)["keyids"] = Json::array({named.keyid});
  } else {
    // Terminating and path-bound: this key can sign this product's updates and nothing else.
    roles.push_back(Json{{"name", role},
                         {"keyids", Json::array({named.keyid})},
                         {"threshold", 1},
                         {"terminating", true},
                         {"paths", Json::array({role + "/*/*"})}});
  }
  delegations["keys"][named.keyid] = key_json(named.public_key);
  return named;
}

util::Result<Json> load_role(const Context& context, const State& state, const std::string& role) {
  const auto& meta = state.snapshot["meta"];
  const auto entry = meta.find(role + ".json");
  if (entry == meta.end()) {
    Json fresh = common("targets", 0, 0);
    fresh["targets"] = Json::object();
    return fresh;
  }
  auto document = read_json(context.metadata / (std::to_string((*entry)["version"].get<std::int64_t>()) + "." +
                                                tuf::percent_encode_role(role) + ".json"));
  if (!document) {
    return document.error();
  }
  return std::move((*document)["signed"]);
}

util::Result<std::int64_t> write_role(const Context& context, const std::string& role, Json& signed_part,
                                      tuf::UnixTime now) {
  auto key = load_key(role_key_path(context.keys, role), std::nullopt);
  if (!key) {
    return key.error();
  }
  const auto version = version_of(signed_part) + 1;
  signed_part["version"] = version;
  signed_part["expires"] = tuf::format_expires(now + context.expiry.targets_days * k_day);
  auto written = write_signed(
      context.metadata, std::to_string(version) + "." + tuf::percent_encode_role(role) + ".json", signed_part, {&*key});
  if (!written) {
    return written.error();
  }
  return version;
}

bool is_delegated(const State& state, const std::string& role) {
  for (const auto& entry : state.targets["delegations"]["roles"]) {
    if (entry["name"] == role) {
      return true;
    }
  }
  return false;
}

// Copies `payload` to its content address while hashing it; never reads it whole.
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
  const auto staging = directory / (".incoming." + base);
  std::ofstream out(staging, std::ios::binary | std::ios::trunc);
  Hasher hasher(HashAlgorithm::sha256);
  std::int64_t length = 0;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const std::string_view chunk(buffer, static_cast<std::size_t>(in.gcount()));
    hasher.update(chunk);
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    length += static_cast<std::int64_t>(chunk.size());
  }
  out.close();
  if (!out) {
    fs::remove(staging, ec);
    return make_error(ErrorKind::io, staging.string() + ": cannot write the payload");
  }
  const auto digest = hasher.hex_digest();
  fs::rename(staging, directory / (digest + "." + base), ec);
  if (ec) {
    return make_error(ErrorKind::io, "cannot store the payload: " + ec.message());
  }
  return PublishedTarget{target.role, target.path, length, digest};
}

} // namespace

util::Result<Repository> Repository::init(const fs::path& data_dir, const InitOptions& options, tuf::UnixTime now) {
  Repository repository(data_dir, options.expiry);
  std::error_code ec;
  if (fs::exists(repository.metadata_dir(), ec)) {
    return make_error(ErrorKind::conflict, "a repository already exists in " + repository.m_dir.string());
  }
  if (auto made = ensure_private_directory(repository.m_keys); !made) {
    return made.error();
  }
  fs::create_directories(repository.metadata_dir(), ec);
  fs::create_directories(repository.targets_dir(), ec);
  std::map<std::string, NamedKey> online;
  for (const char* name : {"targets", "snapshot", "timestamp", "entitlement"}) {
    auto key = SigningKey::generate();
    if (!key) {
      return key.error();
    }
    if (auto saved = save_key(*key, repository.m_keys / (std::string(name) + ".pem"), std::nullopt); !saved) {
      return saved.error();
    }
    online.emplace(name, describe(std::move(*key)));
  }
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
  } else {
    auto key = SigningKey::generate();
    if (!key) {
      return key.error();
    }
    if (auto saved = save_key(*key, repository.m_keys / "development-root" / "root.pem", std::nullopt); !saved) {
      return saved.error();
    }
    root_keys.push_back(describe(std::move(*key)));
  }
  const auto threshold =
      options.root_threshold > 0 ? options.root_threshold : static_cast<std::int64_t>(root_keys.size());
  if (threshold > static_cast<std::int64_t>(root_keys.size())) {
    return make_error(ErrorKind::invalid_input,
                      "a root threshold of " + std::to_string(threshold) + " needs as many keys");
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
    return root_bytes.error();
  }
  if (auto written = util::write_file_atomically(repository.metadata_dir() / "root.json", *root_bytes); !written) {
    return written.error();
  }
  Json targets = common("targets", 1, now + options.expiry.targets_days * k_day);
  targets["targets"] = Json::object();
  targets["delegations"] = Json{{"keys", Json::object()}, {"roles", Json::array()}};
  if (!write_signed(repository.metadata_dir(), "1.targets.json", targets, {&online.at("targets")})) {
    return failure("cannot write targets metadata");
  }
  State state;
  state.root_version = 1;
  state.root = root;
  state.targets = targets;
  state.snapshot = common("snapshot", 0, 0);
  state.snapshot["meta"] = Json{{"targets.json", {{"version", 1}}}};
  state.timestamp = common("timestamp", 0, 0);
  state.timestamp["meta"] = Json::object();
  const Json config{{"expiry_days",
                     {{"root", options.expiry.root_days},
                      {"targets", options.expiry.targets_days},
                      {"snapshot", options.expiry.snapshot_days},
                      {"timestamp", options.expiry.timestamp_days}}}};
  if (auto written = util::write_file_atomically(repository.m_dir / "config.json", config.dump(2) + "\n"); !written) {
    return written.error();
  }
  const Context context{repository.metadata_dir(), repository.m_keys, repository.m_expiry};
  if (auto committed = commit(context, state, {}, now); !committed) {
    return committed.error();
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
  const auto& days = (*config)["expiry_days"];
  expiry.root_days = days.value("root", expiry.root_days);
  expiry.targets_days = days.value("targets", expiry.targets_days);
  expiry.snapshot_days = days.value("snapshot", expiry.snapshot_days);
  expiry.timestamp_days = days.value("timestamp", expiry.timestamp_days);
  return Repository(data_dir, expiry);
}

util::Result<std::vector<PublishedTarget>> Repository::publish(const std::vector<NewTarget>& targets,
                                                               tuf::UnixTime now) {
  RepositoryLock lock(m_dir);
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  std::vector<PublishedTarget> published;
  std::map<std::string, std::vector<const NewTarget*>> by_role;
  for (const auto& target : targets) {
    if (!target.path.starts_with(target.role + "/")) {
      return make_error(ErrorKind::invalid_input, target.path + " is not below " + target.role + "/");
    }
    by_role[target.role].push_back(&target);
  }
  bool delegations_changed = false;
  std::map<std::string, std::int64_t> changed;
  for (const auto& [role, role_targets] : by_role) {
    if (!is_delegated(*state, role)) {
      if (auto delegated = delegate_to_new_key(context, *state, role); !delegated) {
        return delegated.error();
      }
      delegations_changed = true;
    }
    auto signed_part = load_role(context, *state, role);
    if (!signed_part) {
      return signed_part.error();
    }
    for (const auto* target : role_targets) {
      auto stored = store_payload(targets_dir(), *target);
      if (!stored) {
        return stored.error();
      }
      auto custom = util::parse_strict_json<Json>(target->custom.empty() ? "{}" : target->custom, 32);
      if (!custom) {
        return custom.error().with_context("custom field of " + target->path);
      }
      (*signed_part)["targets"][target->path] =
          Json{{"length", stored->length}, {"hashes", {{"sha256", stored->sha256}}}, {"custom", *custom}};
      published.push_back(std::move(*stored));
    }
    auto version = write_role(context, role, *signed_part, now);
    if (!version) {
      return version.error();
    }
    changed[role] = *version;
  }
  if (delegations_changed) {
    if (auto written = write_targets(context, *state, now); !written) {
      return written.error();
    }
    changed["targets"] = version_of(state->targets);
  }
  if (auto committed = commit(context, *state, changed, now); !committed) {
    return committed.error();
  }
  return published;
}

util::Result<void> Repository::delegate(const std::string& role, tuf::UnixTime now) {
  RepositoryLock lock(m_dir);
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  if (auto delegated = delegate_to_new_key(context, *state, role); !delegated) {
    return delegated.error();
  }
  if (auto written = write_targets(context, *state, now); !written) {
    return written;
  }
  std::map<std::string, std::int64_t> changed{{"targets", version_of(state->targets)}};
  // The role's current targets are signed again with the new key.
  auto signed_part = load_role(context, *state, role);
  if (!signed_part) {
    return signed_part.error();
  }
  auto version = write_role(context, role, *signed_part, now);
  if (!version) {
    return version.error();
  }
  changed[role] = *version;
  return commit(context, *state, changed, now);
}

util::Result<void> Repository::revoke(const std::string& role, tuf::UnixTime now) {
  RepositoryLock lock(m_dir);
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  auto& delegations = state->targets["delegations"];
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
  if (auto written = write_targets(context, *state, now); !written) {
    return written;
  }
  std::error_code ec;
  const auto key = role_key_path(m_keys, role);
  fs::rename(key, key.string() + ".revoked-" + std::to_string(::time(nullptr)), ec);
  return commit(context, *state, {{"targets", version_of(state->targets)}}, now);
}

util::Result<std::vector<std::string>> Repository::refresh_expiring(tuf::UnixTime now) {
  RepositoryLock lock(m_dir);
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
  std::vector<std::string> report;
  const auto expiring = [&](const Json& signed_part, std::int64_t days) {
    return *tuf::parse_expires(signed_part["expires"].get<std::string>()) - now < days * k_day / 2;
  };
  std::map<std::string, std::int64_t> changed;
  if (expiring(state->targets, m_expiry.targets_days)) {
    if (auto written = write_targets(context, *state, now); !written) {
      return written.error();
    }
    changed["targets"] = version_of(state->targets);
    report.emplace_back("targets re-signed");
  }
  for (const auto& entry : state->targets["delegations"]["roles"]) {
    const auto role = entry["name"].get<std::string>();
    auto signed_part = load_role(context, *state, role);
    if (!signed_part) {
      return signed_part.error();
    }
    if (expiring(*signed_part, m_expiry.targets_days)) {
      auto version = write_role(context, role, *signed_part, now);
      if (!version) {
        return version.error();
      }
      changed[role] = *version;
      report.push_back(role + " re-signed");
    }
  }
  if (!changed.empty() || expiring(state->snapshot, m_expiry.snapshot_days) ||
      expiring(state->timestamp, m_expiry.timestamp_days)) {
    if (auto committed = commit(context, *state, changed, now); !committed) {
      return committed.error();
    }
    report.emplace_back("snapshot and timestamp re-signed");
  }
  if (expiring(state->root, m_expiry.root_days)) {
    const auto dev_key = m_keys / "development-root" / "root.pem";
    auto key = load_key(dev_key, std::nullopt);
    if (!key) {
      report.push_back("WARNING: root expires " + state->root["expires"].get<std::string>() +
                       "; sign the next root offline with lifeline-sign and install it");
    } else {
      auto root = state->root;
      root["version"] = state->root_version + 1;
      root["expires"] = tuf::format_expires(now + m_expiry.root_days * k_day);
      const auto file = std::to_string(state->root_version + 1) + ".root.json";
      auto bytes = write_signed(metadata_dir(), file, root, {&*key});
      if (!bytes || !util::write_file_atomically(metadata_dir() / "root.json", *bytes)) {
        return failure("cannot write the next root");
      }
      report.push_back("root re-signed with the development root key");
    }
  }
  return report;
}

util::Result<void> Repository::install_root(std::string_view root_bytes_in) {
  RepositoryLock lock(m_dir);
  auto current = root_bytes();
  if (!current) {
    return current.error();
  }
  auto trusted = tuf::TrustedSet::create(*current, 0);
  if (!trusted) {
    return make_error(ErrorKind::invalid_input, "the current root does not verify: " + trusted.error().message);
  }
  if (auto updated = trusted->update_root(root_bytes_in); !updated) {
    return make_error(ErrorKind::invalid_input, "the new root is not a valid next root: " + updated.error().message);
  }
  const auto version = trusted->root().signed_part.common.version;
  if (auto written =
          util::write_file_atomically(metadata_dir() / (std::to_string(version) + ".root.json"), root_bytes_in);
      !written) {
    return written;
  }
  return util::write_file_atomically(metadata_dir() / "root.json", root_bytes_in);
}

util::Result<std::map<std::string, std::string>> Repository::role_targets(const std::string& role) const {
  auto state = load_state(metadata_dir());
  if (!state) {
    return state.error();
  }
  const Context context{metadata_dir(), m_keys, m_expiry};
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
  auto key = online_key(m_keys, "entitlement");
  if (!key) {
    return key.error();
  }
  return sign_statement(statement, *key);
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
  status.root_expires = *tuf::parse_expires(state->root["expires"].get<std::string>());
  status.timestamp_expires = *tuf::parse_expires(state->timestamp["expires"].get<std::string>());
  std::error_code ec;
  status.development_root = fs::exists(m_keys / "development-root" / "root.pem", ec);
  return status;
}

util::Result<void> Repository::export_to(const fs::path& out) const {
  std::error_code ec;
  fs::create_directories(out, ec);
  for (const char* part : {"metadata", "targets"}) {
    fs::copy(m_dir / part, out / part, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) {
      return make_error(ErrorKind::io,
                        "cannot export " + std::string(part) + " to " + out.string() + ": " + ec.message());
    }
  }
  return {};
}

} // namespace lifeline::signing
