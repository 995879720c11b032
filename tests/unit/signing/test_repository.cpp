#include "tests/unit/signing/test_repository.hpp"

#include "signing/tuf/sign.hpp"
#include "util/file.hpp"

namespace lifeline::signing::testing {

namespace {

Json key_json(const NamedKey& key) {
  return Json{{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", key.public_key.public_key}}}};
}

Json common(const char* type) {
  return Json{{"_type", type},
              {"spec_version", "1.0.31"},
              {"version", 1},
              {"expires", tuf::format_expires(k_now + 86400 * 30)}};
}

} // namespace

NamedKey& TestRepository::new_key(const std::string& name) {
  m_keys.erase(name);
  return m_keys.emplace(name, describe(std::move(SigningKey::generate().value()))).first->second;
}

TestRepository::TestRepository() {
  for (const char* role : {"root", "targets", "snapshot", "timestamp"}) {
    new_key(role);
    signers[role] = {&key(role)};
  }
  root = common("root");
  root["consistent_snapshot"] = true;
  root["keys"] = Json::object();
  root["roles"] = Json::object();
  for (const char* role : {"root", "targets", "snapshot", "timestamp"}) {
    root["keys"][key(role).keyid] = key_json(key(role));
    root["roles"][role] = Json{{"keyids", {key(role).keyid}}, {"threshold", 1}};
  }
  targets = common("targets");
  targets["targets"] = Json::object();
  snapshot = common("snapshot");
  snapshot["meta"] = Json::object();
  timestamp = common("timestamp");
  timestamp["meta"] = Json::object();
  std::filesystem::create_directories(metadata());
  std::filesystem::create_directories(targets_dir());
  m_root_bytes = write("root", root, "1.root.json");
  for (auto& part : {&targets, &snapshot, &timestamp}) {
    (*part)["version"] = 0; // publish() makes them version 1
  }
}

void TestRepository::add_target(const std::string& path, const std::string& content, const std::string& role) {
  auto& signed_part = role == "targets" ? targets : delegated.at(role);
  const auto digest = sha256_hex(content);
  signed_part["targets"][path] = Json{{"length", content.size()}, {"hashes", {{"sha256", digest}}}};
  const auto slash = path.rfind('/');
  const auto dir = slash == std::string::npos ? targets_dir() : targets_dir() / path.substr(0, slash);
  std::filesystem::create_directories(dir);
  lifeline::testing::write_file(dir / (digest + "." + path.substr(slash == std::string::npos ? 0 : slash + 1)),
                                content);
}

void TestRepository::delegate(const std::string& name, const std::vector<std::string>& paths, bool terminating) {
  auto& role_key = new_key(name);
  signers[name] = {&role_key};
  if (!targets.contains("delegations")) {
    targets["delegations"] = Json{{"keys", Json::object()}, {"roles", Json::array()}};
  }
  targets["delegations"]["keys"][role_key.keyid] = key_json(role_key);
  targets["delegations"]["roles"].push_back(Json{
      {"name", name}, {"keyids", {role_key.keyid}}, {"threshold", 1}, {"terminating", terminating}, {"paths", paths}});
  auto part = common("targets");
  part["version"] = 0;
  part["targets"] = Json::object();
  delegated[name] = part;
}

std::string TestRepository::write(const std::string& role, const Json& signed_part, const std::string& file_name) {
  auto bytes = tuf::sign_metadata(signed_part, signers.at(role)).value();
  lifeline::testing::write_file(metadata() / file_name, bytes);
  return bytes;
}

void TestRepository::publish(bool bump) {
  const auto bump_version = [&](Json& part) {
    if (bump) {
      part["version"] = part["version"].get<std::int64_t>() + 1;
    }
    return std::to_string(part["version"].get<std::int64_t>());
  };
  for (auto& [name, part] : delegated) {
    const auto version = bump_version(part);
    write(name, part, version + "." + name + ".json");
    snapshot["meta"][name + ".json"] = Json{{"version", part["version"]}};
  }
  const auto targets_version = bump_version(targets);
  write("targets", targets, targets_version + ".targets.json");
  snapshot["meta"]["targets.json"] = Json{{"version", targets["version"]}};
  const auto snapshot_version = bump_version(snapshot);
  const auto snapshot_bytes = write("snapshot", snapshot, snapshot_version + ".snapshot.json");
  timestamp["meta"]["snapshot.json"] = Json{{"version", snapshot["version"]},
                                            {"length", snapshot_bytes.size()},
                                            {"hashes", {{"sha256", sha256_hex(snapshot_bytes)}}}};
  bump_version(timestamp);
  write("timestamp", timestamp, "timestamp.json");
}

TestClient::TestClient(const TestRepository& repository, tuf::UnixTime now)
    : m_repository(repository), m_metadata_fetcher(repository.metadata()), m_target_fetcher(repository.targets_dir()),
      m_now(now) {
  lifeline::testing::write_file(metadata_dir() / "root.json", repository.root_bytes());
}

tuf::UpdaterConfig TestClient::config() const {
  tuf::UpdaterConfig config;
  config.metadata_dir = metadata_dir();
  config.reference_time = m_now;
  return config;
}

tuf::Result<void> TestClient::refresh() {
  auto metadata_fetcher = m_metadata_fetcher;
  auto target_fetcher = m_target_fetcher;
  tuf::Updater updater(config(), metadata_fetcher, target_fetcher);
  return updater.refresh();
}

tuf::Result<std::string> TestClient::download(const std::string& target_path) {
  auto metadata_fetcher = m_metadata_fetcher;
  auto target_fetcher = m_target_fetcher;
  tuf::Updater updater(config(), metadata_fetcher, target_fetcher);
  auto target = updater.target_info(target_path);
  if (!target) {
    return target.error();
  }
  const auto destination = m_dir.path() / "downloaded";
  if (auto done = updater.download_target(*target, destination); !done) {
    return done.error();
  }
  return util::read_file(destination, 1 << 20).value();
}

} // namespace lifeline::signing::testing
