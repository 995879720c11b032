// The HTTP(S) listener: cpp-httplib behind our Router, tuned as measured (TCP_NODELAY, long
// keep-alive, a sized thread pool, files streamed by a content provider with Range, bodies made
// while sent streamed with chunked transfer coding).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/http/router.hpp"
#include "util/result.hpp"

namespace httplib {
struct Request;
}

namespace lifeline::server::http {

struct ServerOptions {
  std::size_t threads = 16;
  std::size_t keep_alive_requests = 10'000;
  std::size_t max_body_bytes = 8 * 1024 * 1024;   // every request but uploads
  std::size_t max_upload_bytes = 8 * 1024 * 1024; // requests to upload_paths
  std::vector<std::string> upload_paths;
  std::optional<std::string> tls_certificate; // PEM files; both or neither
  std::optional<std::string> tls_private_key;
  bool log_requests = false; // one structured line per request (util/log.hpp)
};

class HttpServer {
 public:
  HttpServer(const Router& router, ServerOptions options);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds `host:port` (port 0: any free port) and returns the port.
  util::Result<int> bind(const std::string& host, int port);
  // Serves until stop(); in-flight requests finish first.
  void run();
  void stop();
  [[nodiscard]] bool tls() const;

 private:
  // Checked on the request head, before the body is read.
  [[nodiscard]] std::optional<HttpResponse> refuse_before_body(const httplib::Request& in) const;

  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace lifeline::server::http
