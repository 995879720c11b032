#include "util/log.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <ostream>

#include <sys/stat.h>
#include <unistd.h>

namespace lifeline::util::log {

namespace {

std::mutex g_mutex;
std::ostream* g_sink = nullptr;

const char* level_name(Level level) {
  switch (level) {
  case Level::error:
    return "error";
  case Level::warning:
    return "warning";
  case Level::info:
    return "info";
  }
  return "info";
}

// syslog(3) priorities: err 3, warning 4, info 6.
char priority_digit(Level level) {
  return level == Level::error ? '3' : level == Level::warning ? '4' : '6';
}

// journald sets JOURNAL_STREAM to the device and inode of the stream it gave the service; only
// when standard error is that very stream is the priority prefix understood.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat status {};
  if (stream == nullptr || ::fstat(STDERR_FILENO, &status) != 0) {
    return false;
  }
  const std::string expected = std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
  return expected == stream;
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) {
    return true;
  }
  for (const char character : value) {
    const auto c = static_cast<unsigned char>(character);
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
      return true;
    }
  }
  return false;
}

// Values are quoted when they hold spaces, quotes or '='; control characters are escaped, so a
// value can never start a line of its own.
void append_value(std::string& line, std::string_view value) {
  if (!needs_quotes(value)) {
    line += value;
    return;
  }
  line += '"';
  for (const char character : value) {
    const auto c = static_cast<unsigned char>(character);
    if (c == '"' || c == '\\') {
      line += '\\';
      line += static_cast<char>(c);
    } else if (c == '\n') {
      line += "\\n";
    } else if (c < ' ' || c == 0x7f) {
      static constexpr char k_hex[] = "0123456789abcdef";
      line += "\\x";
      line += k_hex[c >> 4];
      line += k_hex[c & 0xf];
    } else {
      line += static_cast<char>(c);
    }
  }
  line += '"';
}

} // namespace

std::string format(Level level, std::string_view event, std::initializer_list<Field> fields) {
  std::string line = "level=";
  line += level_name(level);
  line += " event=";
  append_value(line, event);
  for (const auto& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    append_value(line, field.value);
  }
  return line;
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  static const bool journal = stderr_is_journal();
  std::string line = format(level, event, fields);
  line += '\n';
  const std::lock_guard lock(g_mutex);
  if (g_sink != nullptr) {
    *g_sink << line << std::flush;
    return;
  }
  if (journal) {
    line.insert(0, std::string{'<', priority_digit(level), '>'});
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void set_sink(std::ostream* out) {
  const std::lock_guard lock(g_mutex);
  g_sink = out;
}

} // namespace lifeline::util::log
