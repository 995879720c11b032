// What a browser sends the dashboard: application/x-www-form-urlencoded bodies and Cookie
// headers. Both are untrusted: size-limited, percent-escapes checked, names unique.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lifeline::server::dashboard {

constexpr std::size_t k_max_form_bytes = 8 * 1024;

// The fields of a form body; nullopt when it is too long, badly escaped or names a field twice.
std::optional<std::map<std::string, std::string>> parse_form(std::string_view body);

// "a=1; b=2" as a map; a malformed pair is skipped, a repeated name keeps its first value.
std::map<std::string, std::string> parse_cookies(std::string_view header);

} // namespace lifeline::server::dashboard
