#include "tests/support/api_client.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

namespace lifeline::testing {

namespace {

ApiReply reply_of(const httplib::Result& result) {
  ApiReply reply;
  if (!result) {
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  for (const auto& [name, value] : result->headers) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    reply.headers[lower] = value;
  }
  return reply;
}

} // namespace

ApiClient::ApiClient(std::string base, std::string token) : m_base(std::move(base)), m_token(std::move(token)) {
  // A server may answer and close before a request body is all sent (413): no SIGPIPE then.
  std::signal(SIGPIPE, SIG_IGN);
}

int ApiClient::raw_status(const std::string& bytes) const {
  const auto port = std::stoi(m_base.substr(m_base.rfind(':') + 1));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    char buffer[4096];
    ssize_t got = 0;
    while (answer.find("\r\n") == std::string::npos && (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
      answer.append(buffer, static_cast<std::size_t>(got));
    }
  }
  ::close(fd);
  // "HTTP/1.1 413 ..."
  return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0;
}

ApiReply ApiClient::send(const std::string& method, const std::string& path, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers) const {
  httplib::Client client(m_base);
  client.set_connection_timeout(10);
  client.set_read_timeout(60);
  httplib::Headers all;
  if (!m_token.empty()) {
    all.emplace("Authorization", "Bearer " + m_token);
  }
  std::string content_type;
  for (const auto& [name, value] : headers) {
    if (name == "Content-Type") {
      content_type = value;
    } else {
      all.emplace(name, value);
    }
  }
  if (method == "GET") {
    return reply_of(client.Get(path, all));
  }
  if (method == "HEAD") {
    return reply_of(client.Head(path, all));
  }
  if (method == "POST") {
    return reply_of(client.Post(path, all, body, content_type));
  }
  if (method == "PUT") {
    return reply_of(client.Put(path, all, body, content_type));
  }
  return reply_of(client.Delete(path, all, body, content_type));
}

ApiReply ApiClient::get(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& headers) const {
  return send("GET", path, "", headers);
}

ApiReply ApiClient::post(const std::string& path, const std::string& body, const std::string& content_type) const {
  return send("POST", path, body, {{"Content-Type", content_type}});
}

ApiReply ApiClient::put(const std::string& path, const std::string& body, const std::string& content_type) const {
  return send("PUT", path, body, {{"Content-Type", content_type}});
}

ApiReply ApiClient::publish(const std::string& manifest, const std::string& payload_name,
                            const std::string& payload) const {
  httplib::Client client(m_base);
  client.set_read_timeout(60);
  httplib::Headers headers;
  if (!m_token.empty()) {
    headers.emplace("Authorization", "Bearer " + m_token);
  }
  const httplib::MultipartFormDataItems items{{"manifest", manifest, "", "application/json"},
                                              {"payload", payload, payload_name, "application/octet-stream"}};
  return reply_of(client.Post("/v1/publish", headers, items));
}

} // namespace lifeline::testing
