#include "server/api/metrics.hpp"

#include <sstream>

namespace lifeline::server::api {

namespace {

// Label values are route patterns, methods and reason codes; escaped all the same.
std::string label(const std::string& value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
    }
    escaped += c == '\n' ? ' ' : c;
  }
  return escaped;
}

} // namespace

void Metrics::record_request(const std::string& method, const std::string& route, int status, double seconds) {
  const auto& name = route.empty() ? std::string("(none)") : route;
  const std::lock_guard lock(m_mutex);
  ++m_requests[{method, name, status}];
  auto& latency = m_latency[{method, name}];
  for (std::size_t i = 0; i < k_buckets.size(); ++i) {
    if (seconds <= k_buckets[i]) {
      ++latency.buckets[i];
    }
  }
  ++latency.count;
  latency.sum += seconds;
}

void Metrics::record_decision(const std::string& kind, bool allowed, const std::vector<std::string>& reasons) {
  const std::lock_guard lock(m_mutex);
  const std::string decision = allowed ? "allow" : "deny";
  if (reasons.empty()) {
    ++m_decisions[{kind, decision, ""}];
  }
  for (const auto& reason : reasons) {
    ++m_decisions[{kind, decision, reason}];
  }
}

std::string Metrics::render() const {
  const std::lock_guard lock(m_mutex);
  std::ostringstream out;
  out << "# HELP lifeline_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE lifeline_http_requests_total counter\n";
  for (const auto& [key, count] : m_requests) {
    const auto& [method, route, status] = key;
    out << "lifeline_http_requests_total{method=\"" << label(method) << "\",route=\"" << label(route) << "\",status=\""
        << status << "\"} " << count << '\n';
  }
  out << "# HELP lifeline_http_request_duration_seconds Time to handle a request, before the body is sent.\n"
      << "# TYPE lifeline_http_request_duration_seconds histogram\n";
  for (const auto& [key, latency] : m_latency) {
    const auto labels = "method=\"" + label(key.first) + "\",route=\"" + label(key.second) + "\"";
    for (std::size_t i = 0; i < k_buckets.size(); ++i) {
      out << "lifeline_http_request_duration_seconds_bucket{" << labels << ",le=\"" << k_buckets[i] << "\"} "
          << latency.buckets[i] << '\n';
    }
    out << "lifeline_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << latency.count << '\n'
        << "lifeline_http_request_duration_seconds_sum{" << labels << "} " << latency.sum << '\n'
        << "lifeline_http_request_duration_seconds_count{" << labels << "} " << latency.count << '\n';
  }
  out << "# HELP lifeline_decisions_total Entitlement decisions by kind, outcome and reason code.\n"
      << "# TYPE lifeline_decisions_total counter\n";
  for (const auto& [key, count] : m_decisions) {
    const auto& [kind, decision, reason] = key;
    out << "lifeline_decisions_total{kind=\"" << label(kind) << "\",decision=\"" << decision << "\",reason=\""
        << label(reason) << "\"} " << count << '\n';
  }
  return out.str();
}

} // namespace lifeline::server::api
