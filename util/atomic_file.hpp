// Whole-file writes that a crash can never leave half-done: write a temporary file beside the
// target, fsync it, rename it over the target, fsync the directory.
#pragma once

#include <filesystem>
#include <string_view>

#include "util/result.hpp"

namespace lifeline::util {

enum class FileMode { private_file, shared_file }; // 0600 for secrets, 0644 otherwise

[[nodiscard]] Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                                 FileMode mode = FileMode::shared_file);

} // namespace lifeline::util
