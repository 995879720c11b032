// Canonical JSON as TUF signs it (securesystemslib / OLPC form): object keys sorted by their
// UTF-8 bytes, no insignificant whitespace, only '\' and '"' escaped in strings, integers only.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "util/result.hpp"

namespace lifeline::signing {

// Fails on floating-point numbers, which the canonical form cannot represent.
util::Result<std::string> canonical_json(const nlohmann::ordered_json& value);
util::Result<std::string> canonical_json(const nlohmann::json& value);

} // namespace lifeline::signing
