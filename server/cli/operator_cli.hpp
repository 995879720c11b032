// `lifeline-server`: the operator's commands on a server data directory.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "util/date.hpp"

namespace lifeline::server {

// Exit codes shared by every operator command (docs/cli.md).
enum class ExitCode : int {
  ok = 0,      // done, or the decision is allow
  denied = 1,  // the decision is deny, or a registration was refused
  usage = 2,   // the command line is wrong
  invalid = 3, // invalid input or data: a refused document, an unknown id, a storage failure
};

// Runs one command line (`args[0]` is the program name). `clock` is the fallback for `--at`.
int run_operator_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const util::Clock& clock);

} // namespace lifeline::server
