#include "server/http/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include <httplib.h>

namespace lifeline::server::http {

namespace {

HttpRequest to_request(const httplib::Request& in) {
  HttpRequest request;
  request.method = in.method;
  request.path = in.path;
  request.body = in.body;
  request.remote_address = in.remote_addr;
  for (const auto& [name, value] : in.params) {
    request.query.emplace(name, value);
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

void stream_file(const std::filesystem::path& file, const std::string& content_type, httplib::Response& out) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  auto stream = std::make_shared<std::ifstream>(file, std::ios::binary);
  if (ec || !*stream) {
    out.status = 404;
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

} // namespace

struct HttpServer::State {
  std::unique_ptr<httplib::Server> server;
  const Router& router;
  ServerOptions options;
  int socket = -1;
};

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
  // Before any body is read: each route's own limit, and no unbounded chunked bodies.
  server.set_pre_routing_handler([this](const httplib::Request& in, httplib::Response& out) {
    const auto& limits = m_state->options;
    const bool upload =
        std::find(limits.upload_paths.begin(), limits.upload_paths.end(), in.path) != limits.upload_paths.end();
    const auto limit = upload ? limits.max_upload_bytes : limits.max_body_bytes;
    const auto length = in.get_header_value("Content-Length");
    std::size_t declared = 0;
    const bool valid_length = !length.empty() && length.size() <= 19 &&
                              std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (valid_length) {
      declared = static_cast<std::size_t>(std::stoull(length));
    }
    std::optional<HttpResponse> refusal;
    if (in.has_header("Transfer-Encoding") && !upload) {
      refusal = problem(411, "Length Required", "send the body with a Content-Length");
    } else if (declared > limit) {
      refusal = problem(413, "Content Too Large",
                        "the body has " + length + " bytes; this resource takes " + std::to_string(limit) + " at most");
    }
    if (!refusal) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    out.status = refusal->status;
    out.set_content(refusal->body, refusal->content_type);
    out.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });
  const auto threads = state.options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  const auto handle = [this](const httplib::Request& in, httplib::Response& out) {
    const auto response = m_state->router.dispatch(to_request(in));
    // A file answered 200 keeps httplib's unset status, so that a Range request gets its 206.
    if (!response.file || response.status != 200) {
      out.status = response.status;
    }
    for (const auto& [name, value] : response.headers) {
      out.set_header(name, value);
    }
    if (response.file) {
      stream_file(*response.file, response.content_type, out);
    } else {
      out.set_content(response.body, response.content_type);
    }
  };
  for (const char* pattern : {".*"}) {
    server.Get(pattern, handle);
    server.Post(pattern, handle);
    server.Put(pattern, handle);
    server.Delete(pattern, handle);
  }
  server.set_exception_handler([](const httplib::Request&, httplib::Response& out, std::exception_ptr) {
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
