// Answers kept for a short time under a key that names everything they depend on (catalog
// generation, repository version, evaluation date, request): a repeated check-in that nothing
// changed is answered without deciding and signing again. Thread-safe, bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace lifeline::server::api {

class ResponseCache {
 public:
  ResponseCache(std::int64_t max_age_seconds, std::size_t max_bytes)
      : m_max_age(max_age_seconds), m_max_bytes(max_bytes) {}

  [[nodiscard]] std::optional<std::string> find(const std::string& key, std::int64_t now) const {
    const std::lock_guard lock(m_mutex);
    const auto it = m_entries.find(key);
    if (it == m_entries.end() || now - it->second.stored > m_max_age || now < it->second.stored) {
      return std::nullopt;
    }
    return it->second.body;
  }

  void store(const std::string& key, std::string body, std::int64_t now) {
    const std::lock_guard lock(m_mutex);
    if (const auto old = m_entries.find(key); old != m_entries.end()) {
      m_bytes -= key.size() + old->second.body.size();
      m_entries.erase(old);
    }
    if (m_bytes + key.size() + body.size() > m_max_bytes) {
      m_entries.clear(); // simple and bounded: the next requests refill what is in use
      m_bytes = 0;
    }
    m_bytes += key.size() + body.size();
    m_entries.emplace(key, Entry{std::move(body), now});
  }

 private:
  struct Entry {
    std::string body;
    std::int64_t stored = 0;
  };
  std::int64_t m_max_age;
  std::size_t m_max_bytes;
  std::size_t m_bytes = 0;
  mutable std::mutex m_mutex;
  std::unordered_map<std::string, Entry> m_entries;
};

} // namespace lifeline::server::api
