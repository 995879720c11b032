// KB numbers as both readers take them from documents, by one rule: 4 to 10 digits, after an
// optional "KB" (any case), always written back as "KB" and the digits. Internal to advisories/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifeline::advisories {

// The whole text is a KB number ("4537820", "KB4537820", "kb4537820" -> "KB4537820"); nullopt
// for anything else ("KB0", "12", "KB12345678901", "KB 4537820").
std::optional<std::string> kb_number(std::string_view text);

// "KB" and 4 to 10 digits as a word of free text ("Install KB5034439.") -> "KB5034439"; "" when
// there is none.
std::string kb_in_text(std::string_view text);

// A remediation URL: Microsoft's support page ".../help/5002744" when the host is
// support.microsoft.com or another *.microsoft.com host, else "KB" and digits anywhere in it, as
// kb_in_text. Another publisher's "/help/1234" is no KB.
std::string kb_in_url(std::string_view url);

} // namespace lifeline::advisories
