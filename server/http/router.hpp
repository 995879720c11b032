// The server's own seam in front of the HTTP library: plain request and response values and a
// router, so handlers are tested without sockets and the library can be replaced.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lifeline::server::http {

// One part of a multipart/form-data body.
struct FormPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string content;
};

struct HttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers; // names in lower case
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> params; // {name} segments matched by the router
  std::map<std::string, std::string> query;  // ?name=value, decoded; a repeated name keeps its first value
  std::vector<FormPart> parts;               // multipart/form-data

  [[nodiscard]] std::string header(const std::string& lower_case_name) const;
  [[nodiscard]] const FormPart* part(const std::string& name) const;
};

// A body made while it is sent, for answers too large to hold (whole-fleet exports): each call
// returns the next piece, "" once the body is complete, or an error, which cuts the answer short
// so that the client sees a broken transfer, never a complete-looking body. Only the piece being
// sent is held; the listener sends the pieces with chunked transfer coding.
using BodyChunks = std::function<util::Result<std::string>()>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  std::optional<std::filesystem::path> file; // streamed from disk (Range supported) instead of body
  BodyChunks chunks;                         // made while sent instead of body, when set
};

// Whether a Content-Type names `type` ("application/json"): type and subtype compared without
// case, parameters after ';' ignored, nothing else accepted ("application/jsonx" is not JSON).
bool media_type_is(std::string_view content_type, std::string_view type);

// The credential of "Authorization: Bearer TOKEN", the scheme in any case (RFC 9110 section
// 11.1); nullopt for another scheme or none.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// RFC 9457 problem document; `reasons` carries Custom Support reason codes when there are any.
HttpResponse problem(int status, const std::string& title, const std::string& detail,
                     const std::vector<std::string>& reasons = {});

using Handler = std::function<HttpResponse(const HttpRequest&)>;
// Runs on the request's line and headers, before its body is read: a refusal is answered at once.
using Gate = std::function<std::optional<HttpResponse>(const HttpRequest& head)>;

// Told of every dispatched request: method, route pattern ("" when none matched), status, seconds.
using Observer = std::function<void(const std::string& method, const std::string& route, int status, double seconds)>;

class Router {
 public:
  // `pattern` is a path with {name} segments; a last segment {name*} takes the rest of the path.
  void add(const std::string& method, const std::string& pattern, Handler handler);
  [[nodiscard]] HttpResponse dispatch(HttpRequest request) const;
  void observe(Observer observer) { m_observer = std::move(observer); }
  // A gate for one literal path (uploads: authenticate before accepting a large body).
  void gate(const std::string& method, const std::string& path, Gate gate);
  // The gate's answer for a request head, if its route has one.
  [[nodiscard]] std::optional<HttpResponse> admit(const HttpRequest& head) const;
  // METHOD and pattern of every route, in the order added (the OpenAPI test reads them).
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  [[nodiscard]] HttpResponse route(HttpRequest& request, std::string& pattern) const;

  std::vector<Route> m_routes;
  std::map<std::string, Gate> m_gates; // "METHOD path"
  Observer m_observer;
};

} // namespace lifeline::server::http
