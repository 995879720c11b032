// Structured log lines on standard error, one event per line as logfmt
// (`level=info event=request method=GET path=/v1/updates status=200 ms=0.4`), so that the journal
// (or any log file) can be grepped by field. Under systemd the line starts with the syslog
// priority (`<6>`), which journald turns into the entry's PRIORITY and strips.
// Callers never pass secrets (tokens, credentials, keys, passphrases): fields name things.
#pragma once

#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>

namespace lifeline::util::log {

enum class Level { error, warning, info };

struct Field {
  std::string_view key;
  std::string value;
};

// One line: level, event, then the fields in order. Thread-safe; one write per line.
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::info, event, fields);
}
inline void warning(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::warning, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::error, event, fields);
}

// The line write() would print, without the priority prefix (for tests and for callers that
// print to another stream).
std::string format(Level level, std::string_view event, std::initializer_list<Field> fields);

// Sends lines to `out` instead of standard error (nullptr: back to standard error).
void set_sink(std::ostream* out);

} // namespace lifeline::util::log
