// Prometheus counters of the API (text exposition format 0.0.4): requests by route and status,
// a latency histogram per route, and entitlement decisions by kind, outcome and reason.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace lifeline::server::api {

class Metrics {
 public:
  void record_request(const std::string& method, const std::string& route, int status, double seconds);
  // kind: download, check-in, report, registration; reasons empty when allowed.
  void record_decision(const std::string& kind, bool allowed, const std::vector<std::string>& reasons);
  [[nodiscard]] std::string render() const;

  static constexpr std::array<double, 12> k_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

 private:
  struct Latency {
    std::array<std::uint64_t, k_buckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex m_mutex;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> m_requests;          // method, route, status
  std::map<std::pair<std::string, std::string>, Latency> m_latency;                       // method, route
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> m_decisions; // kind, decision, reason
};

} // namespace lifeline::server::api
