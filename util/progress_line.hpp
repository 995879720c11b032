// A progress line for long transfers on a terminal: the name, the share done, the bytes and
// the rate, rewritten in place at most five times a second, ended when the transfer is.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace lifeline::util {

class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& out) : m_out(out) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void show(const std::string& name, std::uint64_t done, std::uint64_t total);

 private:
  std::ostream& m_out;
  std::string m_name;
  std::chrono::steady_clock::time_point m_started;
  std::chrono::steady_clock::time_point m_shown;
};

} // namespace lifeline::util
