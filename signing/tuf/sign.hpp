// Producing signed TUF metadata: the signatures cover the canonical JSON of `signed`, and the
// file written is the canonical JSON of the whole envelope.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "signing/repository/key_store.hpp"

namespace lifeline::signing::tuf {

util::Result<std::string> sign_metadata(const nlohmann::ordered_json& signed_part,
                                        const std::vector<const NamedKey*>& keys);

// Adds (or replaces) signatures by `keys` on existing metadata, keeping the others: how several
// key holders sign one root, each on their own machine.
util::Result<std::string> add_signatures(std::string_view metadata, const std::vector<const NamedKey*>& keys);

} // namespace lifeline::signing::tuf
