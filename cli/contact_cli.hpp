// `lifeline`, the designated contacts' command line (docs/contacts-cli.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "util/date.hpp"

namespace lifeline::cli {

// Exit codes: 0 done, 1 refused or failed (the reason printed, with the server's reason codes),
// 2 usage, 3 not logged in.
int run_contact_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err,
                    const util::Clock& clock);

} // namespace lifeline::cli
