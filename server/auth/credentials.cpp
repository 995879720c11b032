#include "server/auth/credentials.hpp"

#include <algorithm>

#include "signing/crypto.hpp"
#include "util/hex.hpp"

namespace lifeline::server::auth {

namespace {

constexpr std::string_view k_prefix = "ll_";
constexpr std::size_t k_id_hex = 16;     // 64-bit public id
constexpr std::size_t k_secret_hex = 64; // 256-bit secret

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

util::Result<IssuedToken> issue_token(catalog::Catalog& catalog, const catalog::Principal& principal,
                                      const catalog::AuditContext& context) {
  const auto id = util::to_hex(signing::random_bytes(k_id_hex / 2));
  const auto secret = util::to_hex(signing::random_bytes(k_secret_hex / 2));
  const catalog::StoredCredential credential{id, signing::sha256_hex(secret), principal};
  if (auto stored = catalog.store_credential(credential, context); !stored) {
    return stored.error();
  }
  return IssuedToken{std::string(k_prefix) + id + "_" + secret, id};
}

util::Result<std::optional<catalog::Principal>> authenticate(catalog::Catalog& catalog, std::string_view token) {
  const auto expected_size = k_prefix.size() + k_id_hex + 1 + k_secret_hex;
  if (token.size() != expected_size || !token.starts_with(k_prefix) || token[k_prefix.size() + k_id_hex] != '_') {
    return std::optional<catalog::Principal>();
  }
  const auto id = token.substr(k_prefix.size(), k_id_hex);
  const auto secret = token.substr(k_prefix.size() + k_id_hex + 1);
  if (!is_lower_hex(id) || !is_lower_hex(secret)) {
    return std::optional<catalog::Principal>();
  }
  auto stored = catalog.find_credential(std::string(id));
  if (!stored) {
    return stored.error();
  }
  if (!*stored || !signing::constant_time_equal(signing::sha256_hex(secret), (*stored)->secret_hash)) {
    return std::optional<catalog::Principal>();
  }
  return std::optional<catalog::Principal>((*stored)->principal);
}

} // namespace lifeline::server::auth
