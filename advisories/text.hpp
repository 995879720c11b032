// Document text as both readers repeat it in messages and notes, and the shape of the one-line
// texts they keep (titles, ids, names). Internal to advisories/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lifeline::advisories {

inline constexpr std::size_t k_max_quoted = 80; // bytes of a document's text repeated in a message

// At most `max_bytes` of `text` (cut on a UTF-8 boundary, "..." marking the cut), with every
// control character (C0, DEL, C1) written as \u00XX: a terminal showing a message or a note is
// never fed an escape sequence from a document.
std::string printable(std::string_view text, std::size_t max_bytes = k_max_quoted);

// printable(text) in double quotes (not "quoted": std::quoted would win overload resolution).
std::string quote_text(std::string_view text, std::size_t max_bytes = k_max_quoted);

// Without white space (space, tab, CR, LF) at either end.
std::string_view trim(std::string_view text);

// Each run of white space or other control characters (C0, DEL, C1) as one space, none at either
// end: "Windows 10\n    for x64" -> "Windows 10 for x64".
std::string collapse_space(std::string_view text);

// catalog::is_label (one printable line of valid UTF-8, 1 to 512 bytes) and no C1 control
// either (U+0080 to U+009F, which some terminals obey).
bool is_clean_label(std::string_view text);

} // namespace lifeline::advisories
