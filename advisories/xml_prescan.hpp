// What pugixml does not check, checked on the raw bytes before it parses them: pugixml accepts
// invalid UTF-8, control characters, undeclared entity references (kept as literal text) and
// character references to U+0000 (which cut the text short). Any of these, and any document type
// declaration, refuse the document here, so nothing surprising reaches the parser or the reader.
#pragma once

#include <optional>
#include <string_view>

#include "advisories/advisory.hpp"

namespace lifeline::advisories {

// The first problem found, located as "byte N" (offset into `bytes`), or nullopt. Comments,
// CDATA sections and processing instructions are checked for characters only, since references
// are not recognised there.
std::optional<Problem> prescan_xml(std::string_view bytes);

// "byte N": the location of a problem found in raw bytes.
std::string byte_location(std::size_t offset);

} // namespace lifeline::advisories
