// serve: the HTTP(S) API on the data directory, until SIGTERM or SIGINT.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <ostream>
#include <thread>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "server/api/api.hpp"
#include "server/cli/command.hpp"
#include "server/cli/server_config.hpp"
#include "server/http/http_server.hpp"
#include "signing/repository/repository.hpp"
#include "util/log.hpp"

namespace lifeline::server::cli {

namespace {

// The serve command's own options; each one given overrides the configuration file's setting.
struct ServeOverrides {
  ServerConfig values;
  std::vector<std::pair<CLI::Option*, void (*)(ServerConfig&, const ServerConfig&)>> given;
  std::vector<std::pair<CLI::Option*, std::int64_t ServerConfig::*>> limits_given; // limit_settings()

  [[nodiscard]] ServerConfig apply(ServerConfig config) const {
    for (const auto& [option, copy] : given) {
      if (option->count() > 0) {
        copy(config, values);
      }
    }
    for (const auto& [option, field] : limits_given) {
      if (option->count() > 0) {
        config.*field = values.*field;
      }
    }
    return config;
  }
};

// One pass of `repository refresh`; its outcome goes to the log, never a secret.
void refresh_repository(const CommandContext& context, const util::Clock& clock) {
  auto repository = signing::Repository::open(context.data_dir);
  if (!repository) {
    return; // no repository yet: nothing to keep fresh
  }
  const auto refreshed = repository->refresh_expiring(clock.now_seconds());
  if (!refreshed) {
    util::log::error("repository_refresh_failed", {{"error", refreshed.error().message}});
    return;
  }
  for (const auto& line : *refreshed) {
    util::log::info("repository_refresh", {{"detail", line}});
  }
}

ExitCode serve(CommandContext& context, const ServeOverrides& overrides) {
  const auto options = overrides.apply(context.config != nullptr ? *context.config : ServerConfig{});
  if (const auto checked = check_server_config(options); !checked) {
    context.err << "lifeline-server: " << checked.error().message << '\n';
    return ExitCode::usage;
  }
  const auto colon = options.listen.rfind(':');
  const int port = std::stoi(options.listen.substr(colon + 1)); // checked above
  const auto host = options.listen.substr(0, colon);
  // SIGTERM and SIGINT are taken by one thread, so that shutdown is an ordinary stop().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  api::ApiContext api_context;
  api_context.data_dir = context.data_dir;
  api_context.catalog = context.catalog_location;
  if (context.fixed_date) {
    api_context.clock = std::make_shared<util::FixedClock>(context.at);
  }
  api_context.trusted_proxies = options.trusted_proxies;
  api_context.check_in_cache_bytes = static_cast<std::size_t>(options.check_in_cache_mib) << 20;
  api_context.last_seen_interval = std::chrono::seconds(options.last_seen_seconds);
  api_context.tls = !options.tls_certificate.empty();
  if (!options.accel_redirect.empty()) {
    api_context.accel_redirect_prefix = options.accel_redirect;
  }
  const auto router = api::make_router(api_context);
  http::ServerOptions server_options;
  server_options.threads = static_cast<std::size_t>(options.threads);
  server_options.max_upload_bytes = static_cast<std::size_t>(options.max_upload_mib) * 1024 * 1024;
  server_options.log_requests = options.log_requests;
  server_options.upload_paths = {"/v1/publish"};
  server_options.uncapped_addresses = options.trusted_proxies;
  auto& limits = server_options.limits;
  limits.request_line_bytes = static_cast<std::size_t>(options.max_request_line_bytes);
  limits.header_bytes = static_cast<std::size_t>(options.max_header_bytes);
  limits.header_fields = static_cast<std::size_t>(options.max_header_fields);
  limits.header_timeout = std::chrono::seconds(options.header_timeout_seconds);
  limits.min_body_bytes_per_second = static_cast<std::size_t>(options.min_body_bytes_per_second);
  limits.idle_timeout = std::chrono::seconds(options.idle_timeout_seconds);
  limits.send_timeout = std::chrono::seconds(options.send_timeout_seconds);
  limits.max_connections = static_cast<std::size_t>(options.max_connections);
  limits.max_connections_per_address = static_cast<std::size_t>(options.max_connections_per_address);
  limits.listen_backlog = static_cast<int>(options.listen_backlog);
  limits.max_ranges = static_cast<std::size_t>(options.max_ranges);
  if (!options.tls_certificate.empty()) {
    server_options.tls_certificate = options.tls_certificate;
    server_options.tls_private_key = options.tls_private_key;
  }
  http::HttpServer server(router, server_options);
  const auto bound = server.bind(host, port);
  if (!bound) {
    return report_error(context, bound.error());
  }
  const auto url = std::string(server.tls() ? "https" : "http") + "://" + host + ':' + std::to_string(*bound);
  util::log::info("started", {{"url", url},
                              {"data", context.data_dir.string()},
                              {"catalog", redacted_location(context.catalog_location)},
                              {"threads", std::to_string(options.threads)},
                              {"log_requests", options.log_requests ? "true" : "false"}});
  context.out << "listening on " << url << std::endl; // the line scripts wait for
  // Timestamp and snapshot expire within days: re-signed here, on a timer, while serving.
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread refresher([&]() {
    std::unique_lock lock(mutex);
    do {
      lock.unlock();
      refresh_repository(context, *api_context.clock); // at once too: the server may have been down
      lock.lock();
    } while (!wake.wait_for(lock, std::chrono::minutes(options.refresh_minutes), [&] { return stopping; }));
  });
  std::atomic<bool> finished = false;
  std::thread stopper([&server, &finished, signals]() {
    int received = 0;
    sigwait(&signals, &received);
    // A signal that comes before the listener runs would be lost: stop until it has stopped.
    while (!finished) {
      server.stop(); // stops accepting; requests in flight finish
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  server.run();
  finished = true;
  pthread_kill(stopper.native_handle(), SIGTERM); // wakes it if run() ended without a signal
  stopper.join();
  {
    const std::lock_guard lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  refresher.join();
  util::log::info("stopped", {{"url", url}});
  context.out << "stopped" << std::endl;
  return ExitCode::ok;
}

} // namespace

void add_serve_command(CLI::App& app, CommandSet& commands) {
  auto overrides = std::make_shared<ServeOverrides>();
  auto& values = overrides->values;
  auto* serve_app = app.add_subcommand("serve", "Serve the HTTP(S) API until SIGTERM");
  const auto add = [&](CLI::Option* option, void (*copy)(ServerConfig&, const ServerConfig&)) {
    overrides->given.emplace_back(option, copy);
    return option;
  };
  add(serve_app->add_option("--listen", values.listen, "HOST:PORT to listen on (port 0: any free port)"),
      [](ServerConfig& to, const ServerConfig& from) { to.listen = from.listen; });
  add(serve_app->add_option("--tls-cert", values.tls_certificate, "PEM certificate chain (HTTPS)"),
      [](ServerConfig& to, const ServerConfig& from) { to.tls_certificate = from.tls_certificate; });
  add(serve_app->add_option("--tls-key", values.tls_private_key, "PEM private key (HTTPS)"),
      [](ServerConfig& to, const ServerConfig& from) { to.tls_private_key = from.tls_private_key; });
  add(serve_app->add_option("--threads", values.threads, "Worker threads")->check(CLI::Range(1, 1024)),
      [](ServerConfig& to, const ServerConfig& from) { to.threads = from.threads; });
  add(serve_app->add_option("--accel-redirect", values.accel_redirect,
                            "Hand allowed payloads to nginx: X-Accel-Redirect: PREFIX/<target path> (docs/nginx.md)"),
      [](ServerConfig& to, const ServerConfig& from) { to.accel_redirect = from.accel_redirect; });
  add(serve_app->add_option("--trusted-proxy", values.trusted_proxies,
                            "Address of a reverse proxy whose X-Forwarded-For names the client (repeatable)"),
      [](ServerConfig& to, const ServerConfig& from) { to.trusted_proxies = from.trusted_proxies; });
  // The timestamp lives a day and is re-signed in its second half: at least every 12 hours.
  add(serve_app
          ->add_option("--refresh-minutes", values.refresh_minutes,
                       "Re-sign expiring timestamp, snapshot and roles this often")
          ->check(CLI::Range(1, 12 * 60)),
      [](ServerConfig& to, const ServerConfig& from) { to.refresh_minutes = from.refresh_minutes; });
  add(serve_app->add_option("--max-upload-mib", values.max_upload_mib, "Largest payload POST /v1/publish takes")
          ->check(CLI::Range(1, 64 * 1024)),
      [](ServerConfig& to, const ServerConfig& from) { to.max_upload_mib = from.max_upload_mib; });
  add(serve_app
          ->add_option("--check-in-cache-mib", values.check_in_cache_mib,
                       "Memory for what check-ins share between devices of a class")
          ->check(CLI::Range(1, 64 * 1024)),
      [](ServerConfig& to, const ServerConfig& from) { to.check_in_cache_mib = from.check_in_cache_mib; });
  add(serve_app
          ->add_option("--last-seen-seconds", values.last_seen_seconds,
                       "Write check-ins' last-seen days in batches this often")
          ->check(CLI::Range(1, 60)),
      [](ServerConfig& to, const ServerConfig& from) { to.last_seen_seconds = from.last_seen_seconds; });
  add(serve_app->add_flag("--log-requests", values.log_requests, "One structured log line per request"),
      [](ServerConfig& to, const ServerConfig& from) { to.log_requests = from.log_requests; });
  for (const auto& setting : limit_settings()) {
    std::string option = std::string("--") + setting.key;
    std::replace(option.begin(), option.end(), '_', '-');
    overrides->limits_given.emplace_back(serve_app->add_option(option, values.*setting.field, setting.help)
                                             ->check(CLI::Range(setting.low, setting.high)),
                                         setting.field);
  }
  commands.add(
      serve_app, [overrides](CommandContext& context) { return serve(context, *overrides); }, false);
}

} // namespace lifeline::server::cli
