#include "advisories/advisory.hpp"

namespace lifeline::advisories {

Parsed parse_cvrf(std::string_view) {
  return Parsed{std::nullopt, {Problem{"/", "CVRF is not read yet"}}};
}

} // namespace lifeline::advisories
