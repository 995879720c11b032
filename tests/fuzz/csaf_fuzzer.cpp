// libFuzzer target for the CSAF 2.0 reader: any bytes must be read or refused cleanly, and what is
// read must be consistent (exactly one of an advisory and problems; fixes sorted by KB).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>

#include "advisories/advisory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lifeline::advisories;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_csaf(bytes);
  if (parsed.advisory.has_value() == !parsed.problems.empty()) {
    std::abort();
  }
  if (parsed.advisory) {
    const auto& fixes = parsed.advisory->fixes;
    if (!std::is_sorted(fixes.begin(), fixes.end(), [](const auto& a, const auto& b) { return a.kb < b.kb; })) {
      std::abort();
    }
  }
  std::ignore = parse_advisory(bytes);
  return 0;
}
