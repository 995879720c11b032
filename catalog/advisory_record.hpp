// What an advisory document contributes to the catalog once its products are mapped to
// Lifeline's: the document's identity and revision, and per KB the CVEs, MSRC ratings, affected
// products and supersedence it states (Catalog::import_advisory).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"

namespace lifeline::catalog {

struct AdvisoryRecord {
  std::string source; // "msrc", a CSAF publisher namespace, or "cvrf": with `id`, the document's key
  std::string id;
  std::string format; // "cvrf" or "csaf"
  std::string revision;
  std::string title;
  Date initial_release;
  Date current_release; // the revision's date

  bool operator==(const AdvisoryRecord&) const = default;
};

struct AdvisoryUpdate {
  std::string kb;
  std::string title; // for an update the catalog does not have yet
  Date released;     // idem
  std::vector<std::string> cves;
  std::vector<ProductRating> ratings; // the Lifeline products it fixes, with their MSRC rating
  std::vector<std::string> affected;  // the Lifeline products its vulnerabilities affect
  std::vector<std::string> supersedes;
};

enum class AdvisoryStatus {
  new_document,   // first import of this document
  new_revision,   // a later revision than the one imported: its contribution replaced the old one
  same_revision,  // imported already: nothing changed
  reapplied,      // the same revision with a different contribution (the product mapping changed)
  older_revision, // older than the one imported: nothing changed
};
std::string to_string(AdvisoryStatus status); // "new", "revised", "unchanged", "older"

struct AdvisoryImportOutcome {
  AdvisoryStatus status = AdvisoryStatus::new_document;
  std::int64_t created = 0;               // updates the catalog did not have
  std::int64_t updated = 0;               // updates whose CVEs, ratings or supersedence changed
  std::int64_t unchanged = 0;             // updates already as the document says
  std::optional<AdvisoryRecord> previous; // the revision imported before, if any
};

// Which of two revisions of one document is later: by revision date, then by revision number
// compared field by field ("1.10" after "1.9").
int compare_revisions(const AdvisoryRecord& a, const AdvisoryRecord& b);

} // namespace lifeline::catalog
