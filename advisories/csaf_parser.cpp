// Reads a CSAF 2.0 document into the Advisory model once csaf_checks has passed it: identity,
// products, and the vendor fixes that carry a KB number, merged per KB.
//
// Severity is only ever on the MSRC scale (Critical, Important, Moderate, Low):
// - document.aggregate_severity counts when its namespace is MSRC's rating system (Microsoft puts
//   the severity only there, for the whole document);
// - otherwise a vulnerability's threats of category "impact" whose details is one of the four
//   words (Red Hat), for their products, or for the whole vulnerability when they name none;
// - CVSS baseSeverity (CISA, most ICS vendors) is another scale and is never used.
#include <algorithm>
#include <cctype>
#include <set>

#include <nlohmann/json.hpp>

#include "advisories/advisory.hpp"
#include "advisories/csaf_checks.hpp"
#include "advisories/fix_builder.hpp"
#include "advisories/kb_number.hpp"
#include "advisories/text.hpp"
#include "catalog/identifiers.hpp"
#include "util/strict_json.hpp"

namespace lifeline::advisories {

namespace {

using nlohmann::json;

// Real documents nest branches four or five levels (about 12 JSON levels); 64 leaves room for
// deep product trees while refusing nesting bombs.
constexpr int k_max_depth = 64;

constexpr std::string_view k_msrc_severity_namespace =
    "https://www.microsoft.com/en-us/msrc/security-update-severity-rating-system";

// The member `name` of an object, or nullptr (never throws, never inserts).
const json* find(const json& object, std::string_view name) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

std::string text_of(const json& object, std::string_view name) {
  const auto* value = find(object, name);
  const auto* text = value == nullptr ? nullptr : value->get_ptr<const std::string*>();
  return text == nullptr ? std::string() : *text;
}

std::vector<std::string> strings_of(const json& object, std::string_view name) {
  std::vector<std::string> out;
  if (const auto* list = find(object, name); list != nullptr && list->is_array()) {
    for (const auto& item : *list) {
      if (const auto* text = item.get_ptr<const std::string*>(); text != nullptr) {
        out.push_back(*text);
      }
    }
  }
  return out;
}

std::optional<catalog::Severity> msrc_severity(std::string_view word) {
  std::string lower;
  for (const char c : word) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower == "critical") {
    return catalog::Severity::critical;
  }
  if (lower == "important") {
    return catalog::Severity::important;
  }
  if (lower == "moderate") {
    return catalog::Severity::moderate;
  }
  if (lower == "low") {
    return catalog::Severity::low;
  }
  return std::nullopt;
}

// The higher of two severities (critical is the enum's first value).
void raise(std::optional<catalog::Severity>& into, std::optional<catalog::Severity> other) {
  if (other && (!into || *other < *into)) {
    into = other;
  }
}

// MSRC packs details as "fixedBuild:SubType:URL" ("16.0.5508.1000:Security Update:https://...").
std::string msrc_sub_type(std::string_view details) {
  const auto first = details.find(':');
  if (first == 0 || first == std::string_view::npos) {
    return {};
  }
  const auto build = details.substr(0, first);
  if (build.find_first_of(" \t") != std::string_view::npos) {
    return {};
  }
  const auto second = details.find(':', first + 1);
  if (second == std::string_view::npos || second == first + 1) {
    return {};
  }
  const auto url = details.substr(second + 1);
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return {};
  }
  return std::string(details.substr(first + 1, second - first - 1));
}

// Group references multiply: one group of many products named by many remediations and threats.
// Past this many product ids taken from groups the document is refused rather than read for
// minutes; real documents stay far below (thousands).
constexpr std::size_t k_max_group_expansion = 1'000'000;
// Each KB takes its vulnerability's affected products, so (KB, product) pairs can grow with the
// product of remediations and affected products: a 490 KB document could ask for 437 MB. Past
// this many pairs over fixed and affected products (the CVRF reader's budget) the document is
// refused; real documents relate a few thousand.
constexpr std::size_t k_max_product_pairs = 500'000;
constexpr std::size_t k_max_notes = 500; // a hostile document could fill memory with notes otherwise

// A fix being gathered across vulnerabilities.
struct CsafFix : FixBuilder {
  const json* last_vulnerability = nullptr; // its CVE and affected products are in already
};

std::string list_of(const std::vector<std::string>& ids) {
  constexpr std::size_t k_listed = 10;
  std::string list;
  for (std::size_t i = 0; i < ids.size() && i < k_listed; ++i) {
    list += (list.empty() ? "" : ", ") + printable(ids[i]);
  }
  if (ids.size() > k_listed) {
    list += " and " + std::to_string(ids.size() - k_listed) + " more";
  }
  return list;
}

// Ends reading with the one problem the document is refused with.
struct Refusal {
  Problem problem;
};

class Reader {
 public:
  Reader(const json& root, csaf::Checked checked) : m_root(root), m_checked(std::move(checked)) {}

  // The advisory, or the one problem of a document past a budget.
  Parsed read() {
    try {
      return Parsed{read_advisory(), {}};
    } catch (const Refusal& refusal) {
      return Parsed{std::nullopt, {refusal.problem}};
    }
  }

 private:
  Advisory read_advisory() {
    Advisory advisory;
    advisory.format = Format::csaf;
    const auto& document = m_root["document"];
    const auto& tracking = document["tracking"];
    advisory.publisher = text_of(document["publisher"], "namespace");
    // The checks accepted both as clean lines once trimmed.
    advisory.id = std::string(trim(text_of(tracking, "id")));
    advisory.revision = text_of(tracking, "version");
    advisory.title = std::string(trim(text_of(document, "title")));
    // The checks accepted both as RFC 3339 date-times, whose first ten characters are a valid date.
    advisory.initial_release = util::Date::parse(text_of(tracking, "initial_release_date").substr(0, 10)).value();
    advisory.current_release = util::Date::parse(text_of(tracking, "current_release_date").substr(0, 10)).value();
    advisory.products = std::move(m_checked.products);
    read_document_severity(document);
    if (const auto* vulnerabilities = find(m_root, "vulnerabilities"); vulnerabilities != nullptr) {
      for (std::size_t i = 0; i < vulnerabilities->size(); ++i) {
        read_vulnerability((*vulnerabilities)[i], "/vulnerabilities/" + std::to_string(i));
      }
    }
    for (auto& [kb, built] : m_fixes) {
      auto fix = std::move(static_cast<FixBuilder&>(built)).finish(kb);
      std::vector<std::string> without;
      for (const auto& product : fix.fixed_products) {
        if (!fix.severity.contains(product)) {
          without.push_back(product);
        }
      }
      if (!without.empty()) {
        note(kb + ": no severity on the MSRC scale for product(s) " + list_of(without));
      }
      advisory.fixes.push_back(std::move(fix));
    }
    if (m_dropped_notes > 0) {
      m_notes.push_back(std::to_string(m_dropped_notes) + " further notes were not kept");
    }
    advisory.notes = std::move(m_notes);
    return advisory;
  }

  void note(std::string text) {
    if (m_notes.size() < k_max_notes) {
      m_notes.push_back(std::move(text));
    } else {
      ++m_dropped_notes;
    }
  }

  void spend(std::size_t pairs, const std::string& pointer) {
    m_product_pairs += pairs;
    if (m_product_pairs > k_max_product_pairs) {
      throw Refusal{Problem{pointer, "the fixes relate more than " + std::to_string(k_max_product_pairs) +
                                         " (KB, product) pairs; real documents relate a few thousand"}};
    }
  }

  void read_document_severity(const json& document) {
    const auto* aggregate = find(document, "aggregate_severity");
    if (aggregate == nullptr) {
      return;
    }
    const auto text = text_of(*aggregate, "text");
    const auto space = text_of(*aggregate, "namespace");
    if (space != k_msrc_severity_namespace) {
      note("/document/aggregate_severity: " + quote_text(text) + " is not in the MSRC rating namespace (" +
           (space.empty() ? std::string("none given") : printable(space)) + "): not used as a severity");
      return;
    }
    m_document_severity = msrc_severity(text);
    if (!m_document_severity) {
      note("/document/aggregate_severity/text: " + quote_text(text) +
           " is not Critical, Important, Moderate or Low: no severity");
    }
  }

  std::vector<std::string> products_of(const json& item) {
    auto products = strings_of(item, "product_ids");
    for (const auto& group : strings_of(item, "group_ids")) {
      if (const auto found = m_checked.groups.find(group); found != m_checked.groups.end()) {
        m_expanded += found->second.size();
        if (m_expanded > k_max_group_expansion) {
          throw Refusal{Problem{"/product_tree/product_groups",
                                "product groups expand to more than " + std::to_string(k_max_group_expansion) +
                                    " product references across remediations and threats"}};
        }
        products.insert(products.end(), found->second.begin(), found->second.end());
      }
    }
    return products;
  }

  // Per product (and for the whole vulnerability under ""), the highest impact threat word.
  std::map<std::string, std::optional<catalog::Severity>> threat_severities(const json& vulnerability) {
    std::map<std::string, std::optional<catalog::Severity>> out;
    if (m_document_severity) {
      return out;
    }
    const auto* threats = find(vulnerability, "threats");
    for (std::size_t i = 0; threats != nullptr && i < threats->size(); ++i) {
      const auto& threat = (*threats)[i];
      if (text_of(threat, "category") != "impact") {
        continue;
      }
      const auto severity = msrc_severity(text_of(threat, "details"));
      if (!severity) {
        continue; // Microsoft's impact types ("Remote Code Execution") are not severities
      }
      const auto products = products_of(threat);
      if (products.empty()) {
        raise(out[""], severity);
      }
      for (const auto& product : products) {
        raise(out[product], severity);
      }
    }
    return out;
  }

  void note_cvss(const json& vulnerability, const std::string& pointer) {
    if (m_cvss_noted || m_document_severity) {
      return;
    }
    const auto* scores = find(vulnerability, "scores");
    for (std::size_t i = 0; scores != nullptr && i < scores->size(); ++i) {
      for (const auto name : {"cvss_v3", "cvss_v2"}) {
        const auto* cvss = find((*scores)[i], name);
        if (cvss != nullptr && find(*cvss, "baseSeverity") != nullptr) {
          note(pointer + "/scores/" + std::to_string(i) + "/" + name +
               "/baseSeverity: CVSS severities are not the MSRC scale and are never used as one");
          m_cvss_noted = true;
          return;
        }
      }
    }
  }

  void read_vulnerability(const json& vulnerability, const std::string& pointer) {
    note_cvss(vulnerability, pointer);
    const auto threats = threat_severities(vulnerability);
    auto cve = text_of(vulnerability, "cve");
    if (!cve.empty() && !catalog::is_cve(cve)) {
      // The checks held it to CSAF's pattern; the catalog's CVE ids are also at most 32 bytes.
      note(pointer + "/cve: " + quote_text(cve) +
           " is not a CVE id Lifeline keeps; the vulnerability's fixes carry none");
      cve.clear();
    }
    std::vector<std::string> affected;
    if (const auto* status = find(vulnerability, "product_status"); status != nullptr) {
      for (const auto name : {"known_affected", "first_affected", "last_affected"}) {
        const auto ids = strings_of(*status, name);
        affected.insert(affected.end(), ids.begin(), ids.end());
      }
    }
    const auto* remediations = find(vulnerability, "remediations");
    for (std::size_t i = 0; remediations != nullptr && i < remediations->size(); ++i) {
      const auto& remediation = (*remediations)[i];
      if (text_of(remediation, "category") != "vendor_fix") {
        continue;
      }
      const auto details = text_of(remediation, "details");
      auto kb = kb_in_url(text_of(remediation, "url"));
      if (kb.empty()) {
        kb = kb_in_text(details);
      }
      const auto where = pointer + "/remediations/" + std::to_string(i);
      if (kb.empty()) {
        note(where + ": vendor_fix without a KB number: not an update Lifeline distributes");
        continue;
      }
      auto& fix = m_fixes[kb];
      if (fix.sub_type.empty()) {
        fix.sub_type = msrc_sub_type(details);
      }
      if (fix.last_vulnerability != &vulnerability) {
        // Once per vulnerability: remediations repeating a KB must not re-add its long lists.
        fix.last_vulnerability = &vulnerability;
        spend(affected.size(), where);
        if (!cve.empty()) {
          fix.cves.insert(cve);
        }
        fix.affected_products.insert(affected.begin(), affected.end());
      }
      const auto products = products_of(remediation);
      spend(products.size(), where);
      if (products.empty()) {
        note(where + ": " + kb + " names no product");
      }
      fix.fixed_products.insert(products.begin(), products.end());
      const auto all = threats.find("");
      for (const auto& product : products) {
        std::optional<catalog::Severity> severity = m_document_severity;
        if (const auto found = threats.find(product); found != threats.end()) {
          raise(severity, found->second);
        }
        if (all != threats.end()) {
          raise(severity, all->second);
        }
        if (severity) {
          const auto [at, inserted] = fix.severity.emplace(product, *severity);
          if (!inserted && *severity < at->second) {
            at->second = *severity;
          }
        }
      }
    }
  }

  const json& m_root;
  csaf::Checked m_checked;
  std::optional<catalog::Severity> m_document_severity;
  bool m_cvss_noted = false;
  std::size_t m_expanded = 0;      // product ids taken from groups so far
  std::size_t m_product_pairs = 0; // (KB, product) pairs taken into fixes so far
  std::size_t m_dropped_notes = 0;
  std::map<std::string, CsafFix> m_fixes; // by KB, so fixes come out sorted
  std::vector<std::string> m_notes;
};

// The MSRC API's JSON flavour of CVRF: DocumentTitle, DocumentTracking, ProductTree,
// Vulnerability at the top, and no CSAF "document".
bool is_msrc_cvrf_json(const json& root) {
  if (root.contains("document")) {
    return false;
  }
  for (const auto* name : {"DocumentTitle", "DocumentTracking", "ProductTree", "Vulnerability"}) {
    if (root.contains(name)) {
      return true;
    }
  }
  return false;
}

Parsed refused(std::string location, std::string message) {
  return Parsed{std::nullopt, {Problem{std::move(location), std::move(message)}}};
}

} // namespace

Parsed parse_csaf(std::string_view bytes) {
  if (bytes.size() > k_max_document_bytes) {
    return refused("/", "the document has " + std::to_string(bytes.size()) + " bytes; at most " +
                            std::to_string(k_max_document_bytes) + " are read");
  }
  // Duplicate keys, nesting and invalid UTF-8 are refused here; the message says where.
  auto parsed = util::parse_strict_json<json>(bytes, k_max_depth);
  if (!parsed) {
    // The message repeats the document's keys: shortened and escaped like any quoted text.
    constexpr std::size_t k_max_message = 400;
    return refused("/", printable(parsed.error().message, k_max_message));
  }
  const auto& root = *parsed;
  if (!root.is_object()) {
    return refused("/", std::string("a CSAF document is a JSON object, found ") + root.type_name());
  }
  if (is_msrc_cvrf_json(root)) {
    return refused("/", "an MSRC CVRF JSON document: Lifeline reads MSRC CVRF as XML (the API serves it with "
                        "Accept: application/xml)");
  }
  auto checked = csaf::check(root);
  if (!checked.problems.empty()) {
    return Parsed{std::nullopt, std::move(checked.problems)};
  }
  return Reader(root, std::move(checked)).read();
}

} // namespace lifeline::advisories
