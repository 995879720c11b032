#include "signing/repository/root_rotation.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "signing/repository/online_keys.hpp"
#include "util/strict_json.hpp"

namespace lifeline::signing {

namespace {

using Json = nlohmann::ordered_json;

Json key_json(const tuf::Key& key) {
  return Json{{"keytype", key.keytype}, {"scheme", key.scheme}, {"keyval", {{"public", key.public_key}}}};
}

// Where root says which keys a role trusts: its `roles` entry, or the entitlement field.
Json& trust_of(Json& root, const std::string& role) {
  return role == "entitlement" ? root["x-lifeline-entitlement"] : root["roles"][role];
}

void drop_unused_keys(Json& root) {
  std::set<std::string> used;
  const auto collect = [&](const Json& trust) {
    if (trust.is_object() && trust.contains("keyids") && trust.at("keyids").is_array()) {
      for (const auto& keyid : trust.at("keyids")) {
        if (keyid.is_string()) {
          used.insert(keyid.get<std::string>());
        }
      }
    }
  };
  for (const auto& [name, role] : root["roles"].items()) {
    collect(role);
  }
  if (root.contains("x-lifeline-entitlement")) {
    collect(root.at("x-lifeline-entitlement"));
  }
  std::vector<std::string> unused;
  for (const auto& [keyid, key] : root["keys"].items()) {
    if (!used.contains(keyid)) {
      unused.push_back(keyid);
    }
  }
  for (const auto& keyid : unused) {
    root["keys"].erase(keyid);
  }
}

} // namespace

util::Result<nlohmann::ordered_json> next_root(std::string_view current_bytes, const RootChange& change) {
  auto parsed = tuf::parse_root(current_bytes);
  if (!parsed) {
    return util::make_error(util::ErrorKind::invalid_input, "the current root is not valid: " + parsed.error().message);
  }
  auto envelope = util::parse_strict_json<nlohmann::ordered_json>(current_bytes, 64);
  if (!envelope) {
    return envelope.error();
  }
  auto root = (*envelope)["signed"];
  root["version"] = parsed->signed_part.common.version + 1;
  root["expires"] = tuf::format_expires(change.expires);
  if (!change.root_keys.empty()) {
    std::vector<std::string> keyids;
    for (const auto& key : change.root_keys) {
      const auto keyid = tuf::key_id(key);
      root["keys"][keyid] = key_json(key);
      keyids.push_back(keyid);
    }
    root["roles"]["root"]["keyids"] = keyids;
    root["roles"]["root"]["threshold"] =
        change.root_threshold > 0 ? change.root_threshold : static_cast<std::int64_t>(keyids.size());
  } else if (change.root_threshold > 0) {
    root["roles"]["root"]["threshold"] = change.root_threshold;
  }
  for (const auto& [role, key] : change.online_keys) {
    if (!is_online_role(role)) {
      return util::make_error(util::ErrorKind::invalid_input,
                              role + " is not an online role (targets, snapshot, timestamp, entitlement)");
    }
    const auto keyid = tuf::key_id(key);
    root["keys"][keyid] = key_json(key);
    trust_of(root, role) = Json{{"keyids", Json::array({keyid})}, {"threshold", 1}};
  }
  drop_unused_keys(root);
  return root;
}

} // namespace lifeline::signing
