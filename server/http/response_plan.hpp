// An answer as the bytes a connection sends: the status line and fields, then the body as
// pieces of memory or ranges of an open file (sent with sendfile where the connection allows),
// or pieces made while sent (chunked). Range requests are planned here (byte_ranges.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/http/router.hpp"

namespace lifeline::server::http {

// A file opened for one answer, closed with its last piece.
class OpenFile {
 public:
  explicit OpenFile(int fd) : m_fd(fd) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile();
  [[nodiscard]] int fd() const { return m_fd; }

 private:
  int m_fd;
};

struct BodyPiece {
  std::string bytes;              // sent as is, or, with `file`:
  std::shared_ptr<OpenFile> file; // `length` bytes from `offset`
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct ResponsePlan {
  int status = 200;
  std::vector<BodyPiece> pieces; // the head first
  BodyChunks chunks;             // after the pieces, chunked, when set
  std::uint64_t body_bytes = 0;  // Content-Length (0 when chunked)
  bool close = false;            // Connection: close was sent
};

struct PlanRequest {
  bool head_only = false; // HEAD: the fields of the GET answer, no body
  std::string range;      // the Range field, "" when absent
  bool keep_alive = true; // false: Connection: close is sent and the connection ends
  bool http10 = false;    // an HTTP/1.0 client: no chunked coding, keep-alive said aloud
  std::size_t max_ranges = 16;
};

ResponsePlan plan_response(HttpResponse response, const PlanRequest& request);

// "HTTP/1.1 STATUS Reason"
std::string reason_phrase(int status);

} // namespace lifeline::server::http
