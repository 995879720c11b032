#include "cli/contact_client.hpp"

#include <optional>

namespace lifeline::cli {

namespace {

constexpr std::size_t k_max_answer = 64 << 20;
constexpr std::uint64_t k_max_download = std::uint64_t{1} << 40; // an export of any fleet

signing::curl::HttpOptions options_for(const Session& session) {
  signing::curl::HttpOptions options;
  options.headers.push_back("Authorization: Bearer " + session.credential); // never logged
  return options;
}

} // namespace

ContactClient::ContactClient(Session session) : m_session(std::move(session)), m_fetcher(options_for(m_session)) {}

util::Result<std::string> ContactClient::get(const std::string& path) {
  return answer(path, m_fetcher.get(m_session.server + path, k_max_answer));
}

util::Result<std::string> ContactClient::post(const std::string& path, const std::string& json_body) {
  return answer(path, m_fetcher.post_json(m_session.server + path, json_body, k_max_answer));
}

util::Result<std::uint64_t> ContactClient::download(const std::string& path,
                                                    const std::function<util::Result<void>(std::string_view)>& sink) {
  std::uint64_t received = 0;
  std::optional<util::Error> refused; // the sink's own failure, kept with its kind
  const auto fetched = m_fetcher.fetch_stream(
      m_session.server + path, 0, k_max_download, [&](std::string_view bytes) -> signing::tuf::Result<void> {
        if (auto taken = sink(bytes); !taken) {
          refused = taken.error();
          return signing::tuf::make_error(signing::tuf::ErrorCode::local_io, taken.error().message);
        }
        received += bytes.size();
        return {};
      });
  if (refused) {
    return *refused;
  }
  if (!fetched) {
    // A refusal carries the server's problem document; a transfer cut short says so.
    const auto kind = fetched.error().code == signing::tuf::ErrorCode::not_found ? util::ErrorKind::not_found
                                                                                 : util::ErrorKind::invalid_input;
    auto message = fetched.error().message;
    if (const auto url = m_session.server + path + ": "; message.starts_with(url)) {
      message.erase(0, url.size());
    }
    return util::make_error(kind, path + " refused: " + message);
  }
  return received;
}

util::Result<std::string> ContactClient::answer(const std::string& path,
                                                const signing::tuf::Result<signing::curl::HttpFetcher::Reply>& reply) {
  if (!reply) {
    return util::make_error(util::ErrorKind::io, reply.error().message);
  }
  if (reply->status < 200 || reply->status > 299) {
    const auto kind = reply->status == 404 ? util::ErrorKind::not_found : util::ErrorKind::invalid_input;
    // A credential refused outright: revoked, or its contact no longer designated (CS-13).
    const std::string hint =
        reply->status == 401 ? " (the server no longer accepts this session's credential: lifeline login again)" : "";
    return util::make_error(kind, path + " refused: " + signing::curl::problem_summary(*reply) + hint);
  }
  return reply->body;
}

} // namespace lifeline::cli
