// Dashboard sessions. The browser holds a random 256-bit id in an HttpOnly cookie; the server
// keeps only its SHA-256, the principal, the credential that opened it (checked again on every
// request, so revoking the credential or removing the contact ends the session) and a CSRF token
// that every form must carry. Sessions live in memory: a restart asks everyone to log in again.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/model.hpp"

namespace lifeline::server::dashboard {

struct Session {
  catalog::Principal principal;
  std::string credential_id; // public id of the credential that logged in
  std::string csrf;          // hidden in every form of the session
  std::int64_t created = 0;
  std::int64_t last_used = 0;
};

struct OpenedSession {
  std::string id; // for the cookie; never stored
  Session session;
};

class SessionStore {
 public:
  static constexpr std::int64_t k_idle_seconds = 30 * 60;
  static constexpr std::int64_t k_lifetime_seconds = 8 * 60 * 60;
  static constexpr std::size_t k_max_sessions = 10'000;
  // One credential cannot crowd out everyone else's sessions: its oldest goes first.
  static constexpr std::size_t k_max_sessions_per_credential = 16;

  OpenedSession open(const catalog::Principal& principal, const std::string& credential_id, std::int64_t now);
  // The live session behind a cookie value, marked used at `now`; none once idle or too old.
  std::optional<Session> find(std::string_view id, std::int64_t now);
  void close(std::string_view id);

 private:
  [[nodiscard]] static bool expired(const Session& session, std::int64_t now);
  void make_room(const std::string& credential_id, std::int64_t now);

  std::mutex m_mutex;
  std::map<std::string, Session, std::less<>> m_sessions; // by SHA-256 of the id
};

// A fresh random token (hex, 256 bits) for session ids and CSRF tokens.
std::string random_token();

} // namespace lifeline::server::dashboard
