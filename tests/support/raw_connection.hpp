// A TCP connection to the server under test that writes exactly the bytes it is given, at the
// pace it is given them: what a hostile or broken client does, which HTTP libraries never do.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace lifeline::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source` (any 127.x.y.z: loopback answers them all).
  explicit RawConnection(int port, const std::string& source = "127.0.0.1");
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&&) = delete;
  ~RawConnection();

  [[nodiscard]] bool connected() const { return m_fd >= 0; }
  // False once the server has closed (or reset) the connection.
  bool send(std::string_view bytes);
  // What arrives until `marker` has been read, the server closes, or `timeout` passes.
  std::string read_until(std::string_view marker, std::chrono::milliseconds timeout);
  // Whether the server closes the connection (EOF or reset) within `timeout`; bytes that
  // arrive first are read and dropped.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  int m_fd = -1;
};

// "HTTP/1.1 413 ..." -> 413; 0 when `answer` is not a status line.
int status_of(const std::string& answer);

} // namespace lifeline::testing
