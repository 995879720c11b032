#include "signing/tuf/sign.hpp"

#include <nlohmann/json.hpp>

#include "signing/canonical_json.hpp"
#include "util/strict_json.hpp"

namespace lifeline::signing::tuf {

namespace {

using Json = nlohmann::ordered_json;

util::Result<std::string> sign_into(Json envelope, const std::vector<const NamedKey*>& keys) {
  auto signed_bytes = canonical_json(envelope["signed"]);
  if (!signed_bytes) {
    return signed_bytes.error();
  }
  auto& signatures = envelope["signatures"];
  if (!signatures.is_array()) {
    signatures = Json::array();
  }
  for (const auto& signature : signatures) {
    if (!signature.is_object() || !signature.contains("keyid") || !signature["keyid"].is_string()) {
      return util::make_error(util::ErrorKind::invalid_input, "the metadata has a malformed signature entry");
    }
  }
  for (const auto* key : keys) {
    Json kept = Json::array();
    for (const auto& signature : signatures) {
      if (signature["keyid"].get<std::string>() != key->keyid) {
        kept.push_back(signature);
      }
    }
    kept.push_back({{"keyid", key->keyid}, {"sig", key->key.sign_hex(*signed_bytes)}});
    signatures = std::move(kept);
  }
  return canonical_json(envelope);
}

} // namespace

util::Result<std::string> sign_metadata(const Json& signed_part, const std::vector<const NamedKey*>& keys) {
  return sign_into(Json{{"signatures", Json::array()}, {"signed", signed_part}}, keys);
}

util::Result<std::string> add_signatures(std::string_view metadata, const std::vector<const NamedKey*>& keys) {
  auto envelope = util::parse_strict_json<Json>(metadata, 64);
  if (!envelope) {
    return envelope.error();
  }
  if (!envelope->is_object() || !envelope->contains("signed")) {
    return util::make_error(util::ErrorKind::invalid_input, "not TUF metadata: no \"signed\" part");
  }
  return sign_into(std::move(*envelope), keys);
}

} // namespace lifeline::signing::tuf
