// Length and hashes of a file, streamed (payloads are never held whole).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lifeline::server::maintenance {

struct FileDigest {
  std::uint64_t length = 0;
  std::map<std::string, std::string> hashes; // algorithm ("sha256", "sha512") -> lower-case hex
};

// Reads `path` once, hashing it with each of `algorithms` (names TUF uses; unknown ones are
// skipped) and handing every chunk to `sink` when given.
util::Result<FileDigest> digest_file(const std::filesystem::path& path, const std::vector<std::string>& algorithms,
                                     const std::function<util::Result<void>(std::string_view)>& sink = {});

} // namespace lifeline::server::maintenance
