// `lifeline-sign`: the key holders' tool for the offline root, usable on an air-gapped machine.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace lifeline::signing::cli {

// Exit 0 on success, 1 when a verification fails, 2 on usage errors, 3 on invalid input.
int run_sign_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now);

} // namespace lifeline::signing::cli
