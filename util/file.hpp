// Whole-file reads with a size cap, for documents from untrusted places.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace lifeline::util {

// Reads `path` whole, refusing files larger than `max_bytes` before reading them.
[[nodiscard]] Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes);

} // namespace lifeline::util
