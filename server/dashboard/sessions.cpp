#include "server/dashboard/sessions.hpp"

#include <algorithm>

#include "signing/crypto.hpp"
#include "util/hex.hpp"

namespace lifeline::server::dashboard {

std::string random_token() {
  return util::to_hex(signing::random_bytes(32));
}

bool SessionStore::expired(const Session& session, std::int64_t now) {
  return now - session.last_used > k_idle_seconds || now - session.created > k_lifetime_seconds ||
         now < session.created;
}

void SessionStore::make_room(std::int64_t now) {
  std::erase_if(m_sessions, [&](const auto& entry) { return expired(entry.second, now); });
  if (m_sessions.size() < k_max_sessions) {
    return;
  }
  // Still full of live sessions: the one used longest ago goes.
  const auto oldest = std::min_element(m_sessions.begin(), m_sessions.end(), [](const auto& a, const auto& b) {
    return a.second.last_used < b.second.last_used;
  });
  m_sessions.erase(oldest);
}

OpenedSession SessionStore::open(const catalog::Principal& principal, const std::string& credential_id,
                                 std::int64_t now) {
  OpenedSession opened{random_token(), Session{principal, credential_id, random_token(), now, now}};
  const std::lock_guard lock(m_mutex);
  if (m_sessions.size() >= k_max_sessions) {
    make_room(now);
  }
  m_sessions[signing::sha256_hex(opened.id)] = opened.session;
  return opened;
}

std::optional<Session> SessionStore::find(std::string_view id, std::int64_t now) {
  if (id.size() != 64) {
    return std::nullopt;
  }
  const auto key = signing::sha256_hex(id);
  const std::lock_guard lock(m_mutex);
  const auto found = m_sessions.find(key);
  if (found == m_sessions.end()) {
    return std::nullopt;
  }
  if (expired(found->second, now)) {
    m_sessions.erase(found);
    return std::nullopt;
  }
  found->second.last_used = now;
  return found->second;
}

void SessionStore::close(std::string_view id) {
  const auto key = signing::sha256_hex(id);
  const std::lock_guard lock(m_mutex);
  m_sessions.erase(key);
}

} // namespace lifeline::server::dashboard
