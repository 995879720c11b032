#include "cli/contact_client.hpp"

namespace lifeline::cli {

namespace {

constexpr std::size_t k_max_answer = 64 << 20;

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
