// What the binaries' command lines share: CLI11 parsing with --help and --version answered, and
// `--at DATE`, the evaluation date of rehearsals and tests. Header-only, for the CLI sources
// only (CLI11 is a header library).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "util/date.hpp"

namespace lifeline::util {

// Parses `args` (the program name first). An exit code when the command line is answered or
// wrong (0 for --help and --version, 2 for a usage error, said on `err` as "NAME: ..."); nullopt
// when the command is to run.
inline std::optional<int> parse_command_line(CLI::App& app, const std::vector<std::string>& args, std::ostream& out,
                                             std::ostream& err, const std::string& name, const std::string& version) {
  if (args.empty()) {
    return 2;
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1); // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForVersion&) {
    out << version << '\n';
    return 0;
  } catch (const CLI::ParseError& error) {
    err << name << ": " << error.what() << '\n';
    return 2;
  }
  return std::nullopt;
}

// The fixed clock `--at` asks for (empty: none); false, said on `err`, when it is not a date.
inline bool clock_at(const std::string& at, std::optional<FixedClock>& fixed, std::ostream& err,
                     const std::string& name) {
  if (at.empty()) {
    return true;
  }
  const auto date = Date::parse(at);
  if (!date) {
    err << name << ": --at " << at << " is not a date (YYYY-MM-DD)\n";
    return false;
  }
  fixed.emplace(*date);
  return true;
}

} // namespace lifeline::util
