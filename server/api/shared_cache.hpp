// Immutable values shared between request threads under a key that names everything they depend
// on (scope generations, repository version, evaluation date, ...): a key that changes is a miss,
// so nothing is ever invalidated in place. Bounded by the bytes its values say they hold; when
// full it starts afresh, and the next requests refill what is in use. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lifeline::server::api {

template <typename Value> class SharedCache {
 public:
  explicit SharedCache(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

  [[nodiscard]] std::shared_ptr<const Value> find(const std::string& key) const {
    const std::lock_guard lock(m_mutex);
    const auto it = m_entries.find(key);
    if (it == m_entries.end()) {
      ++m_misses;
      return nullptr;
    }
    ++m_hits;
    return it->second;
  }

  void store(const std::string& key, std::shared_ptr<const Value> value, std::size_t bytes) {
    const std::lock_guard lock(m_mutex);
    bytes += key.size();
    if (bytes > m_max_bytes || m_entries.contains(key)) {
      return;
    }
    if (m_bytes + bytes > m_max_bytes) {
      m_entries.clear();
      m_bytes = 0;
    }
    m_bytes += bytes;
    m_entries.emplace(key, std::move(value));
  }

  [[nodiscard]] std::uint64_t hits() const { return m_hits; }
  [[nodiscard]] std::uint64_t misses() const { return m_misses; }

 private:
  std::size_t m_max_bytes;
  std::size_t m_bytes = 0;
  mutable std::mutex m_mutex;
  mutable std::atomic<std::uint64_t> m_hits{0};
  mutable std::atomic<std::uint64_t> m_misses{0};
  std::unordered_map<std::string, std::shared_ptr<const Value>> m_entries;
};

} // namespace lifeline::server::api
