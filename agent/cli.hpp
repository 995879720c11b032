// lifeline-agent's command line: register, sync, status, --version (docs/agent.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "util/date.hpp"

namespace lifeline::agent {

// Exit codes: 0 done, 1 a sync or registration failed, 2 usage, 3 configuration invalid.
// `args` as main() received them, program name first.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const util::Clock& clock);

} // namespace lifeline::agent
