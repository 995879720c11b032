#include "server/http/http_server.hpp"

#include <sys/resource.h>

#include <openssl/ssl.h>

#include <thread>

#include "server/http/connection.hpp"

namespace lifeline::server::http {

namespace detail {

bool ListenerState::admit(const std::string& address, std::uint64_t& id) {
  const auto& limits = options.limits;
  const bool uncapped = std::find(options.uncapped_addresses.begin(), options.uncapped_addresses.end(), address) !=
                        options.uncapped_addresses.end();
  const std::scoped_lock lock(m_mutex);
  auto& from_address = m_by_address[address];
  if (m_open.size() >= limits.max_connections || (!uncapped && from_address >= limits.max_connections_per_address)) {
    if (from_address == 0) {
      m_by_address.erase(address);
    }
    return false;
  }
  ++from_address;
  id = ++m_next_id;
  m_open.emplace(id, std::weak_ptr<Connection>());
  return true;
}

void ListenerState::attach(std::uint64_t id, const std::weak_ptr<Connection>& connection) {
  const std::scoped_lock lock(m_mutex);
  m_open[id] = connection;
}

void ListenerState::release(std::uint64_t id, const std::string& address) {
  const std::scoped_lock lock(m_mutex);
  m_open.erase(id);
  if (const auto it = m_by_address.find(address); it != m_by_address.end() && --it->second == 0) {
    m_by_address.erase(it);
  }
}

std::size_t ListenerState::open_connections() {
  const std::scoped_lock lock(m_mutex);
  return m_open.size();
}

void ListenerState::for_each(const std::function<void(const std::shared_ptr<Connection>&)>& visit) {
  std::vector<std::shared_ptr<Connection>> open;
  {
    const std::scoped_lock lock(m_mutex);
    for (const auto& [id, weak] : m_open) {
      if (auto connection = weak.lock()) {
        open.push_back(std::move(connection));
      }
    }
  }
  for (const auto& connection : open) {
    visit(connection);
  }
}

} // namespace detail

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// One io_context per thread, each run by that thread alone (no locking inside Asio): a
// connection lives on one of them, and a handler that blocks (a commit waiting for the disk)
// holds up only the connections of its own context. New connections go to the context with the
// fewest.
struct HttpServer::State {
  State(const Router& router, ServerOptions options)
      : shared(std::make_shared<detail::ListenerState>(router, std::move(options))) {
    const auto count = std::max<std::size_t>(shared->options.threads, 1);
    for (std::size_t i = 0; i < count; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
      load.push_back(std::make_shared<std::atomic<std::size_t>>(0));
    }
    acceptor.emplace(*contexts.front());
    drain_timer.emplace(*contexts.front());
  }

  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<std::shared_ptr<std::atomic<std::size_t>>> load; // open connections by context
  std::shared_ptr<detail::ListenerState> shared;
  std::optional<net::ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> drain_timer;
  std::atomic<bool> stopping{false};
  std::chrono::steady_clock::time_point drain_deadline;
  std::uint64_t refused = 0;

  std::size_t least_loaded() const;
  void accept();
  void start(tcp::socket socket, std::size_t context);
  void drain_tick();
};

std::size_t HttpServer::State::least_loaded() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < load.size(); ++i) {
    if (load[i]->load() < load[best]->load()) {
      best = i;
    }
  }
  return best;
}

void HttpServer::State::accept() {
  const auto context = least_loaded();
  acceptor->async_accept(*contexts[context], [this, context](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) {
      return;
    }
    if (ec) { // out of descriptors, say: wait a moment rather than spin
      util::log::error("accept_failed", {{"error", ec.message()}});
      auto pause = std::make_shared<net::steady_timer>(*contexts.front(), std::chrono::milliseconds(50));
      pause->async_wait([this, pause](beast::error_code) { accept(); });
      return;
    }
    try {
      start(std::move(socket), context);    // counted on its context before the next accept chooses one
    } catch (const std::exception& error) { // out of memory, a TLS stream that cannot be made
      util::log::error("connection_failed", {{"error", error.what()}});
    }
    accept(); // whatever happened to this connection, the next one is accepted
  });
}

void HttpServer::State::start(tcp::socket socket, std::size_t context) {
  beast::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) {
    return;
  }
  auto address = peer.address().to_string();
  std::uint64_t id = 0;
  if (stopping || !shared->admit(address, id)) {
    ++refused; // closed at once: a full server never queues a connection it cannot serve
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  // Counted on its context while it lives (the session holds the counter).
  auto counted = std::shared_ptr<void>(nullptr, [counter = load[context]](void*) { --*counter; });
  ++*load[context];
  // Until a session owns it, the admitted slot is released here should anything below throw.
  struct Slot {
    detail::ListenerState& shared;
    std::uint64_t id;
    const std::string& address;
    bool owned = false;
    ~Slot() {
      if (!owned) {
        shared.release(id, address);
      }
    }
  } slot{*shared, id, address};
  std::shared_ptr<detail::Connection> connection;
  if (tls) {
    auto session = std::make_shared<detail::Session<detail::TlsStream>>(
        detail::TlsStream(beast::tcp_stream(std::move(socket)), *tls), shared, address, id, counted);
    slot.owned = true;
    connection = session;
    shared->attach(id, connection);
    net::post(*contexts[context], [session] { session->start(); });
  } else {
    auto session = std::make_shared<detail::Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), shared,
                                                                        address, id, counted);
    slot.owned = true;
    connection = session;
    shared->attach(id, connection);
    net::post(*contexts[context], [session] { session->start(); });
  }
}

// While draining: the io_context stops once every connection has closed, or at the deadline.
void HttpServer::State::drain_tick() {
  if (shared->open_connections() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
    for (auto& context : contexts) {
      context->stop();
    }
    return;
  }
  drain_timer->expires_after(std::chrono::milliseconds(20));
  drain_timer->async_wait([this](beast::error_code ec) {
    if (!ec) {
      drain_tick();
    }
  });
}

HttpServer::HttpServer(const Router& router, ServerOptions options)
    : m_state(std::make_unique<State>(router, std::move(options))) {}

HttpServer::~HttpServer() {
  beast::error_code ignored;
  m_state->acceptor->close(ignored); // run() has returned (or never ran): nothing else uses it
}

namespace {

// TLS 1.2 and 1.3 only; for 1.2, forward-secret AEAD suites only (docs/configuration.md).
util::Result<void> configure_tls(net::ssl::context& context, const std::string& certificate,
                                 const std::string& private_key) {
  context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                      net::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(context.native_handle(),
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                          "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  beast::error_code ec;
  context.use_certificate_chain_file(certificate, ec);
  if (!ec) {
    context.use_private_key_file(private_key, net::ssl::context::pem, ec);
  }
  if (ec) {
    return util::make_error(util::ErrorKind::invalid_input,
                            "the TLS certificate or key cannot be loaded: " + ec.message());
  }
  return {};
}

// Each connection holds a descriptor: the soft limit (often 1,024) is raised toward the hard
// one so that max_connections can be reached.
void raise_descriptor_limit(std::size_t connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  const rlim_t wanted = std::min<rlim_t>(limit.rlim_max, static_cast<rlim_t>(connections) + 1024);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = wanted;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < connections + 64) {
    util::log::info("descriptor_limit",
                    {{"limit", std::to_string(limit.rlim_cur)}, {"max_connections", std::to_string(connections)}});
  }
}

} // namespace

util::Result<int> HttpServer::bind(const std::string& host, int port) {
  auto& state = *m_state;
  const auto& options = state.shared->options;
  const std::string where = host + ":" + std::to_string(port);
  if (options.tls_certificate && options.tls_private_key) {
    state.tls.emplace(net::ssl::context::tls_server);
    if (auto configured = configure_tls(*state.tls, *options.tls_certificate, *options.tls_private_key); !configured) {
      return configured.error();
    }
  }
  beast::error_code ec;
  tcp::resolver resolver(*state.contexts.front());
  const auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return util::make_error(util::ErrorKind::invalid_input, "cannot listen on " + where + ": " + ec.message());
  }
  const auto endpoint = endpoints.begin()->endpoint();
  state.acceptor->open(endpoint.protocol(), ec);
  // SO_REUSEADDR, not SO_REUSEPORT: a restart may take over a port in TIME_WAIT, but a second
  // server on a port in use is refused (EADDRINUSE).
  if (!ec) {
    state.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    state.acceptor->bind(endpoint, ec);
  }
  if (!ec) {
    state.acceptor->listen(options.limits.listen_backlog, ec);
  }
  if (ec) {
    beast::error_code ignored;
    state.acceptor->close(ignored);
    return util::make_error(util::ErrorKind::io, "cannot listen on " + where + ": " + ec.message());
  }
  return static_cast<int>(state.acceptor->local_endpoint().port());
}

void HttpServer::run() {
  auto& state = *m_state;
  raise_descriptor_limit(state.shared->options.limits.max_connections);
  if (!state.stopping) {
    state.accept();
  }
  // Each context has work until stop(), so that an idle one does not return.
  std::vector<std::unique_ptr<net::executor_work_guard<net::io_context::executor_type>>> busy;
  for (auto& context : state.contexts) {
    busy.push_back(std::make_unique<net::executor_work_guard<net::io_context::executor_type>>(context->get_executor()));
  }
  // A handler that throws loses its connection, never the thread and its other connections.
  const auto serve = [](net::io_context& context) {
    for (;;) {
      try {
        context.run();
        return;
      } catch (const std::exception& error) {
        util::log::error("internal_error", {{"error", error.what()}});
      }
    }
  };
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < state.contexts.size(); ++i) {
    others.emplace_back([&state, i, serve] { serve(*state.contexts[i]); });
  }
  serve(*state.contexts.front());
  for (auto& thread : others) {
    thread.join();
  }
}

void HttpServer::stop() {
  // A plain pointer: the contexts belong to the state, so a closure owning it could never be
  // destroyed; the state outlives run(), which is the only time the closure can run.
  auto* state = m_state.get();
  if (state->stopping.exchange(true)) {
    return;
  }
  net::post(*state->contexts.front(), [state] {
    beast::error_code ignored;
    state->acceptor->close(ignored);
    state->shared->draining = true;
    state->shared->for_each([](const std::shared_ptr<detail::Connection>& connection) { connection->drain(); });
    state->drain_deadline = std::chrono::steady_clock::now() + state->shared->options.drain_timeout;
    state->drain_tick();
  });
}

bool HttpServer::tls() const {
  return m_state->shared->options.tls_certificate.has_value();
}

} // namespace lifeline::server::http
