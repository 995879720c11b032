// The login form's anti-forgery token, bound to this server: a nonce, the time it was issued and
// an HMAC of both under a secret drawn when the server starts. A cookie and form field that a
// client (or another site) chose for itself never carry a valid HMAC. Tokens live 30 minutes,
// as the form's cookie; like sessions, they end with the server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lifeline::server::dashboard {

class LoginTokens {
 public:
  static constexpr std::int64_t k_lifetime_seconds = 30 * 60;
  static constexpr std::size_t k_token_chars = 64;

  LoginTokens();
  // 64 lower-case hex digits: nonce (16), issue time (16), HMAC (32, truncated).
  [[nodiscard]] std::string issue(std::int64_t now) const;
  [[nodiscard]] bool valid(std::string_view token, std::int64_t now) const;

 private:
  [[nodiscard]] std::string mac(std::string_view nonce_and_time) const;
  std::string m_secret;
};

} // namespace lifeline::server::dashboard
