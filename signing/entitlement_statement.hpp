// Entitlement statements: the server's signed, expiring word that one device may install these
// targets (DESIGN.md, "checked twice"). Signed by the entitlement key that root names in its
// "x-lifeline-entitlement" field, so a device verifies it offline, chained to root.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "signing/repository/key_store.hpp"
#include "signing/tuf/metadata.hpp"

namespace lifeline::signing {

struct EntitlementStatement {
  std::string device;
  std::string customer;
  std::string product;
  std::string enrolment_type;         // standard or essentials
  std::int64_t programme_quarter = 0; // 1-based
  std::vector<std::string> targets;   // target paths the device may install
  tuf::UnixTime issued = 0;
  tuf::UnixTime expires = 0;
};

util::Result<std::string> sign_statement(const EntitlementStatement& statement, const NamedKey& key);

// Checks the signatures against root's entitlement keys, the expiry against `now`, and that the
// statement is about `device`. Errors: unsigned_metadata, expired, malformed, wrong_subject.
tuf::Result<EntitlementStatement> verify_statement(std::string_view bytes, const tuf::RootSigned& root,
                                                   const std::string& device, tuf::UnixTime now);

[[nodiscard]] bool permits(const EntitlementStatement& statement, const std::string& target_path);

} // namespace lifeline::signing
