#include "server/http/response_plan.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <ctime>
#include <map>
#include <random>

#include "server/http/byte_ranges.hpp"

namespace lifeline::server::http {

OpenFile::~OpenFile() {
  ::close(m_fd);
}

std::string reason_phrase(int status) {
  static const std::map<int, std::string> k_phrases{
      {100, "Continue"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {206, "Partial Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {410, "Gone"},
      {411, "Length Required"},
      {413, "Content Too Large"},
      {414, "URI Too Long"},
      {415, "Unsupported Media Type"},
      {416, "Range Not Satisfiable"},
      {417, "Expectation Failed"},
      {422, "Unprocessable Content"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
  };
  const auto it = k_phrases.find(status);
  return it == k_phrases.end() ? "Status " + std::to_string(status) : it->second;
}

namespace {

std::string http_date() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 64> text{};
  const auto size = std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return {text.data(), size};
}

std::string boundary() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return "lifeline-" + std::to_string(random());
}

// A field value must not end a line early: a handler's header never splits the answer.
bool safe_value(const std::string& value) {
  return value.find_first_of("\r\n") == std::string::npos;
}

std::string head_of(int status, const std::map<std::string, std::string>& fields) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  for (const auto& [name, value] : fields) {
    if (safe_value(name) && safe_value(value)) {
      head += name + ": " + value + "\r\n";
    }
  }
  head += "\r\n";
  return head;
}

struct FileAnswer {
  std::shared_ptr<OpenFile> file;
  std::uint64_t size = 0;
};

std::optional<FileAnswer> open_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  auto file = std::make_shared<OpenFile>(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return std::nullopt;
  }
  return FileAnswer{std::move(file), static_cast<std::uint64_t>(info.st_size)};
}

} // namespace

ResponsePlan plan_response(HttpResponse response, const PlanRequest& request) {
  std::map<std::string, std::string> fields;
  for (auto& [name, value] : response.headers) {
    fields[name] = value;
  }
  fields["Date"] = http_date();
  const bool streamed = static_cast<bool>(response.chunks);
  // A body made while sent has no length: before HTTP/1.1 only the close can end it.
  const bool keep = request.keep_alive && !(request.http10 && streamed);
  if (!keep) {
    fields["Connection"] = "close";
  } else if (request.http10) {
    fields["Connection"] = "keep-alive";
  }
  ResponsePlan plan;
  plan.close = !keep;
  std::vector<BodyPiece> body;
  if (response.file) {
    auto file = open_file(*response.file);
    if (!file) {
      return plan_response(problem(404, "Not Found", "the file is gone"), request);
    }
    fields["Accept-Ranges"] = "bytes";
    const auto ranges =
        response.status == 200 ? plan_ranges(request.range, file->size, request.max_ranges) : RangePlan{};
    if (ranges.kind == RangePlan::Kind::unsatisfiable) {
      auto refusal = problem(416, "Range Not Satisfiable",
                             "no range asked for starts inside the " + std::to_string(file->size) + " bytes");
      refusal.headers["Content-Range"] = "bytes */" + std::to_string(file->size);
      return plan_response(std::move(refusal), request);
    }
    if (ranges.kind == RangePlan::Kind::whole) {
      fields["Content-Type"] = response.content_type;
      body.push_back({{}, file->file, 0, file->size});
    } else if (ranges.ranges.size() == 1) {
      response.status = 206;
      fields["Content-Type"] = response.content_type;
      fields["Content-Range"] = content_range(ranges.ranges.front(), file->size);
      body.push_back({{}, file->file, ranges.ranges.front().first, ranges.ranges.front().length()});
    } else {
      response.status = 206;
      const auto separator = boundary();
      fields["Content-Type"] = "multipart/byteranges; boundary=" + separator;
      for (std::size_t i = 0; i < ranges.ranges.size(); ++i) {
        const auto& range = ranges.ranges[i];
        body.push_back({std::string(i == 0 ? "" : "\r\n") + "--" + separator +
                            "\r\nContent-Type: " + response.content_type +
                            "\r\nContent-Range: " + content_range(range, file->size) + "\r\n\r\n",
                        nullptr, 0, 0});
        body.push_back({{}, file->file, range.first, range.length()});
      }
      body.push_back({"\r\n--" + separator + "--\r\n", nullptr, 0, 0});
    }
  } else if (response.chunks) {
    fields["Content-Type"] = response.content_type;
    if (!request.http10) {
      fields["Transfer-Encoding"] = "chunked";
    }
    if (!request.head_only) {
      plan.chunks = std::move(response.chunks);
    }
  } else {
    if (!response.body.empty() || response.status != 204) {
      fields["Content-Type"] = response.content_type;
    }
    body.push_back({std::move(response.body), nullptr, 0, 0});
  }
  for (const auto& piece : body) {
    plan.body_bytes += piece.file ? piece.length : piece.bytes.size();
  }
  if (!streamed && response.status != 204 && response.status != 304) {
    fields["Content-Length"] = std::to_string(plan.body_bytes);
  }
  plan.status = response.status;
  plan.pieces.push_back({head_of(response.status, fields), nullptr, 0, 0});
  if (!request.head_only) {
    for (auto& piece : body) {
      if (!piece.file && plan.pieces.back().file == nullptr) {
        plan.pieces.back().bytes += piece.bytes; // one write, one segment for a small answer
      } else if (piece.file ? piece.length > 0 : !piece.bytes.empty()) {
        plan.pieces.push_back(std::move(piece));
      }
    }
  }
  return plan;
}

} // namespace lifeline::server::http
