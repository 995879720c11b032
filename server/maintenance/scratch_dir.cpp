#include "server/maintenance/scratch_dir.hpp"

#include <stdlib.h> // mkdtemp

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

namespace lifeline::server::maintenance {

util::Result<ScratchDir> ScratchDir::create(const std::filesystem::path& parent, const std::string& prefix) {
  auto pattern = (parent / (prefix + "XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) { // mkdtemp creates it 0700
    return util::make_error(util::ErrorKind::io,
                            "cannot create a temporary directory in " + parent.string() + ": " + std::strerror(errno));
  }
  return ScratchDir(std::filesystem::path(buffer.data()));
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : m_path(std::exchange(other.m_path, std::filesystem::path())) {}

ScratchDir::~ScratchDir() {
  if (!m_path.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
}

} // namespace lifeline::server::maintenance
