// From a parsed advisory to the catalog: its products mapped to Lifeline's, one catalog update
// per KB that fixes at least one mapped product, and the report of what was left out and why.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "advisories/advisory.hpp"
#include "advisories/mapping.hpp"
#include "catalog/catalog.hpp"

namespace lifeline::advisories {

struct ImportPlan {
  catalog::AdvisoryRecord record;
  std::vector<catalog::AdvisoryUpdate> updates;
  std::vector<AdvisoryProduct> unmapped; // products the fixes name that map to no Lifeline product
  std::vector<std::string> skipped_kbs;  // fixes of no mapped product: not updates Lifeline distributes
  std::vector<std::string> notes;        // the parser's, and unknown Lifeline products in the mapping
};

// `known_products` are the catalog's product ids: a mapping to any other is reported, not used.
ImportPlan plan_import(const Advisory& advisory, const ProductMapping& mapping,
                       const std::set<std::string>& known_products);

// Where the document's revisions are keyed: "msrc" for Microsoft's documents in either format,
// the publisher's namespace for other CSAF documents, "cvrf" for other CVRF documents.
std::string source_of(const Advisory& advisory);

} // namespace lifeline::advisories
