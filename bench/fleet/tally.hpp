// What one phase of the fleet driver saw: answers by status, transport failures, latencies.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "bench/fleet/http_connection.hpp"

namespace lifeline::bench {

class Tally {
 public:
  void add(const Reply& reply);
  // A check the phase makes on an answer (a signed statement, an offered update...).
  void count(const std::string& name, std::size_t n = 1);

  [[nodiscard]] std::size_t answered(long status) const;
  [[nodiscard]] std::size_t counted(const std::string& name) const;
  [[nodiscard]] std::size_t answers() const;  // requests that got an answer
  [[nodiscard]] std::size_t requests() const; // answered or not

  // One line the scripts read: "RESULT phase requests=.. seconds=.. rate=.. p50_ms=.. p99_ms=..
  // status_201=.. failed=.. <counts>".
  void print(const std::string& phase, double seconds) const;

 private:
  mutable std::mutex m_mutex;
  std::vector<double> m_latencies;
  std::map<long, std::size_t> m_statuses;
  std::map<std::string, std::size_t> m_counts;
  std::size_t m_failed = 0;
  std::string m_first_failure;
};

} // namespace lifeline::bench
