#include "signing/install_receipt.hpp"

#include <nlohmann/json.hpp>

#include "signing/signed_document.hpp"
#include "signing/tuf/sign.hpp"

namespace lifeline::signing {

namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view k_type = "lifeline-install-receipt";
constexpr std::size_t k_max_receipt = 16 << 10;

} // namespace

util::Result<std::string> sign_receipt(const InstallReceipt& receipt, const NamedKey& device_key) {
  const Json signed_part{{"_type", k_type},          {"spec_version", "1.0"},
                         {"device", receipt.device}, {"report_id", receipt.report_id},
                         {"update", receipt.update}, {"outcome", receipt.outcome},
                         {"detail", receipt.detail}, {"at", tuf::format_expires(receipt.at)}};
  return tuf::sign_metadata(signed_part, {&device_key});
}

tuf::Result<InstallReceipt> verify_receipt(std::string_view bytes, const std::string& device_public_hex) {
  using tuf::ErrorCode;
  auto document = open_signed_document(bytes, k_type, "install receipt", k_max_receipt);
  if (!document) {
    return document.error();
  }
  try {
    const auto& signed_part = document->signed_part;
    const tuf::Key key{"ed25519", "ed25519", device_public_hex};
    const auto keyid = tuf::key_id(key);
    if (auto verified = tuf::verify_role("receipt", tuf::Role{{keyid}, 1}, {{keyid, key}}, document->canonical,
                                         document->signatures);
        !verified) {
      return tuf::make_error(ErrorCode::unsigned_metadata, "the receipt is not signed by the device's registered key");
    }
    InstallReceipt receipt;
    receipt.device = signed_part.at("device").get<std::string>();
    receipt.report_id = signed_part.at("report_id").get<std::string>();
    receipt.update = signed_part.at("update").get<std::string>();
    receipt.outcome = signed_part.at("outcome").get<std::string>();
    receipt.detail = signed_part.at("detail").get<std::string>();
    const auto at = tuf::parse_expires(signed_part.at("at").get<std::string>());
    if (!at) {
      return tuf::make_error(ErrorCode::malformed, "the receipt's date is malformed");
    }
    receipt.at = *at;
    return receipt;
  } catch (const nlohmann::json::exception& error) {
    return tuf::make_error(ErrorCode::malformed, std::string("malformed receipt: ") + error.what());
  }
}

} // namespace lifeline::signing
