// Where metadata and targets come from: HTTP for devices (signing/curl/), a directory for
// offline bundles. A fetcher never returns more than it was allowed to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "signing/tuf/error.hpp"

namespace lifeline::signing::tuf {

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // The bytes at `location` (a URL or a relative path, by fetcher), at most `max_bytes` of them:
  // more is too_large (endless data); a missing file is not_found.
  virtual Result<std::string> fetch(const std::string& location, std::size_t max_bytes) = 0;

  // Receives streamed bytes in order; an error stops the transfer and is returned as is.
  using ByteSink = std::function<Result<void>(std::string_view bytes)>;
  // Streams the bytes of `location` from byte `offset` on into `sink` (payloads are never held
  // whole), at most `max_bytes` counted from the start of the file. This default fetches the
  // file whole; fetchers that can start at an offset (HTTP Range, files) do.
  virtual Result<void> fetch_stream(const std::string& location, std::uint64_t offset, std::uint64_t max_bytes,
                                    const ByteSink& sink);
};

// Serves files below a directory; `location` is relative to it and may not leave it.
class DirectoryFetcher final : public Fetcher {
 public:
  explicit DirectoryFetcher(std::filesystem::path root) : m_root(std::move(root)) {}
  Result<std::string> fetch(const std::string& location, std::size_t max_bytes) override;
  Result<void> fetch_stream(const std::string& location, std::uint64_t offset, std::uint64_t max_bytes,
                            const ByteSink& sink) override;

 private:
  // The file `location` names below the root, or not_found.
  Result<std::filesystem::path> resolve(const std::string& location) const;

  std::filesystem::path m_root;
};

// Percent-encodes everything but unreserved characters, for role names and target paths in
// file names and URLs (as other TUF clients do).
std::string percent_encode(std::string_view text);

} // namespace lifeline::signing::tuf
