#include "signing/signed_document.hpp"

#include "signing/canonical_json.hpp"
#include "util/strict_json.hpp"

namespace lifeline::signing {

tuf::Result<SignedDocument> open_signed_document(std::string_view bytes, std::string_view type, const std::string& what,
                                                 std::size_t max_bytes) {
  using tuf::ErrorCode;
  if (bytes.size() > max_bytes) {
    return tuf::make_error(ErrorCode::too_large,
                           "the " + what + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  auto envelope = util::parse_strict_json<nlohmann::ordered_json>(bytes, 16);
  if (!envelope) {
    return tuf::make_error(ErrorCode::malformed, envelope.error().message);
  }
  try {
    SignedDocument document;
    document.signed_part = std::move(envelope->at("signed"));
    if (document.signed_part.at("_type") != type) {
      return tuf::make_error(ErrorCode::wrong_type, "not an " + what);
    }
    for (const auto& item : envelope->at("signatures")) {
      document.signatures.push_back({item.at("keyid").get<std::string>(), item.at("sig").get<std::string>()});
    }
    auto canonical = canonical_json(document.signed_part);
    if (!canonical) {
      return tuf::make_error(ErrorCode::malformed, canonical.error().message);
    }
    document.canonical = std::move(*canonical);
    return document;
  } catch (const nlohmann::json::exception& error) {
    return tuf::make_error(ErrorCode::malformed, "malformed " + what + ": " + error.what());
  }
}

} // namespace lifeline::signing
