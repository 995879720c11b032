// The server's own seam in front of the HTTP library: plain request and response values and a
// router, so handlers are tested without sockets and the library can be replaced.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lifeline::server::http {

struct HttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers; // names in lower case
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> params; // {name} segments matched by the router

  [[nodiscard]] std::string header(const std::string& lower_case_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  std::optional<std::filesystem::path> file; // streamed from disk (Range supported) instead of body
};

// RFC 9457 problem document; `reasons` carries Custom Support reason codes when there are any.
HttpResponse problem(int status, const std::string& title, const std::string& detail,
                     const std::vector<std::string>& reasons = {});

using Handler = std::function<HttpResponse(const HttpRequest&)>;

class Router {
 public:
  // `pattern` is a path with {name} segments; a last segment {name*} takes the rest of the path.
  void add(const std::string& method, const std::string& pattern, Handler handler);
  [[nodiscard]] HttpResponse dispatch(HttpRequest request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> m_routes;
};

} // namespace lifeline::server::http
