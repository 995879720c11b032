#include "signing/tuf/fetcher.hpp"

#include <fstream>

namespace lifeline::signing::tuf {

Result<void> Fetcher::fetch_stream(const std::string& location, std::uint64_t offset, std::uint64_t max_bytes,
                                   const ByteSink& sink) {
  auto bytes = fetch(location, static_cast<std::size_t>(max_bytes));
  if (!bytes) {
    return bytes.error();
  }
  return offset < bytes->size() ? sink(std::string_view(*bytes).substr(offset)) : Result<void>();
}

Result<std::filesystem::path> DirectoryFetcher::resolve(const std::string& location) const {
  const std::filesystem::path relative(location);
  for (const auto& part : relative) {
    if (part == ".." || relative.is_absolute()) {
      return make_error(ErrorCode::not_found, location + " is outside the repository");
    }
  }
  auto path = m_root / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::not_found, location + " not found");
  }
  return path;
}

Result<std::string> DirectoryFetcher::fetch(const std::string& location, std::size_t max_bytes) {
  std::string bytes;
  auto streamed = fetch_stream(location, 0, max_bytes, [&](std::string_view chunk) -> Result<void> {
    bytes.append(chunk);
    return {};
  });
  if (!streamed) {
    return streamed.error();
  }
  return bytes;
}

Result<void> DirectoryFetcher::fetch_stream(const std::string& location, std::uint64_t offset, std::uint64_t max_bytes,
                                            const ByteSink& sink) {
  const auto path = resolve(location);
  if (!path) {
    return path.error();
  }
  std::ifstream in(*path, std::ios::binary);
  if (!in || !in.seekg(static_cast<std::streamoff>(offset))) {
    return make_error(ErrorCode::download_failed, location + " cannot be read from byte " + std::to_string(offset));
  }
  std::uint64_t position = offset;
  std::string buffer(1 << 16, '\0');
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    const auto count = static_cast<std::uint64_t>(in.gcount());
    if (position + count > max_bytes) {
      return make_error(ErrorCode::too_large, location + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    if (auto taken = sink(std::string_view(buffer.data(), count)); !taken) {
      return taken;
    }
    position += count;
  }
  return {};
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
