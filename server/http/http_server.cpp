#include "server/http/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <utility>

#include <httplib.h>

#include "util/log.hpp"

namespace lifeline::server::http {

namespace {

HttpRequest to_request(const httplib::Request& in) {
  HttpRequest request;
  request.method = in.method;
  request.path = in.path;
  request.body = in.body;
  request.remote_address = in.remote_addr;
  // From the URL only: httplib also puts form-encoded body fields in `params`, and a body (a
  // login form's credential) has no business in the query.
  if (const auto mark = in.target.find('?'); mark != std::string::npos) {
    httplib::Params query;
    httplib::detail::parse_query_text(in.target.substr(mark + 1), query);
    for (const auto& [name, value] : query) {
      request.query.emplace(name, value);
    }
  }
  for (const auto& [name, part] : in.files) {
    request.parts.push_back(FormPart{part.name, part.filename, part.content_type, part.content});
  }
  for (const auto& [name, value] : in.headers) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    request.headers[lower] = value;
  }
  return request;
}

void write_response(const HttpResponse& response, httplib::Response& out);

// When the request being served on this worker thread arrived (set before routing).
thread_local std::chrono::steady_clock::time_point t_request_start;
// The bytes of the body streamed in pieces on this worker thread, for its log line.
thread_local std::uint64_t t_streamed_bytes = 0;

// The request line's path only: query strings are left out, as they may carry what a log should
// not keep. Headers (credentials, cookies) and bodies are never logged.
void log_request(const httplib::Request& in, const httplib::Response& out) {
  // A request refused before routing (malformed) has no start of its own: "-", never a stale one.
  std::string milliseconds = "-";
  if (t_request_start != std::chrono::steady_clock::time_point{}) {
    const auto elapsed = std::chrono::steady_clock::now() - std::exchange(t_request_start, {});
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(micros) / 1000.0);
    milliseconds = text;
  }
  auto length = out.body.empty() ? out.get_header_value("Content-Length") : std::to_string(out.body.size());
  if (length.empty() && t_streamed_bytes > 0) {
    length = std::to_string(std::exchange(t_streamed_bytes, 0));
  }
  util::log::write(out.status >= 500 ? util::log::Level::error : util::log::Level::info, "request",
                   {{"remote", in.remote_addr},
                    {"method", in.method},
                    {"path", in.path},
                    {"status", std::to_string(out.status)},
                    {"bytes", length.empty() ? "0" : length},
                    {"ms", milliseconds}});
}

std::string reason_phrase(int status) {
  static const std::map<int, std::string> k_phrases{
      {400, "Bad Request"},           {404, "Not Found"},
      {405, "Method Not Allowed"},    {408, "Request Timeout"},
      {413, "Content Too Large"},     {414, "URI Too Long"},
      {416, "Range Not Satisfiable"}, {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"}, {503, "Service Unavailable"}};
  const auto it = k_phrases.find(status);
  return it == k_phrases.end() ? "Error" : it->second;
}

void stream_file(const std::filesystem::path& file, const std::string& content_type, httplib::Response& out) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  auto stream = std::make_shared<std::ifstream>(file, std::ios::binary);
  if (ec || !*stream) {
    write_response(problem(404, "Not Found", "the file is gone"), out);
    return;
  }
  // A content provider with a known length: httplib answers Range requests (206) from it and
  // never reads the whole file into memory.
  out.set_content_provider(static_cast<std::size_t>(size), content_type,
                           [stream](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             char buffer[1 << 16];
                             stream->clear();
                             stream->seekg(static_cast<std::streamoff>(offset));
                             std::size_t left = length;
                             while (left > 0 && *stream) {
                               stream->read(buffer, static_cast<std::streamsize>(std::min(left, sizeof buffer)));
                               const auto got = static_cast<std::size_t>(stream->gcount());
                               if (got == 0 || !sink.write(buffer, got)) {
                                 return false;
                               }
                               left -= got;
                             }
                             return left == 0;
                           });
}

// A body made while it is sent: httplib asks for the next piece whenever it has sent the last
// one, so only one piece is held at a time. A failure, even a thrown one, closes the connection
// before the last chunk: the client sees a broken transfer, never a complete-looking body.
void stream_chunks(const BodyChunks& chunks, const std::string& content_type, httplib::Response& out) {
  t_streamed_bytes = 0;
  out.set_chunked_content_provider(content_type, [chunks](std::size_t, httplib::DataSink& sink) {
    std::string failure;
    try {
      const auto piece = chunks();
      if (piece && piece->empty()) {
        sink.done();
        return true;
      }
      if (piece) {
        t_streamed_bytes += piece->size();
        return sink.write(piece->data(), piece->size()); // false: the client went away
      }
      failure = piece.error().message;
    } catch (const std::exception& error) {
      failure = error.what();
    }
    util::log::error("stream_failed", {{"error", failure}});
    return false;
  });
}

void write_response(const HttpResponse& response, httplib::Response& out) {
  // A file answered 200 keeps httplib's unset status, so that a Range request gets its 206.
  if (!response.file || response.status != 200) {
    out.status = response.status;
  }
  for (const auto& [name, value] : response.headers) {
    out.set_header(name, value);
  }
  if (response.file) {
    stream_file(*response.file, response.content_type, out);
  } else if (response.chunks) {
    stream_chunks(response.chunks, response.content_type, out);
  } else {
    out.set_content(response.body, response.content_type);
  }
}

} // namespace

struct HttpServer::State {
  std::unique_ptr<httplib::Server> server;
  const Router& router;
  ServerOptions options;
  int socket = -1;
};

std::optional<HttpResponse> HttpServer::refuse_before_body(const httplib::Request& in) const {
  const auto& limits = m_state->options;
  const bool upload =
      std::find(limits.upload_paths.begin(), limits.upload_paths.end(), in.path) != limits.upload_paths.end();
  const auto limit = upload ? limits.max_upload_bytes : limits.max_body_bytes;
  if (in.has_header("Transfer-Encoding")) {
    return problem(411, "Length Required", "send the body with a Content-Length");
  }
  if (in.get_header_value_count("Content-Length") > 1) {
    return problem(400, "Bad Request", "more than one Content-Length");
  }
  const auto length = in.get_header_value("Content-Length");
  if (!length.empty()) {
    // Plain digits only: httplib's own parsing would accept "+N" or padding past our check.
    if (length.size() > 18 || !std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return problem(400, "Bad Request", "Content-Length must be a plain decimal number");
    }
    if (std::stoull(length) > limit) {
      return problem(413, "Content Too Large",
                     "the body has " + length + " bytes; this resource takes " + std::to_string(limit) + " at most");
    }
  }
  return upload ? m_state->router.admit(to_request(in)) : std::nullopt;
}

HttpServer::HttpServer(const Router& router, ServerOptions options)
    : m_state(std::make_unique<State>(State{nullptr, router, std::move(options), -1})) {
  auto& state = *m_state;
  if (state.options.tls_certificate && state.options.tls_private_key) {
    state.server = std::make_unique<httplib::SSLServer>(state.options.tls_certificate->c_str(),
                                                        state.options.tls_private_key->c_str());
  } else {
    state.server = std::make_unique<httplib::Server>();
  }
  auto& server = *state.server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(state.options.keep_alive_requests);
  server.set_payload_max_length(std::max(state.options.max_body_bytes, state.options.max_upload_bytes));
  // Before any body is read: a well-formed length within the route's limit, no unbounded chunked
  // bodies, and the route's gate (uploads authenticate first).
  server.set_pre_routing_handler([this](const httplib::Request& in, httplib::Response& out) {
    t_request_start = std::chrono::steady_clock::now();
    const auto refusal = refuse_before_body(in);
    if (!refusal) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    write_response(*refusal, out);
    out.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });
  // httplib's own errors (unknown method, URI too long...) get a problem document too.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& out) -> httplib::Server::HandlerResponse {
        if (out.body.empty()) {
          const auto response = problem(out.status, reason_phrase(out.status),
                                        "the request could not be handled (HTTP " + std::to_string(out.status) + ")");
          out.set_content(response.body, response.content_type);
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  if (state.options.log_requests) {
    server.set_logger(log_request);
  }
  const auto threads = state.options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  const auto handle = [this](const httplib::Request& in, httplib::Response& out) {
    write_response(m_state->router.dispatch(to_request(in)), out);
  };
  for (const char* pattern : {".*"}) {
    server.Get(pattern, handle);
    server.Post(pattern, handle);
    server.Put(pattern, handle);
    server.Delete(pattern, handle);
  }
  server.set_exception_handler([](const httplib::Request& in, httplib::Response& out, std::exception_ptr failure) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      what = error.what();
    } catch (...) {
    }
    util::log::error("internal_error", {{"method", in.method}, {"path", in.path}, {"error", what}});
    const auto response = problem(500, "Internal Server Error", "the request failed inside the server");
    out.status = 500;
    out.set_content(response.body, response.content_type);
  });
}

HttpServer::~HttpServer() = default;

util::Result<int> HttpServer::bind(const std::string& host, int port) {
  auto& server = *m_state->server;
  if (!server.is_valid()) {
    return util::make_error(util::ErrorKind::invalid_input, "the TLS certificate or key cannot be loaded");
  }
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return util::make_error(util::ErrorKind::io, "cannot listen on " + host + ":" + std::to_string(port));
  }
  return bound;
}

void HttpServer::run() {
  m_state->server->listen_after_bind();
}

void HttpServer::stop() {
  m_state->server->stop();
}

bool HttpServer::tls() const {
  return m_state->options.tls_certificate.has_value();
}

} // namespace lifeline::server::http
