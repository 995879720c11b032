// libFuzzer target for the TUF metadata parser: any bytes, as any role, must parse or be
// refused cleanly, and whatever parses must survive verification.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "signing/tuf/metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lifeline::signing::tuf;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto root = parse_root(bytes)) {
    const auto& signed_part = root->signed_part;
    std::ignore = verify_role("root", signed_part.role("root"), signed_part.keys, root->signed_bytes, root->signatures);
  }
  if (auto targets = parse_targets(bytes); targets && targets->signed_part.delegations) {
    for (const auto& role : targets->signed_part.delegations->roles) {
      std::ignore = role.matches("product/KB1/update.cab");
    }
    if (const auto& bins = targets->signed_part.delegations->succinct) {
      std::ignore = bins->is_delegated_role(bins->role_for("product/KB1/update.cab"));
    }
  }
  std::ignore = parse_snapshot(bytes);
  std::ignore = parse_timestamp(bytes);
  return 0;
}
