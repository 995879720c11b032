#include "advisories/advisory.hpp"

namespace lifeline::advisories {

std::string to_string(Format format) {
  return format == Format::cvrf ? "cvrf" : "csaf";
}

Parsed parse_advisory(std::string_view bytes) {
  if (bytes.size() > k_max_document_bytes) {
    return Parsed{std::nullopt,
                  {Problem{"/", "the document has " + std::to_string(bytes.size()) + " bytes; at most " +
                                    std::to_string(k_max_document_bytes) + " are read"}}};
  }
  auto rest = bytes;
  if (rest.starts_with("\xEF\xBB\xBF")) {
    rest.remove_prefix(3);
  }
  const auto first = rest.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && rest[first] == '<') {
    return parse_cvrf(bytes);
  }
  if (first != std::string_view::npos && rest[first] == '{') {
    return parse_csaf(bytes);
  }
  return Parsed{std::nullopt, {Problem{"/", "neither XML (CVRF) nor a JSON object (CSAF)"}}};
}

} // namespace lifeline::advisories
