// HTTP(S) fetching with libcurl: one reused connection, timeouts, a byte cap enforced while
// receiving (never after), proxies from the environment, an optional CA bundle.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "signing/tuf/fetcher.hpp"

namespace lifeline::signing::curl {

struct HttpOptions {
  long connect_timeout_seconds = 15;
  long low_speed_seconds = 30; // abort a transfer slower than 1 byte/s for this long
  std::optional<std::string> ca_bundle;
  std::vector<std::string> headers; // e.g. "Authorization: Bearer ..." (never logged)
};

class HttpFetcher final : public tuf::Fetcher {
 public:
  explicit HttpFetcher(HttpOptions options = {});
  HttpFetcher(const HttpFetcher&) = delete;
  HttpFetcher& operator=(const HttpFetcher&) = delete;
  ~HttpFetcher() override;

  tuf::Result<std::string> fetch(const std::string& url, std::size_t max_bytes) override;

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace lifeline::signing::curl
