#include "tests/support/tampering_proxy.hpp"

#include <mutex>
#include <thread>

#include <httplib.h>

namespace lifeline::testing {

struct TamperingProxy::State {
  std::string upstream;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  Rewrite rewrite;
  std::vector<std::string> requests;
};

TamperingProxy::TamperingProxy(const std::string& upstream, Rewrite rewrite) : m_state(std::make_unique<State>()) {
  m_state->upstream = upstream;
  m_state->rewrite = std::move(rewrite);
  auto* state = m_state.get();
  const auto forward = [state](const httplib::Request& request, httplib::Response& response) {
    {
      std::lock_guard lock(state->mutex);
      const auto range = request.get_header_value("Range");
      state->requests.push_back(request.method + " " + request.path + (range.empty() ? "" : " range=" + range));
    }
    // The whole answer is fetched, rewritten, and only then cut to the Range asked for (by
    // cpp-httplib), so that a rewrite sees the file as the real server has it.
    httplib::Client client(state->upstream);
    httplib::Headers headers;
    if (request.has_header("Authorization")) {
      headers.emplace("Authorization", request.get_header_value("Authorization"));
    }
    const auto type = request.get_header_value("Content-Type");
    auto result = request.method == "POST" ? client.Post(request.path, headers, request.body, type)
                                           : client.Get(request.path, headers);
    ProxiedAnswer answer;
    if (result) {
      answer = {result->status, result->body, result->get_header_value("Content-Type")};
    } else {
      answer = {502, "", "text/plain"};
    }
    Rewrite current;
    {
      std::lock_guard lock(state->mutex);
      current = state->rewrite;
    }
    if (current) {
      current(request.path, answer);
    }
    if (answer.status != 200 || request.ranges.empty()) {
      response.status = answer.status; // left unset, cpp-httplib answers a Range with 206
    }
    response.set_content(answer.body, answer.content_type.empty() ? "application/octet-stream" : answer.content_type);
  };
  m_state->server.Get(".*", forward);
  m_state->server.Post(".*", forward);
  m_state->port = m_state->server.bind_to_any_port("127.0.0.1");
  m_state->thread = std::thread([state] { state->server.listen_after_bind(); });
}

TamperingProxy::~TamperingProxy() {
  m_state->server.stop();
  m_state->thread.join();
}

std::string TamperingProxy::base() const {
  return "http://127.0.0.1:" + std::to_string(m_state->port);
}

std::vector<std::string> TamperingProxy::requests() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->requests;
}

void TamperingProxy::set_rewrite(Rewrite rewrite) {
  std::lock_guard lock(m_state->mutex);
  m_state->rewrite = std::move(rewrite);
}

} // namespace lifeline::testing
