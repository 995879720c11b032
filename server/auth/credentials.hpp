// Credentials of operators, publishers, designated contacts and devices: 256-bit random tokens
// "ll_<id>_<secret>". Only the SHA-256 of the secret is stored; the public id finds the row and
// the secret's hash is compared in constant time. Tokens are shown once and never logged.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.hpp"

namespace lifeline::server::auth {

struct IssuedToken {
  std::string token; // give it to its holder; it cannot be shown again
  std::string id;    // public: safe to log and to name in the audit trail
};

util::Result<IssuedToken> issue_token(catalog::Catalog& catalog, const catalog::Principal& principal,
                                      const catalog::AuditContext& context);

// The principal behind `token`, or none when it is malformed, unknown, revoked, or its holder
// lost its standing (contact removed, device retired).
util::Result<std::optional<catalog::Principal>> authenticate(catalog::Catalog& catalog, std::string_view token);

// The public id of a well-formed credential token (what find_credential and revocation take).
std::optional<std::string> token_id(std::string_view token);

// authenticate() remembered per credential while the generations of the scopes that can kill it
// stay the same (catalog/scopes.hpp): its principal's (revocation), a device's own (retirement),
// a contact's customer's (removed from the order). Other writes leave it warm, in every process.
// Only secret hashes are kept, as in the catalog. Thread-safe.
class CredentialCache {
 public:
  util::Result<std::optional<catalog::Principal>> authenticate(catalog::Catalog& catalog, std::string_view token);

 private:
  struct Entry {
    std::vector<std::int64_t> generations;
    catalog::StoredCredential credential;
  };
  std::mutex m_mutex;
  std::unordered_map<std::string, Entry> m_entries;
};

// A device credential made before the device exists: registration stores it with the device
// in one transaction (Catalog::register_with_token), and only then is the token handed out.
struct PendingCredential {
  std::string token;
  catalog::StoredCredential credential; // its principal is set on registration
};
PendingCredential new_device_credential();

// Enrolment tokens "le_<id>_<secret>": made by a designated contact for one site and product.
util::Result<IssuedToken> issue_enrolment_token(catalog::Catalog& catalog, catalog::EnrolmentToken token,
                                                const catalog::AuditContext& context);
// The stored token behind an enrolment token when its secret matches, remembered by id: a
// registration checks the secret against the remembered hash (which never changes) and reads the
// catalog only under its write lock, where uses, expiry, voiding and the contact are checked
// (Catalog::register_with_token).
class EnrolmentTokenCache {
 public:
  util::Result<std::optional<catalog::EnrolmentToken>> find(catalog::Catalog& catalog, std::string_view token);

 private:
  static constexpr std::size_t k_max_entries = 10'000;
  std::mutex m_mutex;
  std::unordered_map<std::string, catalog::EnrolmentToken> m_tokens;
};

} // namespace lifeline::server::auth
