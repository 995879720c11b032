// libFuzzer target for the CVRF reader: any bytes must parse or be refused cleanly, and what
// parses must keep the model's promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>

#include "advisories/advisory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lifeline::advisories;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_cvrf(bytes);
  if (parsed.advisory.has_value() == !parsed.problems.empty()) {
    std::abort();
  }
  if (parsed.advisory) {
    for (const auto& fix : parsed.advisory->fixes) {
      if (fix.kb.empty()) {
        std::abort();
      }
    }
  }
  std::ignore = parse_advisory(bytes);
  return 0;
}
