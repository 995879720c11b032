// The HTTP(S) listener: event-driven (Boost.Beast on Asio, OpenSSL for TLS) behind our Router.
// Connections wait for bytes without holding a thread; a request holds one of `threads` only
// while its handler runs. Every limit below bounds what one client can make the server hold.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/http/router.hpp"
#include "util/result.hpp"

namespace lifeline::server::http {

// docs/configuration.md gives each as a setting.
struct ServerLimits {
  std::size_t request_line_bytes = 8 * 1024;         // 414 beyond
  std::size_t header_bytes = 16 * 1024;              // the whole head, request line included: 431 beyond
  std::size_t header_fields = 100;                   // 431 beyond
  std::chrono::seconds header_timeout{10};           // from a request's first byte to its blank line
  std::size_t min_body_bytes_per_second = 16 * 1024; // averaged, after header_timeout's grace
  std::chrono::seconds idle_timeout{60};             // a kept-alive connection waiting for a request
  std::chrono::seconds send_timeout{60};             // a client that takes nothing of the answer this long
  std::size_t max_connections = 10'000;              // beyond: closed at once, never queued
  std::size_t max_connections_per_address = 256;     // beyond: closed at once (trusted proxies exempt)
  int listen_backlog = 1024;
  std::size_t max_ranges = 16; // a Range with more is answered with the whole file
};

struct ServerOptions {
  std::size_t threads = 16; // run handlers; connections themselves hold none
  std::size_t keep_alive_requests = 10'000;
  std::size_t max_body_bytes = 8 * 1024 * 1024;   // every request but uploads
  std::size_t max_upload_bytes = 8 * 1024 * 1024; // requests to upload_paths
  std::vector<std::string> upload_paths;
  std::optional<std::string> tls_certificate; // PEM files; both or neither
  std::optional<std::string> tls_private_key;
  bool log_requests = false; // one structured line per request (util/log.hpp)
  ServerLimits limits;
  std::vector<std::string> uncapped_addresses; // the reverse proxies in front: no per-address cap
  std::chrono::seconds drain_timeout{30};      // after stop(), requests in flight get this long
};

class HttpServer {
 public:
  HttpServer(const Router& router, ServerOptions options);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds `host:port` (port 0: any free port) and returns the port. An address in use is an
  // error naming it: two servers never share a port.
  util::Result<int> bind(const std::string& host, int port);
  // Serves until stop(); requests in flight finish first (at most drain_timeout).
  void run();
  // From any thread, any number of times.
  void stop();
  [[nodiscard]] bool tls() const;

  struct State;

 private:
  std::unique_ptr<State> m_state;
};

} // namespace lifeline::server::http
