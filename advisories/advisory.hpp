// An advisory document as Lifeline reads it, whatever its format (MSRC CVRF XML, CSAF 2.0 JSON):
// the document's identity and revision, the products it names, and its vendor fixes, one per KB
// number. Parsers only read; mapping to Lifeline products and the catalog come after
// (advisories/import.hpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/model.hpp"

namespace lifeline::advisories {

enum class Format { cvrf, csaf };
std::string to_string(Format format); // "cvrf", "csaf"

// Why a document is refused: where (an element path such as "/cvrfdoc/Vulnerability[3]/CVE", or
// a JSON pointer such as "/vulnerabilities/0/product_status/fixed/2") and what is wrong there.
struct Problem {
  std::string location;
  std::string message;
};

// A product as the document names it. MSRC product ids are global across MSRC documents; CSAF
// product ids are local to their document.
struct AdvisoryProduct {
  std::string id;
  std::string name;
};

// One vendor fix: a KB and what it fixes. A KB that remediates several vulnerabilities of the
// document is one fix carrying all their CVEs.
struct AdvisoryFix {
  std::string kb;                                    // "KB4537820"
  std::string sub_type;                              // "Monthly Rollup", "Security Update"...; may be empty
  std::vector<std::string> cves;                     // sorted, unique
  std::vector<std::string> fixed_products;           // product ids the fix applies to, sorted, unique
  std::vector<std::string> affected_products;        // product ids known affected by those CVEs, sorted, unique
  std::map<std::string, catalog::Severity> severity; // per fixed product id: the highest over the fix's CVEs
  std::vector<std::string> supersedes;               // KBs ("KB4534310"), sorted, unique
};

struct Advisory {
  Format format = Format::cvrf;
  std::string publisher; // CSAF document.publisher.namespace; for CVRF the DocumentPublisher's ContactDetails or ""
  std::string id;        // CVRF DocumentTracking/Identification/ID; CSAF document.tracking.id
  std::string revision;  // the latest revision number as written ("8", "1.0.2")
  std::string title;
  util::Date initial_release;            // date part of the initial release date
  util::Date current_release;            // date part of the current release date
  std::vector<AdvisoryProduct> products; // each id once
  std::vector<AdvisoryFix> fixes;        // one per KB, sorted by KB
  std::vector<std::string> notes;        // what was read but not taken, and why (no KB, unknown severity...)
};

// Exactly one of `advisory` and a non-empty `problems` is set.
struct Parsed {
  std::optional<Advisory> advisory;
  std::vector<Problem> problems;
};

constexpr std::size_t k_max_document_bytes = 32U << 20U; // 32 MiB: the largest real MSRC months are ~4 MB

// MSRC CVRF (ICASI 1.1 namespaces, as MSRC serves it) or OASIS CVRF 1.2. No DTD is processed:
// a document type declaration is refused, so no entity is ever expanded or fetched.
Parsed parse_cvrf(std::string_view bytes);
// CSAF 2.0 JSON: UTF-8, size and depth limited, duplicate keys refused, types checked as the CSAF
// 2.0 schema requires for what is read, and the mandatory tests 6.1.1 (missing definition of a
// product id) and 6.1.2 (multiple definition of a product id).
Parsed parse_csaf(std::string_view bytes);
// Either of the above, detected from the content (after an optional UTF-8 BOM and whitespace:
// '<' is XML, '{' is JSON).
Parsed parse_advisory(std::string_view bytes);

} // namespace lifeline::advisories
