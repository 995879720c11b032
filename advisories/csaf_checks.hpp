// The checks a CSAF 2.0 document passes before Lifeline reads it: the schema's types and required
// members for everything read (plus the document's mandatory members), and the mandatory tests
// 6.1.1/6.1.2 (product ids) and 6.1.4/6.1.5 (product group ids). Internal to the advisories module.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "advisories/advisory.hpp"

namespace lifeline::advisories::csaf {

// What the checks found defined in /product_tree, for the reader.
struct Checked {
  std::vector<Problem> problems;                          // empty when the document passed
  std::vector<AdvisoryProduct> products;                  // in document order, each id once
  std::map<std::string, std::vector<std::string>> groups; // group id -> its product ids
};

// `root` is the parsed document; nothing is read from it unless problems is empty.
Checked check(const nlohmann::json& root);

// One reference token of a JSON pointer (RFC 6901): "~" is "~0", "/" is "~1".
std::string pointer_token(std::string_view token);

} // namespace lifeline::advisories::csaf
