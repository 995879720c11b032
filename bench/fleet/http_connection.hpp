// One keep-alive HTTP connection of the fleet driver; libcurl stays in the .cpp.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace lifeline::bench {

struct Reply {
  long status = 0;  // 0: no answer (connection refused, reset, timed out)
  std::string body; // kept only when asked for
  std::size_t bytes = 0;
  double seconds = 0; // from the request's start to the last byte
  std::string error;  // the transport error when status is 0
};

class Connection {
 public:
  explicit Connection(std::string base);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // `range` is "0-1023" or empty; a payload's body is counted, not kept.
  Reply get(const std::string& path, const std::string& token, const std::string& range = "", bool keep_body = true);
  Reply post(const std::string& path, const std::string& token, const std::string& json);

 private:
  Reply perform(const std::string& path, bool keep_body);

  struct State;
  std::unique_ptr<State> m_state;
};

// curl_global_init, once, before any thread starts.
void init_http();

} // namespace lifeline::bench
