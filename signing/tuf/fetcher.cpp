#include "signing/tuf/fetcher.hpp"

#include <fstream>

namespace lifeline::signing::tuf {

Result<std::string> DirectoryFetcher::fetch(const std::string& location, std::size_t max_bytes) {
  const std::filesystem::path relative(location);
  for (const auto& part : relative) {
    if (part == ".." || relative.is_absolute()) {
      return make_error(ErrorCode::not_found, location + " is outside the repository");
    }
  }
  const auto path = m_root / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::not_found, location + " not found");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > max_bytes) {
      return make_error(ErrorCode::too_large, location + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  return bytes;
}

std::string percent_encode(std::string_view text) {
  static constexpr char k_digits[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += k_digits[byte >> 4U];
      out += k_digits[byte & 0x0fU];
    }
  }
  return out;
}

} // namespace lifeline::signing::tuf
