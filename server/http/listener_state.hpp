// Internal to the listener (http_server.cpp, connection.hpp): what every connection shares, and
// the count of open connections by client address that admission reads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/http/http_server.hpp"

namespace lifeline::server::http::detail {

class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virtual ~Connection() = default;
  // Server stopping: a connection waiting for its next request closes; one in a request ends
  // after its answer.
  virtual void drain() = 0;
};

class ListenerState {
 public:
  ListenerState(const Router& routes, ServerOptions settings) : router(routes), options(std::move(settings)) {}

  const Router& router;
  const ServerOptions options;
  std::atomic<bool> draining{false};

  // Admission: false when the server or this address is at its cap (the connection is then
  // closed at once). `id` identifies the connection until release().
  bool admit(const std::string& address, std::uint64_t& id);
  void attach(std::uint64_t id, const std::weak_ptr<Connection>& connection);
  void release(std::uint64_t id, const std::string& address);
  [[nodiscard]] std::size_t open_connections();
  // Every open connection, for drain().
  void for_each(const std::function<void(const std::shared_ptr<Connection>&)>& visit);

 private:
  std::mutex m_mutex;
  std::uint64_t m_next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> m_open;
  std::unordered_map<std::string, std::size_t> m_by_address;
};

} // namespace lifeline::server::http::detail
