#include "tests/support/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

namespace lifeline::testing {

RawConnection::RawConnection(int port, const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return;
  }
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return;
  }
  m_fd = fd;
}

RawConnection::RawConnection(RawConnection&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

RawConnection::~RawConnection() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

bool RawConnection::send(std::string_view bytes) {
  while (m_fd >= 0 && !bytes.empty()) {
    const auto sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return m_fd >= 0;
}

std::string RawConnection::read_until(std::string_view marker, std::chrono::milliseconds timeout) {
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (m_fd >= 0 && answer.find(marker) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pollfd ready{m_fd, POLLIN, 0};
    if (left <= 0 || ::poll(&ready, 1, static_cast<int>(left)) <= 0) {
      break;
    }
    char buffer[65536];
    const auto got = ::recv(m_fd, buffer, sizeof buffer, 0);
    if (got <= 0) {
      break;
    }
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  return answer;
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (m_fd >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pollfd ready{m_fd, POLLIN, 0};
    if (left <= 0 || ::poll(&ready, 1, static_cast<int>(left)) <= 0) {
      return false;
    }
    char buffer[65536];
    if (::recv(m_fd, buffer, sizeof buffer, 0) <= 0) {
      return true;
    }
  }
  return true;
}

int status_of(const std::string& answer) {
  if (answer.size() < 12 || answer.rfind("HTTP/1.", 0) != 0) {
    return 0;
  }
  return std::stoi(answer.substr(9, 3));
}

} // namespace lifeline::testing
