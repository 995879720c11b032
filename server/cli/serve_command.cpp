// serve: the HTTP(S) API on the data directory, until SIGTERM or SIGINT.
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
#include "server/http/http_server.hpp"
#include "signing/repository/repository.hpp"

namespace lifeline::server::cli {

namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8443";
  std::string tls_certificate;
  std::string tls_private_key;
  std::size_t threads = 16;
  std::string accel_redirect;
  std::size_t max_upload_mib = 256;
  std::vector<std::string> trusted_proxies;
  std::int64_t refresh_minutes = 60;
};

// One pass of `repository refresh`; its outcome goes to the log, never a secret.
void refresh_repository(CommandContext& context, const util::Clock& clock) {
  auto repository = signing::Repository::open(context.data_dir);
  if (!repository) {
    return; // no repository yet: nothing to keep fresh
  }
  const auto refreshed = repository->refresh_expiring(clock.now_seconds());
  if (!refreshed) {
    context.err << "lifeline-server: repository refresh failed: " << refreshed.error().message << std::endl;
    return;
  }
  for (const auto& line : *refreshed) {
    context.out << "repository refresh: " << line << std::endl;
  }
}

ExitCode serve(CommandContext& context, const ServeOptions& options) {
  const auto colon = options.listen.rfind(':');
  int port = -1;
  try {
    port = colon == std::string::npos ? -1 : std::stoi(options.listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    context.err << "lifeline-server: --listen must be HOST:PORT, not " << options.listen << '\n';
    return ExitCode::usage;
  }
  const auto host = options.listen.substr(0, colon);
  if (options.tls_certificate.empty() != options.tls_private_key.empty()) {
    context.err << "lifeline-server: --tls-cert and --tls-key go together\n";
    return ExitCode::usage;
  }
  // SIGTERM and SIGINT are taken by one thread, so that shutdown is an ordinary stop().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  api::ApiContext api_context;
  api_context.data_dir = context.data_dir;
  if (context.fixed_date) {
    api_context.clock = std::make_shared<util::FixedClock>(context.at);
  }
  api_context.trusted_proxies = options.trusted_proxies;
  api_context.tls = !options.tls_certificate.empty();
  if (!options.accel_redirect.empty()) {
    api_context.accel_redirect_prefix = options.accel_redirect;
  }
  const auto router = api::make_router(api_context);
  http::ServerOptions server_options;
  server_options.threads = options.threads;
  server_options.max_upload_bytes = options.max_upload_mib * 1024 * 1024;
  server_options.upload_paths = {"/v1/publish"};
  if (!options.tls_certificate.empty()) {
    server_options.tls_certificate = options.tls_certificate;
    server_options.tls_private_key = options.tls_private_key;
  }
  http::HttpServer server(router, server_options);
  const auto bound = server.bind(host, port);
  if (!bound) {
    return report_error(context, bound.error());
  }
  context.out << "listening on " << (server.tls() ? "https" : "http") << "://" << host << ':' << *bound << std::endl;
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
  context.out << "stopped" << std::endl;
  return ExitCode::ok;
}

} // namespace

void add_serve_command(CLI::App& app, CommandSet& commands) {
  auto options = std::make_shared<ServeOptions>();
  auto* serve_app = app.add_subcommand("serve", "Serve the HTTP(S) API until SIGTERM");
  serve_app->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0: any free port)");
  serve_app->add_option("--tls-cert", options->tls_certificate, "PEM certificate chain (HTTPS)");
  serve_app->add_option("--tls-key", options->tls_private_key, "PEM private key (HTTPS)");
  serve_app->add_option("--threads", options->threads, "Worker threads")->check(CLI::Range(1, 1024));
  serve_app->add_option("--accel-redirect", options->accel_redirect,
                        "Hand allowed payloads to nginx: X-Accel-Redirect: PREFIX/<target path> (docs/nginx.md)");
  serve_app->add_option("--trusted-proxy", options->trusted_proxies,
                        "Address of a reverse proxy whose X-Forwarded-For names the client (repeatable)");
  serve_app
      ->add_option("--refresh-minutes", options->refresh_minutes,
                   "Re-sign expiring timestamp, snapshot and roles this often")
      ->check(CLI::Range(1, 12 * 60)); // the timestamp lives a day and is re-signed in its second half
  serve_app->add_option("--max-upload-mib", options->max_upload_mib, "Largest payload POST /v1/publish takes")
      ->check(CLI::Range(1, 64 * 1024));
  commands.add(
      serve_app, [options](CommandContext& context) { return serve(context, *options); }, false);
}

} // namespace lifeline::server::cli
