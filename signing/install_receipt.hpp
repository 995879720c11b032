// Install receipts: a device's signed word that it installed an update (or failed to), signed
// with the Ed25519 key it registered, so the server and later an auditor can tell the device's
// own report from anyone else's, and a receipt carried by hand (air-gapped sites) stays honest.
#pragma once

#include <string>
#include <string_view>

#include "signing/repository/key_store.hpp"
#include "signing/tuf/metadata.hpp"

namespace lifeline::signing {

struct InstallReceipt {
  std::string device;
  std::string report_id; // the device's own id: a resent receipt is the same receipt
  std::string update;
  std::string outcome; // installed or failed
  std::string detail;  // the device's words on a failure
  tuf::UnixTime at = 0;

  bool operator==(const InstallReceipt&) const = default;
};

util::Result<std::string> sign_receipt(const InstallReceipt& receipt, const NamedKey& device_key);

// Checks the signature against the device's registered Ed25519 public key (hex) and the shape.
// Errors: malformed, wrong_type, unsigned_metadata.
tuf::Result<InstallReceipt> verify_receipt(std::string_view bytes, const std::string& device_public_hex);

} // namespace lifeline::signing
