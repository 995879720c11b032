#include "server/service/last_seen.hpp"

#include <utility>
#include <vector>

#include "catalog/catalog.hpp"
#include "util/log.hpp"

namespace lifeline::server::service {

LastSeen::LastSeen(std::string catalog, std::chrono::milliseconds interval, std::uintmax_t wal_limit_bytes)
    : m_catalog(std::move(catalog)), m_interval(interval), m_wal_limit(wal_limit_bytes), m_thread([this] { run(); }) {}

LastSeen::~LastSeen() {
  {
    const std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
  flush();
}

void LastSeen::note(const std::string& device_id, util::Date day) {
  const std::lock_guard lock(m_mutex);
  auto [it, added] = m_pending.emplace(device_id, day);
  if (!added && it->second < day) {
    it->second = day;
  }
}

bool LastSeen::pending() const {
  const std::lock_guard lock(m_mutex);
  return !m_pending.empty();
}

void LastSeen::flush() {
  const std::lock_guard writer(m_write_mutex);
  std::unordered_map<std::string, util::Date> taken;
  {
    const std::lock_guard lock(m_mutex);
    taken.swap(m_pending);
  }
  if (taken.empty()) {
    return;
  }
  const std::vector<std::pair<std::string, util::Date>> seen(taken.begin(), taken.end());
  auto catalog = catalog::thread_catalog(m_catalog);
  auto written = catalog ? (*catalog)->record_last_seen(seen) : util::Result<void>(catalog.error());
  if (!written) {
    util::log::warning("last_seen_failed",
                       {{"devices", std::to_string(seen.size())}, {"error", written.error().message}});
    const std::lock_guard lock(m_mutex);
    for (const auto& [device, day] : taken) {
      auto [it, added] = m_pending.emplace(device, day);
      if (!added && it->second < day) {
        it->second = day;
      }
    }
  }
}

void LastSeen::bound_the_log() const {
  if (catalog::is_postgres_location(m_catalog)) {
    return; // PostgreSQL checkpoints its own log
  }
  std::error_code error;
  const auto size = std::filesystem::file_size(m_catalog + "-wal", error);
  if (error || size <= m_wal_limit) {
    return;
  }
  auto catalog = catalog::thread_catalog(m_catalog);
  const auto left = catalog ? (*catalog)->checkpoint() : util::Result<std::int64_t>(catalog.error());
  if (!left || *left != 0) {
    // Readers held on: the next pass tries again.
    util::log::warning("checkpoint_deferred",
                       {{"wal_bytes", std::to_string(size)}, {"error", !left ? left.error().message : "readers busy"}});
  }
}

void LastSeen::run() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_for(lock, m_interval, [this] { return m_stopping; });
    if (m_stopping) {
      break;
    }
    lock.unlock();
    flush();
    bound_the_log();
    lock.lock();
  }
}

} // namespace lifeline::server::service
