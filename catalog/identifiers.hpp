// Shapes of the identifiers and names that documents and command lines carry. Everything from
// outside is checked against one of these before it reaches the catalog.
#pragma once

#include <string>
#include <string_view>

namespace lifeline::catalog {

inline constexpr std::size_t k_max_identifier = 64;

bool is_identifier(std::string_view text); // products, customers, devices: [A-Za-z0-9._-], 64 at most
bool is_site(std::string_view text);       // a printable one-line name, 64 bytes at most
bool is_kb(std::string_view text);
bool is_cve(std::string_view text);
bool is_email(std::string_view text);
bool is_language_tag(std::string_view text);
bool is_label(std::string_view text); // a printable one-line name, 512 bytes at most, valid UTF-8
bool is_service_pack(std::string_view text);
// Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool is_utf8(std::string_view text);

// E-mail addresses compare case-insensitively: stored and looked up in lower case.
std::string normalise_email(std::string_view email);

} // namespace lifeline::catalog
