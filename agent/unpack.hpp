// Safe unpacking of a payload archive (tar, zip, cab... as libarchive reads them) into a fresh
// staging directory. Archives are untrusted even when signed: absolute paths, "..", links that
// leave the tree, hard links, device and FIFO files, setuid/setgid bits, writing through a link,
// and more entries or bytes than allowed are refused, each with the entry named.
#pragma once

#include <cstdint>
#include <filesystem>

#include "util/result.hpp"

namespace lifeline::agent {

struct UnpackLimits {
  std::int64_t max_entries = 10'000;
  std::int64_t max_bytes = std::int64_t{4} << 30; // content bytes written, all entries together
};

struct UnpackSummary {
  std::int64_t entries = 0;
  std::int64_t bytes = 0;
};

// `staging` must not exist; on any refusal it is removed again, so nothing half-unpacked stays.
util::Result<UnpackSummary> unpack(const std::filesystem::path& archive, const std::filesystem::path& staging,
                                   const UnpackLimits& limits = {});

} // namespace lifeline::agent
