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
  long max_bytes_per_second = 0;    // bandwidth cap on what is received; 0: none
};

class HttpFetcher final : public tuf::Fetcher {
 public:
  explicit HttpFetcher(HttpOptions options = {});
  HttpFetcher(const HttpFetcher&) = delete;
  HttpFetcher& operator=(const HttpFetcher&) = delete;
  ~HttpFetcher() override;

  tuf::Result<std::string> fetch(const std::string& url, std::size_t max_bytes) override;
  // GET from `offset` on with a Range request; an answer that ignores the range (200) is
  // skipped up to the offset, so resuming is an optimisation, never a trust decision.
  tuf::Result<void> fetch_stream(const std::string& url, std::uint64_t offset, std::uint64_t max_bytes,
                                 const ByteSink& sink) override;

  // POSTs a JSON body on the same connection; any HTTP status is an answer (the caller reads
  // problem documents), only transport failures and oversize answers are errors.
  struct Reply {
    long status = 0;
    std::string body;
  };
  tuf::Result<Reply> post_json(const std::string& url, const std::string& body, std::size_t max_bytes);
  // GETs on the same connection; like post_json, any HTTP status is an answer.
  tuf::Result<Reply> get(const std::string& url, std::size_t max_bytes);

 private:
  // One request on the reused connection: GET, or POST of `json_body` when given.
  tuf::Result<Reply> exchange(const std::string& url, std::size_t max_bytes, const std::string* json_body);
  // Resets the handle for `url` with the options every request shares.
  void prepare(const std::string& url, std::size_t (*write)(char*, std::size_t, std::size_t, void*), void* sink,
               std::uint64_t max_bytes);

  struct State;
  std::unique_ptr<State> m_state;
};

// "HTTP 403: detail REASON REASON" from an RFC 9457 problem answer, for errors people act on.
std::string problem_summary(const HttpFetcher::Reply& reply);

} // namespace lifeline::signing::curl
