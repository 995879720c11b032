// A private (0700) temporary directory that is removed with its contents unless kept: what a
// backup or a restore builds before anything becomes visible.
#pragma once

#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace lifeline::server::maintenance {

class ScratchDir {
 public:
  // A new directory `parent`/`prefix`XXXXXX.
  static util::Result<ScratchDir> create(const std::filesystem::path& parent, const std::string& prefix);
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();

  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
  // The directory was moved into place: nothing is left to remove.
  void release() { m_path.clear(); }

 private:
  explicit ScratchDir(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

} // namespace lifeline::server::maintenance
