// Idle keep-alive connections, as a fleet leaves them between check-ins: each one makes one
// request (GET /healthz), reads its answer and then says nothing while the others are measured.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/fleet/fleet.hpp"

namespace lifeline::bench {

namespace {

// One keep-alive request on a new connection from `source`; the descriptor, or -1.
int open_idle(int port, const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: fleet\r\n\r\n";
  const std::string body = R"({"status":"ok"})";
  if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&remote), sizeof remote) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    if (fd >= 0) {
      ::close(fd);
    }
    return -1;
  }
  std::string answer; // the whole answer, so that nothing of it is left to arrive later
  char buffer[4096];
  ssize_t got = 0;
  while (!answer.ends_with(body) && answer.size() < 65536 && (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  if (answer.rfind("HTTP/1.1 200", 0) != 0 || !answer.ends_with(body)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool still_open(int fd) {
  pollfd ready{fd, POLLIN, 0};
  return ::poll(&ready, 1, 0) == 0; // nothing to read: neither an answer nor a close
}

} // namespace

int hold_idle(const std::string& base, std::size_t count, double seconds, const std::string& ready_file) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  const int port = std::stoi(base.substr(base.rfind(':') + 1));
  constexpr std::size_t k_per_address = 250; // under the server's default cap of 256 per address
  std::vector<int> open;
  for (std::size_t i = 0; i < count; ++i) {
    const auto source = "127.0.1." + std::to_string(1 + i / k_per_address);
    const int fd = open_idle(port, source);
    if (fd < 0) {
      break;
    }
    open.push_back(fd);
  }
  std::ofstream(ready_file) << open.size() << "\n";
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  std::size_t held = 0;
  for (const int fd : open) {
    held += still_open(fd) ? 1U : 0U;
    ::close(fd);
  }
  std::printf("RESULT idle opened=%zu held=%zu\n", open.size(), held);
  return open.size() == count && held == count ? 0 : 1;
}

} // namespace lifeline::bench
