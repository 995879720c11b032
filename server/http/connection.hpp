// Internal to http_server.cpp: one client connection, plain or TLS, from its first byte to its
// close. Requests are read one at a time, answered in order (pipelined ones wait in the buffer),
// and every wait has a deadline: idle, head, body (a minimum average rate) and send.
#pragma once

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/http/field_text.hpp"
#include "server/http/listener_state.hpp"
#include "server/http/multipart.hpp"
#include "server/http/request_head.hpp"
#include "server/http/response_plan.hpp"
#include "util/log.hpp"

namespace lifeline::server::http::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <typename Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool k_tls = std::is_same_v<Stream, TlsStream>;
  static constexpr std::size_t k_file_block = 64 * 1024;

 public:
  Session(Stream stream, std::shared_ptr<ListenerState> state, std::string address, std::uint64_t id,
          std::shared_ptr<void> counted)
      : m_stream(std::move(stream)), m_state(std::move(state)), m_limits(m_state->options.limits),
        m_address(std::move(address)), m_id(id), m_counted(std::move(counted)),
        m_buffer(std::max<std::size_t>(m_limits.header_bytes, k_file_block)),
        m_timer(beast::get_lowest_layer(m_stream).get_executor()) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() override { m_state->release(m_id, m_address); }

  void start() {
    if constexpr (k_tls) {
      lowest().expires_after(m_limits.header_timeout);
      m_stream.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) {
          self->wait_for_request();
        }
      });
    } else {
      wait_for_request();
    }
  }

  void drain() override {
    net::post(lowest().get_executor(), [self = this->shared_from_this()] {
      if (self->m_waiting) {
        self->lowest().cancel();
        beast::error_code ignored;
        self->lowest().socket().cancel(ignored);
      }
    });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(m_stream); }

  std::string_view buffered() const { return {static_cast<const char*>(m_buffer.data().data()), m_buffer.size()}; }

  // Between requests: only an idle deadline until the next request's first byte.
  void wait_for_request() {
    if (m_state->draining) {
      return close();
    }
    while (buffered().starts_with("\r\n")) { // RFC 9112 section 2.2: empty lines before a request
      m_buffer.consume(2);
    }
    if (m_buffer.size() > 0 && buffered() != "\r") { // a lone CR waits for its LF
      return begin_head();
    }
    m_waiting = true;
    m_buffer.shrink_to_fit(); // an idle connection holds no buffer
    if constexpr (!k_tls) {
      // Wait for readability without a buffer; the head is read once bytes are there.
      m_timer.expires_after(m_limits.idle_timeout);
      m_timer.async_wait([self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) {
          beast::error_code ignored;
          self->lowest().socket().cancel(ignored);
        }
      });
      return lowest().socket().async_wait(tcp::socket::wait_read,
                                          [self = this->shared_from_this()](beast::error_code ec) {
                                            self->m_waiting = false;
                                            self->m_timer.cancel();
                                            if (ec || self->m_state->draining) {
                                              return self->close();
                                            }
                                            self->begin_head();
                                          });
    }
    lowest().expires_after(m_limits.idle_timeout);
    m_stream.async_read_some(m_buffer.prepare(k_file_block),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                               self->m_waiting = false;
                               if (ec) {
                                 return self->close();
                               }
                               self->m_buffer.commit(n);
                               self->wait_for_request();
                             });
  }

  void begin_head() {
    m_request = HttpRequest{};
    m_keep_alive = false;
    m_http10 = false;
    m_started = Clock::now();
    lowest().expires_at(m_started + m_limits.header_timeout);
    read_head();
  }

  void read_head() {
    while (buffered().starts_with("\r\n")) { // empty lines before the request, however they arrived
      m_buffer.consume(2);
    }
    const auto end = buffered().find("\r\n\r\n");
    if (end != std::string_view::npos && end + 4 <= m_limits.header_bytes) {
      return on_head(end + 4);
    }
    if (m_buffer.size() >= m_limits.header_bytes) {
      const auto line = buffered().find("\r\n");
      if (line == std::string_view::npos || line > m_limits.request_line_bytes) {
        return refuse(414, "the request line is longer than " + std::to_string(m_limits.request_line_bytes) + " bytes");
      }
      return refuse(431, "the request head is longer than " + std::to_string(m_limits.header_bytes) + " bytes");
    }
    const auto room = std::min<std::size_t>(4096, m_limits.header_bytes - m_buffer.size());
    m_stream.async_read_some(m_buffer.prepare(room),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                               if (ec) {
                                 return self->close(); // gone, or the head's deadline passed
                               }
                               self->m_buffer.commit(n);
                               self->read_head();
                             });
  }

  void on_head(std::size_t head_size) {
    const auto raw = buffered().substr(0, head_size);
    if (raw.find("\r\n") > m_limits.request_line_bytes) {
      return refuse(414, "the request line is longer than " + std::to_string(m_limits.request_line_bytes) + " bytes");
    }
    if (const auto refusal = check_raw_head(raw)) {
      return refuse(refusal->status, refusal->detail);
    }
    m_parser.emplace();
    m_parser->eager(false);
    m_parser->header_limit(static_cast<std::uint32_t>(m_limits.header_bytes));
    m_parser->body_limit(std::numeric_limits<std::uint64_t>::max()); // the route's limit is set below
    beast::error_code ec;
    const auto used = m_parser->put(net::buffer(raw.data(), raw.size()), ec);
    if (ec || !m_parser->is_header_done()) {
      return refuse(400, "the request head is malformed (" + ec.message() + ")");
    }
    m_buffer.consume(used);
    const auto& head = m_parser->get();
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& field : head) {
      fields.emplace_back(lower_case({field.name_string().data(), field.name_string().size()}),
                          std::string(field.value()));
    }
    if (const auto refusal = check_fields(fields, m_limits.header_fields)) {
      return refuse(refusal->status, refusal->detail);
    }
    auto target = parse_target(std::string_view(head.target().data(), head.target().size()));
    if (!target) {
      return refuse(400, "the request target is not a valid path (origin-form, percent-escapes checked)");
    }
    m_request = HttpRequest{};
    m_request.method = std::string(head.method_string());
    m_request.path = std::move(target->path);
    m_request.query = std::move(target->query);
    m_request.remote_address = m_address;
    for (auto& [name, value] : fields) {
      auto [it, fresh] = m_request.headers.emplace(name, value);
      if (!fresh) {
        it->second += ", " + value; // a list field sent twice (RFC 9110 section 5.3)
      }
    }
    m_keep_alive = head.keep_alive();
    m_http10 = head.version() < 11;
    if (!m_http10 && !m_request.headers.contains("host")) {
      return refuse(400, "an HTTP/1.1 request must carry a Host field (RFC 9112 section 3.2)");
    }
    if (m_request.headers.contains("transfer-encoding")) {
      return refuse(411, "send the body with a Content-Length");
    }
    const auto& uploads = m_state->options.upload_paths;
    const bool upload = std::find(uploads.begin(), uploads.end(), m_request.path) != uploads.end();
    const auto limit = upload ? m_state->options.max_upload_bytes : m_state->options.max_body_bytes;
    const auto length = m_parser->content_length().value_or(0);
    if (length > limit) {
      return refuse(413, "the body has " + std::to_string(length) + " bytes; this resource takes " +
                             std::to_string(limit) + " at most");
    }
    m_parser->body_limit(limit);
    if (upload) {
      if (auto gate = guarded([&] { return m_state->router.admit(m_request); })) {
        return answer(std::move(*gate), true);
      }
    }
    const auto expect = m_request.header("expect");
    if (!expect.empty() && !beast::iequals(expect, "100-continue")) {
      return refuse(417, "only Expect: 100-continue is understood");
    }
    m_body_started = Clock::now();
    m_body_received = 0;
    if (!expect.empty() && !m_http10 && !m_parser->is_done() && m_buffer.size() == 0) {
      auto go_on = std::make_shared<const std::string>("HTTP/1.1 100 Continue\r\n\r\n");
      lowest().expires_after(m_limits.send_timeout);
      return net::async_write(m_stream, net::buffer(*go_on),
                              [self = this->shared_from_this(), go_on](beast::error_code write_ec, std::size_t) {
                                if (write_ec) {
                                  return self->close();
                                }
                                self->read_body();
                              });
    }
    read_body();
  }

  // The body must keep an average rate once header_timeout's grace has passed: the deadline of
  // the next read moves out with every byte received.
  void read_body() {
    if (m_parser->is_done()) {
      return handle();
    }
    const auto allowed = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
        static_cast<double>(m_body_received) /
        static_cast<double>(std::max<std::size_t>(m_limits.min_body_bytes_per_second, 1))));
    lowest().expires_at(m_body_started + m_limits.header_timeout + allowed);
    beast::http::async_read_some(m_stream, m_buffer, *m_parser,
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                   if (ec == beast::http::error::body_limit) {
                                     return self->refuse(413, "the body is larger than this resource takes");
                                   }
                                   if (ec) {
                                     return self->close(); // too slow, gone, or a malformed body
                                   }
                                   self->m_body_received += n;
                                   self->read_body();
                                 });
  }

  // What the router (or a gate) answers; a throw becomes a logged 500, never an escape from the
  // connection's handler.
  template <typename Body> auto guarded(Body body) -> decltype(body()) {
    try {
      return body();
    } catch (const std::exception& error) {
      util::log::error("internal_error",
                       {{"method", m_request.method}, {"path", m_request.path}, {"error", error.what()}});
      return problem(500, "Internal Server Error", "the request failed inside the server");
    }
  }

  void handle() {
    m_request.body = m_parser->release().body();
    if (media_type_is(m_request.header("content-type"), "multipart/form-data")) {
      auto parts = parse_form_data(m_request.header("content-type"), m_request.body);
      if (!parts) {
        return answer(problem(400, "Bad Request", parts.error().message), false);
      }
      m_request.parts = std::move(*parts);
      m_request.body.clear();
    }
    answer(guarded([&] { return m_state->router.dispatch(m_request); }), false);
  }

  // A refusal before the request could be read whole: answered, then the connection ends, as
  // what follows on it cannot be told apart from the rest of this request.
  void refuse(int status, const std::string& detail) {
    if (m_request.method.empty()) {
      m_request.method = "-";
    }
    answer(problem(status, reason_phrase(status), detail), true);
  }

  void answer(HttpResponse response, bool then_close) {
    ++m_served;
    const bool keep =
        m_keep_alive && !then_close && !m_state->draining && m_served < m_state->options.keep_alive_requests;
    PlanRequest how;
    how.head_only = m_request.method == "HEAD";
    // Range is defined for GET only; with If-Range the client holds a validator this server
    // never sends, so the condition is false and the whole file is the answer (RFC 9110 13.1.5).
    if (m_request.method == "GET" && !m_request.headers.contains("if-range")) {
      how.range = m_request.header("range");
    }
    how.keep_alive = keep;
    how.http10 = m_http10;
    how.max_ranges = m_limits.max_ranges;
    m_plan = plan_response(std::move(response), how);
    m_sent_body = 0;
    send_piece(0);
  }

  void send_piece(std::size_t index) {
    if (index == m_plan.pieces.size()) {
      return m_plan.chunks ? send_chunk() : finish(true);
    }
    auto& piece = m_plan.pieces[index];
    const auto next = [self = this->shared_from_this(), index](bool ok) {
      if (!ok) {
        return self->finish(false);
      }
      self->send_piece(index + 1);
    };
    if (!piece.file) {
      if (index > 0) {
        m_sent_body += piece.bytes.size();
      }
      return send_bytes(piece.bytes, next);
    }
    send_file(piece.offset, piece.length, index, next);
  }

  template <typename Next> void send_bytes(const std::string& bytes, Next next) {
    lowest().expires_after(m_limits.send_timeout);
    net::async_write(m_stream, net::buffer(bytes), [next](beast::error_code ec, std::size_t) { next(!ec); });
  }

  // A file range: sendfile(2) from the page cache on a plain connection, read and written in
  // blocks through TLS.
  template <typename Next> void send_file(std::uint64_t offset, std::uint64_t left, std::size_t index, Next next) {
    if (left == 0) {
      return next(true);
    }
    const int fd = m_plan.pieces[index].file->fd();
    if constexpr (!k_tls) {
      auto& socket = lowest().socket();
      beast::error_code ec;
      socket.native_non_blocking(true, ec);
      auto position = static_cast<off_t>(offset);
      const auto sent = ::sendfile(socket.native_handle(), fd, &position, std::min<std::uint64_t>(left, 1 << 20));
      if (sent > 0) {
        m_sent_body += static_cast<std::uint64_t>(sent);
        // Posted, not looped: other connections of this thread get their turn between blocks.
        return net::post(socket.get_executor(), [self = this->shared_from_this(), offset, left, sent, index, next] {
          self->send_file(offset + static_cast<std::uint64_t>(sent), left - static_cast<std::uint64_t>(sent), index,
                          next);
        });
      }
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        m_timer.expires_after(m_limits.send_timeout);
        m_timer.async_wait([self = this->shared_from_this()](beast::error_code timer_ec) {
          if (!timer_ec) {
            beast::error_code ignored;
            self->lowest().socket().cancel(ignored); // the client took nothing for send_timeout
          }
        });
        return socket.async_wait(tcp::socket::wait_write, [self = this->shared_from_this(), offset, left, index,
                                                           next](beast::error_code wait_ec) {
          self->m_timer.cancel();
          if (wait_ec) {
            return next(false);
          }
          self->send_file(offset, left, index, next);
        });
      }
      return next(false); // the client went away, or the file shrank
    } else {
      m_block.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left, k_file_block)));
      const auto got = ::pread(fd, m_block.data(), m_block.size(), static_cast<off_t>(offset));
      if (got <= 0) {
        return next(false);
      }
      m_block.resize(static_cast<std::size_t>(got));
      m_sent_body += static_cast<std::uint64_t>(got);
      lowest().expires_after(m_limits.send_timeout);
      net::async_write(
          m_stream, net::buffer(m_block),
          [self = this->shared_from_this(), offset, left, got, index, next](beast::error_code ec, std::size_t) {
            if (ec) {
              return next(false);
            }
            self->send_file(offset + static_cast<std::uint64_t>(got), left - static_cast<std::uint64_t>(got), index,
                            next);
          });
    }
  }

  // A body made while sent: a failure (even a thrown one) closes the connection before the last
  // chunk, so the client sees a broken transfer, never a complete-looking body.
  void send_chunk() {
    std::string failure;
    try {
      const auto piece = m_plan.chunks();
      if (piece) {
        char size[24];
        std::snprintf(size, sizeof size, "%zx\r\n", piece->size());
        if (m_http10) { // no chunked coding before HTTP/1.1: the pieces as they are, the close ends the body
          m_chunk = *piece;
        } else {
          m_chunk = piece->empty() ? std::string("0\r\n\r\n") : size + *piece + "\r\n";
        }
        m_sent_body += piece->size();
        const bool last = piece->empty();
        return send_bytes(m_chunk, [self = this->shared_from_this(), last](bool ok) {
          if (!ok || last) {
            return self->finish(ok);
          }
          self->send_chunk();
        });
      }
      failure = piece.error().message;
    } catch (const std::exception& error) {
      failure = error.what();
    }
    util::log::error("stream_failed", {{"error", failure}});
    finish(false);
  }

  void finish(bool sent) {
    log_request();
    const bool keep = sent && !m_plan.close;
    m_plan = ResponsePlan{};
    m_parser.reset();
    if (!keep) {
      return close();
    }
    wait_for_request();
  }

  void log_request() {
    if (!m_state->options.log_requests) {
      return;
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - m_started).count();
    char milliseconds[32];
    std::snprintf(milliseconds, sizeof milliseconds, "%.3f", static_cast<double>(micros) / 1000.0);
    util::log::write(m_plan.status >= 500 ? util::log::Level::error : util::log::Level::info, "request",
                     {{"remote", m_address},
                      {"method", m_request.method},
                      {"path", m_request.path},
                      {"status", std::to_string(m_plan.status)},
                      {"bytes", std::to_string(m_sent_body)},
                      {"ms", milliseconds}});
  }

  void close() {
    m_timer.cancel();
    if constexpr (k_tls) {
      lowest().expires_after(std::chrono::seconds(2));
      m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().close(ignored);
      });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      m_buffer.consume(m_buffer.size());
      linger(0);
    }
  }

  // A lingering close, as nginx does: closing with unread bytes would send a reset, which can
  // destroy the answer (a 413, a 431) before the client reads it. What still arrives is read
  // and dropped, at most 64 KiB for at most 2 s, then the connection is closed.
  void linger(std::size_t dropped) {
    lowest().expires_after(std::chrono::seconds(2));
    m_stream.async_read_some(m_buffer.prepare(4096),
                             [self = this->shared_from_this(), dropped](beast::error_code ec, std::size_t n) {
                               self->m_buffer.consume(self->m_buffer.size());
                               if (ec || dropped + n >= 64 * 1024) {
                                 return self->lowest().close();
                               }
                               self->linger(dropped + n);
                             });
  }

  Stream m_stream;
  std::shared_ptr<ListenerState> m_state;
  const ServerLimits& m_limits;
  std::string m_address;
  std::uint64_t m_id;
  std::shared_ptr<void> m_counted; // this connection's place in its context's count
  beast::flat_buffer m_buffer;
  net::steady_timer m_timer;
  std::optional<beast::http::request_parser<beast::http::string_body>> m_parser;
  HttpRequest m_request;
  ResponsePlan m_plan;
  std::string m_chunk;
  std::string m_block;
  Clock::time_point m_started{};
  Clock::time_point m_body_started{};
  std::size_t m_body_received = 0;
  std::uint64_t m_sent_body = 0;
  std::size_t m_served = 0;
  bool m_keep_alive = false;
  bool m_http10 = false;
  bool m_waiting = false;
};

} // namespace lifeline::server::http::detail
