#include "server/dashboard/login_tokens.hpp"

#include <cstdio>

#include "signing/crypto.hpp"
#include "util/hex.hpp"

namespace lifeline::server::dashboard {

namespace {

constexpr std::size_t k_nonce_chars = 16;
constexpr std::size_t k_time_chars = 16;
constexpr std::size_t k_mac_chars = LoginTokens::k_token_chars - k_nonce_chars - k_time_chars;

} // namespace

LoginTokens::LoginTokens() : m_secret(signing::random_bytes(32)) {}

std::string LoginTokens::mac(std::string_view nonce_and_time) const {
  return signing::hmac_sha256_hex(m_secret, "lifeline-login:" + std::string(nonce_and_time)).substr(0, k_mac_chars);
}

std::string LoginTokens::issue(std::int64_t now) const {
  char time[k_time_chars + 1];
  std::snprintf(time, sizeof time, "%016llx", static_cast<unsigned long long>(now));
  const auto head = util::to_hex(signing::random_bytes(k_nonce_chars / 2)) + time;
  return head + mac(head);
}

bool LoginTokens::valid(std::string_view token, std::int64_t now) const {
  if (token.size() != k_token_chars || !util::from_hex(token)) {
    return false;
  }
  const auto head = token.substr(0, k_nonce_chars + k_time_chars);
  if (!signing::constant_time_equal(std::string(token.substr(head.size())), mac(head))) {
    return false;
  }
  const auto issued = static_cast<std::int64_t>(std::stoull(std::string(head.substr(k_nonce_chars)), nullptr, 16));
  return issued <= now && now - issued <= k_lifetime_seconds;
}

} // namespace lifeline::server::dashboard
