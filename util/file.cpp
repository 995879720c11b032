#include "util/file.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

namespace lifeline::util {

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorKind::not_found, path.string() + ": no such regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return make_error(ErrorKind::io, path.string() + ": " + ec.message());
  }
  if (size > max_bytes) {
    return make_error(ErrorKind::invalid_input, path.string() + ": file is " + std::to_string(size) +
                                                    " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::io, path.string() + ": cannot open for reading");
  }
  std::string content;
  content.reserve(size);
  // Read at most one byte past the cap so a file that grew after stat() is still refused.
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > max_bytes) {
      return make_error(ErrorKind::invalid_input,
                        path.string() + ": file grew past the limit of " + std::to_string(max_bytes) + " bytes");
    }
  }
  return content;
}

} // namespace lifeline::util
