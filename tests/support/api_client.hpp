// A small HTTP client for the API tests: any method, headers, bodies, multipart, Range; the
// status, headers and body as they came.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lifeline::testing {

struct ApiReply {
  int status = 0; // 0: no answer (connection failed)
  std::string body;
  std::map<std::string, std::string> headers; // names in lower case
};

class ApiClient {
 public:
  // `base` is "http://127.0.0.1:PORT"; `token` goes in "Authorization: Bearer" when not empty.
  explicit ApiClient(std::string base, std::string token = "");

  ApiReply get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  ApiReply post(const std::string& path, const std::string& body,
                const std::string& content_type = "application/json") const;
  ApiReply put(const std::string& path, const std::string& body,
               const std::string& content_type = "application/json") const;
  // multipart/form-data: a "manifest" part and a "payload" file part.
  ApiReply publish(const std::string& manifest, const std::string& payload_name, const std::string& payload) const;
  // `bytes` written as they are on a new connection; the status line of the answer, or 0.
  [[nodiscard]] int raw_status(const std::string& bytes) const;
  ApiReply send(const std::string& method, const std::string& path, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers) const;

 private:
  std::string m_base;
  std::string m_token;
};

} // namespace lifeline::testing
