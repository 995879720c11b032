#include "util/progress_line.hpp"

#include <cstdio>
#include <ostream>

namespace lifeline::util {

void ProgressLine::show(const std::string& name, std::uint64_t done, std::uint64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (name != m_name) {
    m_name = name;
    m_started = now;
  } else if (done < total && now - m_shown < std::chrono::milliseconds(200)) {
    return;
  }
  m_shown = now;
  const auto seconds = std::chrono::duration<double>(now - m_started).count();
  const auto mib = [](std::uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); };
  char line[160];
  std::snprintf(line, sizeof line, "\r%-40.40s %3d%% %9.1f of %.1f MiB %7.1f MiB/s", name.c_str(),
                total > 0 ? static_cast<int>(done * 100 / total) : 100, mib(done), mib(total),
                seconds > 0 ? mib(done) / seconds : 0.0);
  m_out << line << (done >= total ? "\n" : "") << std::flush;
}

} // namespace lifeline::util
