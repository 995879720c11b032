#include "server/auth/credentials.hpp"

#include <algorithm>

#include "catalog/scopes.hpp"
#include "signing/crypto.hpp"
#include "util/hex.hpp"

namespace lifeline::server::auth {

namespace {

constexpr std::string_view k_credential_prefix = "ll_";
constexpr std::string_view k_enrolment_prefix = "le_";
constexpr std::size_t k_id_hex = 16;     // 64-bit public id
constexpr std::size_t k_secret_hex = 64; // 256-bit secret

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct TokenParts {
  std::string id;
  std::string secret;
};

std::optional<TokenParts> split_token(std::string_view token, std::string_view prefix) {
  const auto expected_size = prefix.size() + k_id_hex + 1 + k_secret_hex;
  if (token.size() != expected_size || !token.starts_with(prefix) || token[prefix.size() + k_id_hex] != '_') {
    return std::nullopt;
  }
  const auto id = token.substr(prefix.size(), k_id_hex);
  const auto secret = token.substr(prefix.size() + k_id_hex + 1);
  if (!is_lower_hex(id) || !is_lower_hex(secret)) {
    return std::nullopt;
  }
  return TokenParts{std::string(id), std::string(secret)};
}

// A fresh token: its text for the holder, its public id, the hash to store.
struct FreshToken {
  std::string token;
  std::string id;
  std::string secret_hash;
};

FreshToken fresh_token(std::string_view prefix) {
  const auto id = util::to_hex(signing::random_bytes(k_id_hex / 2));
  const auto secret = util::to_hex(signing::random_bytes(k_secret_hex / 2));
  return FreshToken{std::string(prefix) + id + "_" + secret, id, signing::sha256_hex(secret)};
}

bool secret_matches(const std::string& secret, const std::string& stored_hash) {
  return signing::constant_time_equal(signing::sha256_hex(secret), stored_hash);
}

} // namespace

util::Result<IssuedToken> issue_token(catalog::Catalog& catalog, const catalog::Principal& principal,
                                      const catalog::AuditContext& context) {
  auto fresh = fresh_token(k_credential_prefix);
  const catalog::StoredCredential credential{fresh.id, fresh.secret_hash, principal};
  if (auto stored = catalog.store_credential(credential, context); !stored) {
    return stored.error();
  }
  return IssuedToken{std::move(fresh.token), fresh.id};
}

std::optional<std::string> token_id(std::string_view token) {
  const auto parts = split_token(token, k_credential_prefix);
  return parts ? std::optional(parts->id) : std::nullopt;
}

util::Result<std::optional<catalog::Principal>> authenticate(catalog::Catalog& catalog, std::string_view token) {
  const auto parts = split_token(token, k_credential_prefix);
  if (!parts) {
    return std::optional<catalog::Principal>();
  }
  auto stored = catalog.find_credential(parts->id);
  if (!stored) {
    return stored.error();
  }
  if (!*stored || !secret_matches(parts->secret, (*stored)->secret_hash)) {
    return std::optional<catalog::Principal>();
  }
  return std::optional<catalog::Principal>((*stored)->principal);
}

namespace {

// The scopes whose writes can kill a credential of `principal`.
std::vector<std::string> killing_scopes(const catalog::Principal& principal) {
  std::vector<std::string> scopes{catalog::scopes::principal(principal.role, principal.subject)};
  if (principal.role == catalog::Role::device) {
    scopes.push_back(catalog::scopes::device(principal.subject));
  } else if (principal.role == catalog::Role::contact && principal.customer) {
    scopes.push_back(catalog::scopes::customer(*principal.customer));
  }
  return scopes;
}

} // namespace

util::Result<std::optional<catalog::Principal>> CredentialCache::authenticate(catalog::Catalog& catalog,
                                                                              std::string_view token) {
  constexpr std::size_t k_max_entries = 250'000; // ~60 MiB
  const auto parts = split_token(token, k_credential_prefix);
  if (!parts) {
    return std::optional<catalog::Principal>();
  }
  std::optional<Entry> cached;
  {
    const std::lock_guard lock(m_mutex);
    if (const auto it = m_entries.find(parts->id); it != m_entries.end()) {
      cached = it->second;
    }
  }
  if (cached) {
    const auto now = catalog.scope_generations(killing_scopes(cached->credential.principal));
    if (!now) {
      return now.error();
    }
    if (*now != cached->generations) {
      cached.reset();
    }
  }
  if (!cached) {
    auto stored = catalog.find_credential(parts->id);
    if (!stored) {
      return stored.error();
    }
    if (!*stored) {
      return std::optional<catalog::Principal>();
    }
    // The generations are read after the credential was found alive, then it is looked up again:
    // a write that kills it between the two is seen by one or the other.
    auto generations = catalog.scope_generations(killing_scopes((*stored)->principal));
    auto again = generations ? catalog.find_credential(parts->id) : stored;
    if (!generations || !again) {
      return !generations ? generations.error() : again.error();
    }
    if (!*again) {
      return std::optional<catalog::Principal>();
    }
    cached = Entry{std::move(*generations), std::move(**again)};
    // Only live credentials are remembered: made-up ids cannot crowd the cache.
    const std::lock_guard lock(m_mutex);
    if (m_entries.size() >= k_max_entries) {
      m_entries.clear();
    }
    m_entries[parts->id] = *cached;
  }
  if (!secret_matches(parts->secret, cached->credential.secret_hash)) {
    return std::optional<catalog::Principal>();
  }
  return std::optional<catalog::Principal>(cached->credential.principal);
}

PendingCredential new_device_credential() {
  auto fresh = fresh_token(k_credential_prefix);
  return PendingCredential{std::move(fresh.token), catalog::StoredCredential{fresh.id, fresh.secret_hash, {}}};
}

util::Result<IssuedToken> issue_enrolment_token(catalog::Catalog& catalog, catalog::EnrolmentToken token,
                                                const catalog::AuditContext& context) {
  auto fresh = fresh_token(k_enrolment_prefix);
  token.id = fresh.id;
  token.secret_hash = fresh.secret_hash;
  if (auto stored = catalog.store_enrolment_token(token, context); !stored) {
    return stored.error();
  }
  return IssuedToken{std::move(fresh.token), fresh.id};
}

util::Result<std::optional<catalog::EnrolmentToken>> EnrolmentTokenCache::find(catalog::Catalog& catalog,
                                                                               std::string_view token) {
  const auto parts = split_token(token, k_enrolment_prefix);
  if (!parts) {
    return std::optional<catalog::EnrolmentToken>();
  }
  std::optional<catalog::EnrolmentToken> known;
  {
    const std::scoped_lock lock(m_mutex);
    if (const auto it = m_tokens.find(parts->id); it != m_tokens.end()) {
      known = it->second;
    }
  }
  if (!known) {
    auto stored = catalog.find_enrolment_token(parts->id);
    if (!stored) {
      return stored.error();
    }
    if (!*stored) {
      return std::optional<catalog::EnrolmentToken>();
    }
    known = std::move(**stored);
    const std::scoped_lock lock(m_mutex);
    if (m_tokens.size() >= k_max_entries) {
      m_tokens.clear();
    }
    m_tokens.emplace(parts->id, *known);
  }
  if (!secret_matches(parts->secret, known->secret_hash)) {
    return std::optional<catalog::EnrolmentToken>();
  }
  return known;
}

} // namespace lifeline::server::auth
