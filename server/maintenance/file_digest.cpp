#include "server/maintenance/file_digest.hpp"

#include <fstream>
#include <memory>

#include "signing/crypto.hpp"

namespace lifeline::server::maintenance {

util::Result<FileDigest> digest_file(const std::filesystem::path& path, const std::vector<std::string>& algorithms,
                                     const std::function<util::Result<void>(std::string_view)>& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return util::make_error(util::ErrorKind::not_found, path.string() + ": cannot read");
  }
  std::vector<std::pair<std::string, signing::Hasher>> hashers;
  for (const auto& name : algorithms) {
    if (const auto algorithm = signing::parse_hash_algorithm(name)) {
      hashers.emplace_back(name, signing::Hasher(*algorithm));
    }
  }
  FileDigest digest;
  auto buffer = std::make_unique<char[]>(1 << 16);
  while (in.read(buffer.get(), 1 << 16) || in.gcount() > 0) {
    const std::string_view chunk(buffer.get(), static_cast<std::size_t>(in.gcount()));
    for (auto& [name, hasher] : hashers) {
      hasher.update(chunk);
    }
    if (sink) {
      if (auto passed = sink(chunk); !passed) {
        return passed.error();
      }
    }
    digest.length += chunk.size();
  }
  if (in.bad()) {
    return util::make_error(util::ErrorKind::io, path.string() + ": read failed");
  }
  for (auto& [name, hasher] : hashers) {
    digest.hashes.emplace(name, hasher.hex_digest());
  }
  return digest;
}

} // namespace lifeline::server::maintenance
