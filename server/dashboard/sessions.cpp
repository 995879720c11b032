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

void SessionStore::make_room(const std::string& credential_id, std::int64_t now) {
  std::erase_if(m_sessions, [&](const auto& entry) { return expired(entry.second, now); });
  const auto least_recently_used = [&](bool same_credential) {
    auto oldest = m_sessions.end();
    for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
      if ((!same_credential || it->second.credential_id == credential_id) &&
          (oldest == m_sessions.end() || it->second.last_used < oldest->second.last_used)) {
        oldest = it;
      }
    }
    return oldest;
  };
  const auto own = static_cast<std::size_t>(std::count_if(m_sessions.begin(), m_sessions.end(), [&](const auto& entry) {
    return entry.second.credential_id == credential_id;
  }));
  if (own >= k_max_sessions_per_credential) {
    m_sessions.erase(least_recently_used(true));
  } else if (m_sessions.size() >= k_max_sessions) {
    m_sessions.erase(least_recently_used(false));
  }
}

OpenedSession SessionStore::open(const catalog::Principal& principal, const std::string& credential_id,
                                 std::int64_t now) {
  OpenedSession opened{random_token(), Session{principal, credential_id, random_token(), now, now}};
  const std::lock_guard lock(m_mutex);
  make_room(credential_id, now);
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
