// A misbehaving server for the agent's tests: it forwards every request to the real server and
// lets the test rewrite the answer (offer bytes the statement does not permit, replay old
// metadata, swap in another device's statement, cut or pad a payload), and it records what was
// asked for, so a test can prove that something was never requested.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lifeline::testing {

struct ProxiedAnswer {
  int status = 0;
  std::string body;
  std::string content_type;
};

class TamperingProxy {
 public:
  // Called with the request's path and the real server's answer, which it may change.
  using Rewrite = std::function<void(const std::string& path, ProxiedAnswer& answer)>;

  // `upstream` is "http://127.0.0.1:PORT".
  TamperingProxy(const std::string& upstream, Rewrite rewrite);
  TamperingProxy(const TamperingProxy&) = delete;
  TamperingProxy& operator=(const TamperingProxy&) = delete;
  ~TamperingProxy();

  [[nodiscard]] std::string base() const;
  // "METHOD PATH" of every request, with " range=..." when it asked for a Range.
  [[nodiscard]] std::vector<std::string> requests() const;
  void set_rewrite(Rewrite rewrite);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace lifeline::testing
