#include "signing/repository/root_rotation.hpp"

#include <nlohmann/json.hpp>

#include "util/strict_json.hpp"

namespace lifeline::signing {

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
      root["keys"][keyid] = {
          {"keytype", key.keytype}, {"scheme", key.scheme}, {"keyval", {{"public", key.public_key}}}};
      keyids.push_back(keyid);
    }
    // Keys no role uses any more leave the key list.
    for (const auto& old : root["roles"]["root"]["keyids"]) {
      bool used = false;
      for (const auto& [name, role] : root["roles"].items()) {
        used = used ||
               (name != "root" && std::find(role["keyids"].begin(), role["keyids"].end(), old) != role["keyids"].end());
      }
      if (!used && std::find(keyids.begin(), keyids.end(), old.get<std::string>()) == keyids.end()) {
        root["keys"].erase(old.get<std::string>());
      }
    }
    root["roles"]["root"]["keyids"] = keyids;
    root["roles"]["root"]["threshold"] =
        change.root_threshold > 0 ? change.root_threshold : static_cast<std::int64_t>(keyids.size());
  } else if (change.root_threshold > 0) {
    root["roles"]["root"]["threshold"] = change.root_threshold;
  }
  return root;
}

} // namespace lifeline::signing
