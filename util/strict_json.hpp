// Strict JSON parsing for untrusted input: duplicate keys and deep nesting are refused (the
// parser already refuses invalid UTF-8). Brings in nlohmann/json: include it from .cpp files only.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace lifeline::util {

// Parses `text` into Json (nlohmann::json or nlohmann::ordered_json); the error says what was wrong.
template <typename Json> Result<Json> parse_strict_json(std::string_view text, int max_depth);

extern template Result<nlohmann::json> parse_strict_json<nlohmann::json>(std::string_view, int);
extern template Result<nlohmann::ordered_json> parse_strict_json<nlohmann::ordered_json>(std::string_view, int);

} // namespace lifeline::util
