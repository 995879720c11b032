#include "bench/fleet/tally.hpp"

#include <algorithm>
#include <cstdio>

namespace lifeline::bench {

namespace {

double percentile(std::vector<double> sorted, double share) {
  if (sorted.empty()) {
    return 0;
  }
  std::sort(sorted.begin(), sorted.end());
  const auto index = static_cast<std::size_t>(share * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

} // namespace

void Tally::add(const Reply& reply) {
  const std::lock_guard lock(m_mutex);
  if (reply.status == 0) {
    if (m_failed++ == 0) {
      m_first_failure = reply.error;
    }
    return;
  }
  ++m_statuses[reply.status];
  m_latencies.push_back(reply.seconds);
}

void Tally::count(const std::string& name, std::size_t n) {
  const std::lock_guard lock(m_mutex);
  m_counts[name] += n;
}

std::size_t Tally::answered(long status) const {
  const std::lock_guard lock(m_mutex);
  const auto it = m_statuses.find(status);
  return it == m_statuses.end() ? 0 : it->second;
}

std::size_t Tally::counted(const std::string& name) const {
  const std::lock_guard lock(m_mutex);
  const auto it = m_counts.find(name);
  return it == m_counts.end() ? 0 : it->second;
}

std::size_t Tally::answers() const {
  const std::lock_guard lock(m_mutex);
  return m_latencies.size();
}

std::size_t Tally::requests() const {
  const std::lock_guard lock(m_mutex);
  return m_latencies.size() + m_failed;
}

void Tally::print(const std::string& phase, double seconds) const {
  const std::lock_guard lock(m_mutex);
  const auto answered = m_latencies.size();
  std::printf("RESULT %s requests=%zu seconds=%.3f rate=%.1f p50_ms=%.2f p99_ms=%.2f failed=%zu", phase.c_str(),
              answered + m_failed, seconds, seconds > 0 ? static_cast<double>(answered) / seconds : 0.0,
              percentile(m_latencies, 0.50) * 1000, percentile(m_latencies, 0.99) * 1000, m_failed);
  for (const auto& [status, n] : m_statuses) {
    std::printf(" status_%ld=%zu", status, n);
  }
  for (const auto& [name, n] : m_counts) {
    std::printf(" %s=%zu", name.c_str(), n);
  }
  std::printf("\n");
  if (m_failed > 0) {
    std::fprintf(stderr, "fleet_driver: %s: %zu requests got no answer, the first: %s\n", phase.c_str(), m_failed,
                 m_first_failure.c_str());
  }
  std::fflush(stdout);
}

} // namespace lifeline::bench
