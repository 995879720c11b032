#include "server/http/router.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

namespace lifeline::server::http {

namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  return segments;
}

} // namespace

std::string HttpRequest::header(const std::string& lower_case_name) const {
  const auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

const FormPart* HttpRequest::part(const std::string& name) const {
  const auto it = std::find_if(parts.begin(), parts.end(), [&](const FormPart& p) { return p.name == name; });
  return it == parts.end() ? nullptr : &*it;
}

HttpResponse problem(int status, const std::string& title, const std::string& detail,
                     const std::vector<std::string>& reasons) {
  nlohmann::ordered_json document{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}};
  if (!reasons.empty()) {
    document["reasons"] = reasons;
  }
  return HttpResponse{status,
                      "application/problem+json",
                      document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
                      {},
                      {},
                      {}};
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  m_routes.push_back(Route{method, pattern, split(pattern), std::move(handler)});
}

void Router::gate(const std::string& method, const std::string& path, Gate gate) {
  m_gates[method + " " + path] = std::move(gate);
}

std::optional<HttpResponse> Router::admit(const HttpRequest& head) const {
  const auto gate = m_gates.find(head.method + " " + head.path);
  return gate == m_gates.end() ? std::nullopt : gate->second(head);
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& route : m_routes) {
    all.emplace_back(route.method, route.pattern);
  }
  return all;
}

HttpResponse Router::dispatch(HttpRequest request) const {
  const auto start = std::chrono::steady_clock::now();
  std::string pattern;
  auto response = route(request, pattern);
  if (m_observer) {
    m_observer(request.method, pattern, response.status,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return response;
}

HttpResponse Router::route(HttpRequest& request, std::string& matched_pattern) const {
  if (request.path.empty() || request.path.front() != '/') {
    return problem(400, "Bad Request", "the path must start with /");
  }
  const auto segments = split(request.path);
  bool path_known = false;
  std::vector<std::string> allowed; // methods of the routes whose pattern matches, for Allow
  for (const auto& route : m_routes) {
    std::map<std::string, std::string> params;
    bool matched = true;
    std::size_t i = 0;
    for (; i < route.segments.size() && matched; ++i) {
      const auto& pattern = route.segments[i];
      const bool variable = pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}';
      if (variable && pattern[pattern.size() - 2] == '*') {
        std::string rest;
        for (std::size_t j = i; j < segments.size(); ++j) {
          rest += (j == i ? "" : "/") + segments[j];
        }
        params[pattern.substr(1, pattern.size() - 3)] = rest;
        matched = !rest.empty();
        i = segments.size();
        break;
      }
      if (i >= segments.size()) {
        matched = false;
      } else if (variable) {
        params[pattern.substr(1, pattern.size() - 2)] = segments[i];
        matched = !segments[i].empty();
      } else {
        matched = pattern == segments[i];
      }
    }
    if (!matched || i != segments.size()) {
      continue;
    }
    path_known = true;
    allowed.push_back(route.method);
    if (route.method == "GET") {
      allowed.emplace_back("HEAD");
    }
    // HEAD is GET without the body, which the listener leaves out (RFC 9110 section 9.3.2).
    if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
      request.params = std::move(params);
      matched_pattern = route.pattern;
      return route.handler(request);
    }
  }
  if (!path_known) {
    return problem(404, "Not Found", "no resource at " + request.path);
  }
  auto refusal = problem(405, "Method Not Allowed", request.method + " is not allowed on " + request.path);
  std::string allow;
  for (const auto& method : allowed) {
    if (allow.find(method) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + method;
    }
  }
  refusal.headers["Allow"] = allow;
  return refusal;
}

} // namespace lifeline::server::http
