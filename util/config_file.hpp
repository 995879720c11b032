// Configuration files, one format for every Lifeline binary: a JSON object of named settings
// (docs/configuration.md). Strict: unknown settings, duplicate keys and wrong types are refused
// with the setting's JSON pointer and what it must be. Each binary reads its settings with the
// getters below, which leave the documented default in place when a setting is absent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lifeline::util {

class ConfigFile {
 public:
  using Check = bool (*)(std::string_view);

  // Reads `file` (at most 1 MiB, a JSON object).
  static Result<ConfigFile> load(const std::filesystem::path& file);
  ConfigFile(ConfigFile&&) noexcept;
  ConfigFile& operator=(ConfigFile&&) noexcept;
  ~ConfigFile();

  [[nodiscard]] bool has(std::string_view key) const;
  // Each getter sets `out` when the setting is present and valid; a wrong value (or a missing
  // required one) records the first problem, which finish() reports.
  void text(std::string_view key, std::string& out, Check valid, std::string_view expected, bool required = false);
  void integer(std::string_view key, std::int64_t& out, std::int64_t low, std::int64_t high);
  void boolean(std::string_view key, bool& out);
  void text_list(std::string_view key, std::vector<std::string>& out, Check valid, std::string_view expected);
  // The objects of an array setting, each read with the same getters (their problems are this
  // file's, with their own pointer).
  std::vector<ConfigFile> object_list(std::string_view key, std::string_view expected);
  // Records a problem found by the caller (a rule across settings), at `key`.
  void refuse(std::string_view key, std::string_view why);

  // Refuses settings no getter asked for; then the first problem, prefixed with the file name.
  Result<void> finish();

 private:
  struct State;
  explicit ConfigFile(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

// Setting checks shared by the binaries.
bool is_config_path(std::string_view text); // a non-empty path (JSON strings are UTF-8), 4096 bytes at most
bool is_http_url(std::string_view text);    // http:// or https://, no blanks, 2048 bytes at most

} // namespace lifeline::util
