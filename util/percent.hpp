// Percent-decoding of URL paths, query strings and form bodies (RFC 3986 section 2.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifeline::util {

enum class PlusIs { plus, space }; // '+' means a space in query strings and form bodies only

// nullopt when a '%' is not followed by two hexadecimal digits.
std::optional<std::string> percent_decode(std::string_view text, PlusIs plus);

} // namespace lifeline::util
