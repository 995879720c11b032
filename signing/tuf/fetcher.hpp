// Where metadata and targets come from: HTTP for devices (signing/curl/), a directory for
// offline bundles. A fetcher never returns more than it was allowed to.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "signing/tuf/error.hpp"

namespace lifeline::signing::tuf {

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // The bytes at `location` (a URL or a relative path, by fetcher), at most `max_bytes` of them:
  // more is too_large (endless data); a missing file is not_found.
  virtual Result<std::string> fetch(const std::string& location, std::size_t max_bytes) = 0;
};

// Serves files below a directory; `location` is relative to it and may not leave it.
class DirectoryFetcher final : public Fetcher {
 public:
  explicit DirectoryFetcher(std::filesystem::path root) : m_root(std::move(root)) {}
  Result<std::string> fetch(const std::string& location, std::size_t max_bytes) override;

 private:
  std::filesystem::path m_root;
};

// Percent-encodes everything but unreserved characters, for role names and target paths in
// file names and URLs (as other TUF clients do).
std::string percent_encode(std::string_view text);

} // namespace lifeline::signing::tuf
