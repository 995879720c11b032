#include "bench/fleet/http_connection.hpp"

#include <chrono>
#include <utility>

#include <curl/curl.h>

namespace lifeline::bench {

struct Connection::State {
  std::string base;
  CURL* handle = nullptr;
  curl_slist* headers = nullptr;
};

namespace {

struct Sink {
  Reply* reply;
  bool keep_body;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& sink = *static_cast<Sink*>(user);
  const auto bytes = size * count;
  sink.reply->bytes += bytes;
  if (sink.keep_body) {
    sink.reply->body.append(data, bytes);
  }
  return bytes;
}

} // namespace

void init_http() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

Connection::Connection(std::string base) : m_state(std::make_unique<State>()) {
  m_state->base = std::move(base);
  m_state->handle = curl_easy_init();
}

Connection::~Connection() {
  curl_slist_free_all(m_state->headers);
  curl_easy_cleanup(m_state->handle);
}

Reply Connection::get(const std::string& path, const std::string& token, const std::string& range, bool keep_body) {
  curl_easy_reset(m_state->handle);
  curl_slist_free_all(m_state->headers);
  m_state->headers = curl_slist_append(nullptr, ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(m_state->handle, CURLOPT_HTTPGET, 1L);
  if (!range.empty()) {
    curl_easy_setopt(m_state->handle, CURLOPT_RANGE, range.c_str());
  }
  return perform(path, keep_body);
}

Reply Connection::post(const std::string& path, const std::string& token, const std::string& json) {
  curl_easy_reset(m_state->handle);
  curl_slist_free_all(m_state->headers);
  m_state->headers = curl_slist_append(nullptr, ("Authorization: Bearer " + token).c_str());
  m_state->headers = curl_slist_append(m_state->headers, "Content-Type: application/json");
  curl_easy_setopt(m_state->handle, CURLOPT_POSTFIELDS, json.c_str());
  curl_easy_setopt(m_state->handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
  return perform(path, true);
}

Reply Connection::perform(const std::string& path, bool keep_body) {
  Reply reply;
  auto* handle = m_state->handle;
  const auto url = m_state->base + path;
  Sink sink{&reply, keep_body};
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, m_state->headers);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, 120L);
  const auto start = std::chrono::steady_clock::now();
  const auto code = curl_easy_perform(handle);
  reply.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (code != CURLE_OK) {
    reply.error = curl_easy_strerror(code);
    return reply;
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

} // namespace lifeline::bench
