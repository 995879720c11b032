// The API's own router behind GNU libmicrohttpd instead of the server's Boost.Beast listener,
// for one measurement only: bench/fleet_bench.sh (FLEET_COMPARE_MHD=1) sends the same rotating
// check-ins to both, so the listener was chosen on the check-in path (docs/architecture.md).
// Bodies in memory only: no files, no TLS, no limits of its own. Not a way to run Lifeline.
// Usage: mhd_serve DATA_DIR PORT THREADS DATE
#include <csignal>
#include <cstdio>
#include <string>

#include <microhttpd.h>

#include "server/api/api.hpp"
#include "util/date.hpp"

namespace {

using lifeline::server::http::HttpRequest;
using lifeline::server::http::Router;

MHD_Result add_header(void* request, MHD_ValueKind, const char* name, const char* value) {
  std::string lower(name);
  for (auto& c : lower) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  static_cast<HttpRequest*>(request)->headers.emplace(lower, value != nullptr ? value : "");
  return MHD_YES;
}

MHD_Result answer(void* routes, MHD_Connection* connection, const char* url, const char* method, const char*,
                  const char* upload, std::size_t* upload_size, void** state) {
  if (*state == nullptr) { // the head: the body follows in later calls
    *state = new std::string();
    return MHD_YES;
  }
  auto* body = static_cast<std::string*>(*state);
  if (*upload_size > 0) {
    body->append(upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  HttpRequest request;
  request.method = method;
  request.path = url;
  request.body = std::move(*body);
  request.remote_address = "127.0.0.1";
  MHD_get_connection_values(connection, MHD_HEADER_KIND, add_header, &request);
  auto reply = static_cast<const Router*>(routes)->dispatch(std::move(request));
  auto* response = MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type", reply.content_type.c_str());
  for (const auto& [name, value] : reply.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  const auto queued = MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
  MHD_destroy_response(response);
  return queued;
}

void completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<std::string*>(*state);
  *state = nullptr;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fputs("usage: mhd_serve DATA_DIR PORT THREADS DATE\n", stderr);
    return 2;
  }
  const auto at = lifeline::util::Date::parse(argv[4]);
  if (!at) {
    std::fputs("mhd_serve: DATE must be YYYY-MM-DD\n", stderr);
    return 2;
  }
  lifeline::server::api::ApiContext context;
  context.data_dir = argv[1];
  context.clock = std::make_shared<lifeline::util::FixedClock>(*at);
  const auto router = lifeline::server::api::make_router(context);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto* daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
                                  static_cast<std::uint16_t>(std::stoi(argv[2])), nullptr, nullptr, answer,
                                  const_cast<Router*>(&router), MHD_OPTION_THREAD_POOL_SIZE,
                                  static_cast<unsigned>(std::stoi(argv[3])), MHD_OPTION_CONNECTION_LIMIT, 20'000U,
                                  MHD_OPTION_NOTIFY_COMPLETED, completed, nullptr, MHD_OPTION_END);
  if (daemon == nullptr) {
    std::fputs("mhd_serve: cannot listen\n", stderr);
    return 1;
  }
  std::puts("listening");
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  MHD_stop_daemon(daemon);
  return 0;
}
