// The contact's HTTP client: the session's credential on every request over one reused libcurl
// connection; a refusal becomes an error carrying the server's detail and reason codes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "cli/session.hpp"
#include "signing/curl/http_fetcher.hpp"

namespace lifeline::cli {

class ContactClient {
 public:
  explicit ContactClient(Session session);

  // The body of a 2xx answer to `path` (e.g. "/v1/updates"); anything else is an error.
  util::Result<std::string> get(const std::string& path);
  util::Result<std::string> post(const std::string& path, const std::string& json_body);
  // Streams the body of a 2xx answer to `sink` as it arrives (exports), never holding it whole;
  // the number of bytes received.
  util::Result<std::uint64_t> download(const std::string& path,
                                       const std::function<util::Result<void>(std::string_view)>& sink);

  [[nodiscard]] const Session& session() const { return m_session; }
  signing::curl::HttpFetcher& fetcher() { return m_fetcher; }

 private:
  util::Result<std::string> answer(const std::string& path,
                                   const signing::tuf::Result<signing::curl::HttpFetcher::Reply>& reply);

  Session m_session;
  signing::curl::HttpFetcher m_fetcher;
};

} // namespace lifeline::cli
