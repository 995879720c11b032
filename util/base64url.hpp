// Base64url without padding (RFC 4648 section 5): text that travels in URLs and query strings
// as it is, for opaque tokens such as page cursors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifeline::util {

std::string to_base64url(std::string_view bytes);
// nullopt unless `text` is base64url without padding, in its one canonical spelling (the bits
// after the last full byte are zero): a token read back is exactly a token written.
std::optional<std::string> from_base64url(std::string_view text);

} // namespace lifeline::util
