#include "advisories/advisory.hpp"

namespace lifeline::advisories {

Parsed parse_csaf(std::string_view) {
  return Parsed{std::nullopt, {Problem{"/", "CSAF is not read yet"}}};
}

} // namespace lifeline::advisories
