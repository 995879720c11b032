#include "signing/curl/http_fetcher.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>
#include <optional>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

namespace lifeline::signing::curl {

namespace {

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Sink {
  std::string bytes;
  std::size_t max_bytes = 0;
  bool overflow = false;
};

std::size_t write_to_sink(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const auto bytes = size * count;
  if (sink->bytes.size() + bytes > sink->max_bytes) {
    sink->overflow = true;
    return 0; // aborts the transfer: endless data stops here
  }
  sink->bytes.append(data, bytes);
  return bytes;
}

// A streamed GET: bytes go to the caller's sink once the status says they are the file's.
struct Stream {
  CURL* handle = nullptr;
  std::uint64_t offset = 0;    // the first byte the caller wants
  std::uint64_t max_bytes = 0; // counted from the start of the file
  const tuf::Fetcher::ByteSink* sink = nullptr;
  long status = 0;
  std::optional<std::uint64_t> range_start; // from Content-Range, on a 206
  std::uint64_t position = 0;               // where in the file the next byte received sits
  bool overflow = false;
  std::optional<tuf::Error> refused; // the sink's own error, or a range that is not the one asked for
  std::string error_body;            // the start of an error answer (its problem document)
};

// Content-Range: bytes START-END/TOTAL, the only header a streamed GET reads.
std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* stream = static_cast<Stream*>(user);
  const std::string_view line(data, size * count);
  constexpr std::string_view k_name = "content-range: bytes ";
  if (line.size() > k_name.size() && std::equal(k_name.begin(), k_name.end(), line.begin(), [](char a, char b) {
        return a == static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
      })) {
    std::uint64_t start = 0;
    const auto digits = line.substr(k_name.size());
    if (std::from_chars(digits.data(), digits.data() + digits.size(), start).ec == std::errc()) {
      stream->range_start = start;
    }
  }
  return size * count;
}

std::size_t write_to_stream(char* data, std::size_t size, std::size_t count, void* user) {
  auto* stream = static_cast<Stream*>(user);
  const auto bytes = size * count;
  if (stream->status == 0) {
    curl_easy_getinfo(stream->handle, CURLINFO_RESPONSE_CODE, &stream->status);
    if (stream->status == 206 && stream->range_start != stream->offset) {
      stream->refused =
          tuf::make_error(tuf::ErrorCode::length_or_hash,
                          "the server answered another range than bytes=" + std::to_string(stream->offset) + "-");
      return 0;
    }
    stream->position = stream->status == 206 ? stream->offset : 0;
  }
  if (stream->status != 200 && stream->status != 206) {
    constexpr std::size_t k_kept = 4096; // enough for a problem document's detail and reasons
    stream->error_body.append(data, std::min(bytes, k_kept - std::min(k_kept, stream->error_body.size())));
    return bytes;
  }
  std::string_view chunk(data, bytes);
  if (stream->position < stream->offset) { // a 200 that ignored the range: skip what we have
    const auto skipped = std::min<std::uint64_t>(stream->offset - stream->position, chunk.size());
    chunk.remove_prefix(static_cast<std::size_t>(skipped));
    stream->position += skipped;
  }
  if (stream->position + chunk.size() > stream->max_bytes) {
    stream->overflow = true;
    return 0; // aborts the transfer: never a byte beyond the limit
  }
  if (!chunk.empty()) {
    try { // nothing may unwind through libcurl's C frames
      if (auto taken = (*stream->sink)(chunk); !taken) {
        stream->refused = taken.error();
        return 0;
      }
    } catch (const std::exception& error) {
      stream->refused = tuf::make_error(tuf::ErrorCode::local_io, error.what());
      return 0;
    }
    stream->position += chunk.size();
  }
  return bytes;
}

} // namespace

struct HttpFetcher::State {
  std::unique_ptr<CURL, EasyDeleter> handle;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  HttpOptions options;
};

HttpFetcher::HttpFetcher(HttpOptions options) : m_state(std::make_unique<State>()) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  m_state->handle.reset(curl_easy_init());
  m_state->options = std::move(options);
  curl_slist* list = nullptr;
  for (const auto& header : m_state->options.headers) {
    list = curl_slist_append(list, header.c_str());
  }
  m_state->headers.reset(list);
}

HttpFetcher::~HttpFetcher() = default;

tuf::Result<std::string> HttpFetcher::fetch(const std::string& url, std::size_t max_bytes) {
  auto reply = exchange(url, max_bytes, nullptr);
  if (!reply) {
    return reply.error();
  }
  if (reply->status == 404 || reply->status == 403) {
    return tuf::make_error(tuf::ErrorCode::not_found, url + ": HTTP " + std::to_string(reply->status));
  }
  if (reply->status != 200) {
    return tuf::make_error(tuf::ErrorCode::download_failed, url + ": HTTP " + std::to_string(reply->status));
  }
  return std::move(reply->body);
}

tuf::Result<HttpFetcher::Reply> HttpFetcher::get(const std::string& url, std::size_t max_bytes) {
  return exchange(url, max_bytes, nullptr);
}

std::string problem_summary(const HttpFetcher::Reply& reply) {
  std::string text = "HTTP " + std::to_string(reply.status);
  const auto problem = nlohmann::json::parse(reply.body, nullptr, false);
  if (!problem.is_object()) {
    return text;
  }
  if (const auto detail = problem.find("detail"); detail != problem.end() && detail->is_string()) {
    text += ": " + detail->get<std::string>();
  }
  if (const auto reasons = problem.find("reasons"); reasons != problem.end() && reasons->is_array()) {
    for (const auto& reason : *reasons) {
      if (reason.is_string()) {
        text += " " + reason.get<std::string>();
      }
    }
  }
  return text;
}

tuf::Result<HttpFetcher::Reply> HttpFetcher::post_json(const std::string& url, const std::string& body,
                                                       std::size_t max_bytes) {
  return exchange(url, max_bytes, &body);
}

tuf::Result<HttpFetcher::Reply> HttpFetcher::exchange(const std::string& url, std::size_t max_bytes,
                                                      const std::string* json_body) {
  CURL* handle = m_state->handle.get();
  if (handle == nullptr) {
    return tuf::make_error(tuf::ErrorCode::download_failed, "libcurl could not start");
  }
  Sink sink;
  sink.max_bytes = max_bytes;
  prepare(url, write_to_sink, &sink, max_bytes);
  std::unique_ptr<curl_slist, SlistDeleter> post_headers;
  if (json_body != nullptr) {
    // The shared headers plus the body's type; the list lives until the request is done.
    curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
    for (const auto& header : m_state->options.headers) {
      list = curl_slist_append(list, header.c_str());
    }
    post_headers.reset(list);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, post_headers.get());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, json_body->c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body->size()));
  }
  const CURLcode rc = curl_easy_perform(handle);
  Reply reply;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.status);
  if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
    return tuf::make_error(tuf::ErrorCode::too_large, url + " sent more than " + std::to_string(max_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return tuf::make_error(tuf::ErrorCode::download_failed, url + ": " + curl_easy_strerror(rc));
  }
  reply.body = std::move(sink.bytes);
  return reply;
}

tuf::Result<void> HttpFetcher::fetch_stream(const std::string& url, std::uint64_t offset, std::uint64_t max_bytes,
                                            const ByteSink& sink) {
  CURL* handle = m_state->handle.get();
  if (handle == nullptr) {
    return tuf::make_error(tuf::ErrorCode::download_failed, "libcurl could not start");
  }
  Stream stream{handle, offset, max_bytes, &sink, 0, std::nullopt, 0, false, std::nullopt, {}};
  prepare(url, write_to_stream, &stream, max_bytes);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &stream);
  curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, 512L << 10); // payloads: fewer, larger writes
  const auto range = std::to_string(offset) + "-";
  if (offset > 0) {
    curl_easy_setopt(handle, CURLOPT_RANGE, range.c_str());
  }
  const CURLcode rc = curl_easy_perform(handle);
  if (stream.status == 0) { // no body came, so the callback never asked
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &stream.status);
  }
  if (stream.refused) {
    return *stream.refused;
  }
  if (stream.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
    return tuf::make_error(tuf::ErrorCode::too_large, url + " sent more than " + std::to_string(max_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return tuf::make_error(tuf::ErrorCode::download_failed, url + ": " + curl_easy_strerror(rc));
  }
  if (stream.status == 404 || stream.status == 403) {
    return tuf::make_error(tuf::ErrorCode::not_found, url + ": " + problem_summary({stream.status, stream.error_body}));
  }
  if (stream.status == 416 && offset > 0) {
    return tuf::make_error(tuf::ErrorCode::length_or_hash,
                           url + ": the server holds no byte past " + std::to_string(offset) + " (HTTP 416)");
  }
  if (stream.status != 200 && stream.status != 206) {
    return tuf::make_error(tuf::ErrorCode::download_failed,
                           url + ": " + problem_summary({stream.status, stream.error_body}));
  }
  return {};
}

void HttpFetcher::prepare(const std::string& url, std::size_t (*write)(char*, std::size_t, std::size_t, void*),
                          void* sink, std::uint64_t max_bytes) {
  CURL* handle = m_state->handle.get();
  curl_easy_reset(handle); // keeps the connection cache: the next request reuses the connection
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, m_state->options.connect_timeout_seconds);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, m_state->options.low_speed_seconds);
  if (m_state->options.max_bytes_per_second > 0) {
    curl_easy_setopt(handle, CURLOPT_MAX_RECV_SPEED_LARGE,
                     static_cast<curl_off_t>(m_state->options.max_bytes_per_second));
  }
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "lifeline/0.1");
  if (m_state->headers) {
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, m_state->headers.get());
  }
  if (m_state->options.ca_bundle) {
    curl_easy_setopt(handle, CURLOPT_CAINFO, m_state->options.ca_bundle->c_str());
  }
  const auto max = static_cast<curl_off_t>(max_bytes);
  curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE, max);
}

} // namespace lifeline::signing::curl
