// Lifeline's own signed documents (entitlement statements, install receipts) use TUF's envelope:
// {"signed": {"_type": ..., ...}, "signatures": [{"keyid", "sig"}]}, signatures over the
// canonical JSON of "signed". This opens one, strictly, before its signatures are checked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "signing/tuf/metadata.hpp"

namespace lifeline::signing {

struct SignedDocument {
  nlohmann::ordered_json signed_part;
  std::vector<tuf::Signature> signatures;
  std::string canonical; // the bytes the signatures cover
};

// Errors: too_large (over `max_bytes`), malformed, wrong_type (another "_type" than `type`;
// `what` names the expected document in the message).
tuf::Result<SignedDocument> open_signed_document(std::string_view bytes, std::string_view type, const std::string& what,
                                                 std::size_t max_bytes);

} // namespace lifeline::signing
