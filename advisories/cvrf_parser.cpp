// MSRC CVRF (ICASI 1.1 namespaces) and OASIS CVRF 1.2. MSRC documents are not schema-valid, so
// elements are read leniently by local name, but only in the namespace of the document's CVRF
// version, and only after the bytes (xml_prescan.hpp) and the namespaces (xml_namespaces.hpp)
// have been checked strictly.
#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "advisories/advisory.hpp"
#include "advisories/fix_builder.hpp"
#include "advisories/kb_number.hpp"
#include "advisories/text.hpp"
#include "advisories/xml_namespaces.hpp"
#include "advisories/xml_prescan.hpp"
#include "catalog/identifiers.hpp"

namespace lifeline::advisories {

namespace {

constexpr std::size_t k_max_depth = 64;  // real documents nest about ten deep
constexpr std::size_t k_max_notes = 500; // a hostile document could fill memory with notes otherwise
// Fixes carry their vulnerabilities' affected products, so a hostile document could ask for
// (fix, product) pairs quadratic in its size; real MSRC months need under 40,000.
constexpr std::size_t k_max_product_pairs = 500'000;

struct Vocabulary {
  std::string_view cvrf;
  std::string_view prod;
  std::string_view vuln;
};
constexpr std::array k_vocabularies{
    Vocabulary{"http://www.icasi.org/CVRF/schema/cvrf/1.1", "http://www.icasi.org/CVRF/schema/prod/1.1",
               "http://www.icasi.org/CVRF/schema/vuln/1.1"},
    Vocabulary{"http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/cvrf",
               "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/prod",
               "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/vuln"},
};

// The first refusal ends reading; unwinding to parse_cvrf keeps each reading step free of error
// plumbing.
struct Refusal {
  Problem problem;
};

[[noreturn]] void refuse(std::string location, std::string message) {
  throw Refusal{Problem{std::move(location), std::move(message)}};
}

Parsed refused(std::string location, std::string message) {
  return Parsed{std::nullopt, {Problem{std::move(location), std::move(message)}}};
}

// All of the element's own text (a comment or a CDATA section may split it), trimmed.
std::string text_of(pugi::xml_node element) {
  std::string text;
  for (auto child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return std::string(trim(text));
}

// Where an element is, for problems and notes: its ancestors, each with its 1-based position among
// the siblings of its kind as counted while iterating (0: read as the only one, shown without
// index). The path text is only built when a problem or a note needs it.
struct Where {
  const Where* parent = nullptr;
  pugi::xml_node node;
  std::size_t index = 0;

  [[nodiscard]] std::string path() const {
    std::vector<const Where*> chain;
    for (const auto* step = this; step != nullptr; step = step->parent) {
      chain.push_back(step);
    }
    std::string text;
    for (auto step = chain.rbegin(); step != chain.rend(); ++step) {
      const std::string_view name = (*step)->node.name();
      text += "/" + printable(name);
      if ((*step)->index > 0) {
        text += "[" + std::to_string((*step)->index) + "]";
      }
    }
    return text;
  }
};

// MSRC's words, in any case; "None", "" and anything else are no severity.
std::optional<catalog::Severity> severity_of(std::string_view word) {
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return catalog::parse_severity(lower);
}

// The enum lists the most severe first.
catalog::Severity higher(catalog::Severity a, catalog::Severity b) {
  return std::min(a, b);
}

// "8", "1.7", "1.0.2": dot-separated decimal numbers, compared part by part ("1.10" > "1.9");
// nullopt for anything else.
std::optional<std::vector<std::string>> revision_key(std::string_view text) {
  std::vector<std::string> parts;
  while (true) {
    const auto dot = text.find('.');
    auto part = text.substr(0, dot);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    const auto significant = part.find_first_not_of('0');
    parts.emplace_back(significant == std::string_view::npos ? std::string_view("0") : part.substr(significant));
    if (dot == std::string_view::npos) {
      return parts;
    }
    text.remove_prefix(dot + 1);
  }
}

bool revision_less(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.size() != y.size() ? x.size() < y.size() : x < y;
  });
}

// The date of an ISO 8601 date-time ("2020-09-22T07:00:00Z", "2023-01-27T08:00:00") or date.
std::optional<util::Date> date_part(std::string_view text) {
  if (text.size() < 10 || text.size() > 40 ||
      (text.size() > 10 &&
       (text[10] != 'T' || text.substr(11).find_first_not_of("0123456789:.+-Z") != std::string_view::npos))) {
    return std::nullopt;
  }
  return util::Date::parse(text.substr(0, 10));
}

// What one vulnerability says of all its fixes, and what its fixes have taken so far.
struct VulnerabilityFacts {
  std::string cve;   // a CVE id (catalog::is_cve), or ""
  std::string label; // the CVE, or MSRC's advisory id ("ADV160008") in its place, for notes; or ""
  std::set<std::string> affected;
  std::map<std::string, catalog::Severity> severity; // per product: the highest of its Severity threats
  std::set<std::string> fixed;                       // products some KB of it fixes
  std::set<std::string> merged;                      // KBs that already carry its CVE and affected products
};

class Reader {
 public:
  Reader(const XmlNamespaces& namespaces, const Vocabulary& vocabulary)
      : m_namespaces(namespaces), m_vocabulary(vocabulary) {}

  Advisory read(pugi::xml_node root) {
    const Where document{nullptr, root, 0};
    read_header(document);
    read_products(document);
    each_child(document, m_vocabulary.vuln, "Vulnerability", [&](const Where& where) { read_vulnerability(where); });
    note_foreign_sections(document);
    collect_fixes();
    note_undefined_products();
    if (m_dropped_notes > 0) {
      m_advisory.notes.push_back(std::to_string(m_dropped_notes) + " further notes were not kept");
    }
    return std::move(m_advisory);
  }

 private:
  void note(std::string text) {
    if (m_advisory.notes.size() < k_max_notes) {
      m_advisory.notes.push_back(std::move(text));
    } else {
      ++m_dropped_notes;
    }
  }
  void spend(std::size_t pairs, const Where& where) {
    m_product_pairs += pairs;
    if (m_product_pairs > k_max_product_pairs) {
      refuse(where.path(), "the fixes relate more than " + std::to_string(k_max_product_pairs) +
                               " (KB, product) pairs; real documents relate under 40,000");
    }
  }

  [[nodiscard]] bool notes_full() const { return m_advisory.notes.size() >= k_max_notes; }

  template <typename Visit>
  void each_child(const Where& parent, std::string_view uri, std::string_view local, Visit visit) const {
    std::size_t index = 0;
    for (auto child = parent.node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element && m_namespaces.is(child, uri, local)) {
        const Where where{&parent, child, ++index};
        visit(where);
      }
    }
  }

  // The only child of that kind, or an empty node. Two are refused: which one counts would be a
  // guess, and a reader elsewhere could guess otherwise.
  [[nodiscard]] pugi::xml_node optional_child(const Where& parent, std::string_view uri, std::string_view local) const {
    pugi::xml_node found;
    for (auto child = parent.node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element && m_namespaces.is(child, uri, local)) {
        if (found) {
          refuse(parent.path(), std::string(local) + " appears more than once");
        }
        found = child;
      }
    }
    return found;
  }

  // The first child of that kind, or an empty node; any further one gets a note and is not read.
  // For what real documents repeat harmlessly (a second SubType or CVE).
  [[nodiscard]] pugi::xml_node first_child(const Where& parent, std::string_view uri, std::string_view local) {
    pugi::xml_node found;
    std::size_t index = 0;
    for (auto child = parent.node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element && m_namespaces.is(child, uri, local)) {
        ++index;
        if (!found) {
          found = child;
        } else {
          note(Where{&parent, child, index}.path() + ": " + quote_text(text_of(child)) + " is not read; the first " +
               std::string(local) + ", " + quote_text(text_of(found)) + ", is");
        }
      }
    }
    return found;
  }

  [[nodiscard]] pugi::xml_node required_child(const Where& parent, std::string_view uri, std::string_view local) const {
    const auto found = optional_child(parent, uri, local);
    if (!found) {
      refuse(parent.path(), "the mandatory " + std::string(local) + " is missing");
    }
    return found;
  }

  [[nodiscard]] std::string required_label(const Where& parent, std::string_view local) const {
    const Where where{&parent, required_child(parent, m_vocabulary.cvrf, local), 0};
    auto text = text_of(where.node);
    check_label(where, local, text);
    return text;
  }

  // Titles and ids are kept as written, so one that is not a clean line (a line break, a control
  // character such as U+0001 or DEL, more than 512 bytes) is a damaged document: refused, not
  // repaired.
  static void check_label(const Where& where, std::string_view local, const std::string& text) {
    if (text.empty()) {
      refuse(where.path(), std::string(local) + " is empty");
    }
    if (!is_clean_label(text)) {
      refuse(where.path(),
             std::string(local) + " " + quote_text(text) + " is not one printable line of at most 512 bytes");
    }
  }

  [[nodiscard]] util::Date required_date(const Where& parent, std::string_view local) const {
    const Where where{&parent, required_child(parent, m_vocabulary.cvrf, local), 0};
    const auto text = text_of(where.node);
    const auto date = date_part(text);
    if (!date) {
      refuse(where.path(), quote_text(text) + " is not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss)");
    }
    return *date;
  }

  // A product id from the element's text or its ProductID attribute: MSRC ids are numbers or
  // "component-platform" pairs, Cisco's "CVRFPID-103559", Red Hat's
  // "7Server-7.6.AUS:telnet-1:0.17-65.el7_6.src". Any clean line of at most 512 bytes is one;
  // anything else is refused, since every fix and status names products by it.
  [[nodiscard]] static std::string checked_product_id(std::string_view text,
                                                      const std::function<std::string()>& where) {
    const auto id = trim(text);
    if (!is_clean_label(id)) {
      refuse(where(), "product id " + quote_text(id) + " is not one printable line of at most 512 bytes");
    }
    return std::string(id);
  }

  void read_header(const Where& document) {
    const Where title{&document, required_child(document, m_vocabulary.cvrf, "DocumentTitle"), 0};
    m_advisory.title = text_of(title.node);
    check_label(title, "DocumentTitle", m_advisory.title);
    read_publisher(document);
    const Where tracking{&document, required_child(document, m_vocabulary.cvrf, "DocumentTracking"), 0};
    const Where identification{&tracking, required_child(tracking, m_vocabulary.cvrf, "Identification"), 0};
    m_advisory.id = required_label(identification, "ID");
    read_revision(tracking);
    m_advisory.initial_release = required_date(tracking, "InitialReleaseDate");
    m_advisory.current_release = required_date(tracking, "CurrentReleaseDate");
    if (m_advisory.current_release < m_advisory.initial_release) {
      note(tracking.path() + ": CurrentReleaseDate is before InitialReleaseDate");
    }
  }

  // The publisher is ContactDetails when it is one line (MSRC's "secure@microsoft.com"); Cisco's
  // is a page of phone numbers, which identifies nothing: "" then, with a note.
  void read_publisher(const Where& document) {
    const auto publisher_node = optional_child(document, m_vocabulary.cvrf, "DocumentPublisher");
    if (!publisher_node) {
      return;
    }
    const Where publisher{&document, publisher_node, 0};
    const auto details_node = optional_child(publisher, m_vocabulary.cvrf, "ContactDetails");
    if (!details_node) {
      return;
    }
    const Where details{&publisher, details_node, 0};
    auto text = text_of(details_node);
    if (is_clean_label(text)) {
      m_advisory.publisher = std::move(text);
    } else if (!text.empty()) {
      note(details.path() + ": not one line of at most 512 bytes; the publisher is left empty");
    }
  }

  // The highest RevisionHistory/Revision/Number; DocumentTracking/Version when there is none.
  void read_revision(const Where& tracking) {
    std::optional<std::vector<std::string>> highest;
    if (const auto history = optional_child(tracking, m_vocabulary.cvrf, "RevisionHistory")) {
      const Where where{&tracking, history, 0};
      each_child(where, m_vocabulary.cvrf, "Revision", [&](const Where& revision) {
        const auto number_node = optional_child(revision, m_vocabulary.cvrf, "Number");
        const auto number = number_node ? text_of(number_node) : std::string();
        const auto key = revision_key(number);
        if (!key || !catalog::is_label(number)) {
          note(revision.path() + ": revision number " + quote_text(number) + " is not a dotted number; not compared");
        } else if (!highest || revision_less(*highest, *key)) {
          highest = key;
          m_advisory.revision = number;
        }
      });
    }
    if (highest) {
      return;
    }
    const auto version_node = optional_child(tracking, m_vocabulary.cvrf, "Version");
    if (!version_node) {
      refuse(tracking.path(), "neither a RevisionHistory/Revision/Number nor a Version says which revision this is");
    }
    m_advisory.revision = required_label(tracking, "Version");
  }

  // Every FullProductName under the ProductTree, at any depth (MSRC lists each twice: in its
  // family's Branch and flat under the tree), walked without recursion, in document order.
  void read_products(const Where& document) {
    const auto tree = optional_child(document, m_vocabulary.prod, "ProductTree");
    if (!tree) {
      return;
    }
    std::deque<Where> wheres{Where{&document, tree, 0}}; // stable addresses for the parent links
    std::vector<const Where*> stack{&wheres.back()};
    std::map<std::string, std::size_t, std::less<>> known; // id -> index in products
    std::vector<const Where*> children;
    std::map<std::string_view, std::size_t> counts;
    while (!stack.empty()) {
      const auto* at = stack.back();
      stack.pop_back();
      if (XmlNamespaces::local_name(at->node) == "FullProductName") {
        read_product(*at, known);
        continue;
      }
      children.clear();
      counts.clear();
      for (auto child = at->node.first_child(); child; child = child.next_sibling()) {
        if (child.type() == pugi::node_element && m_namespaces.uri(child) == m_vocabulary.prod) {
          wheres.push_back(Where{at, child, ++counts[XmlNamespaces::local_name(child)]});
          children.push_back(&wheres.back());
        }
      }
      stack.insert(stack.end(), children.rbegin(), children.rend());
    }
  }

  void read_product(const Where& where, std::map<std::string, std::size_t, std::less<>>& known) {
    auto id =
        checked_product_id(where.node.attribute("ProductID").value(), [&] { return where.path() + "/@ProductID"; });
    // Names are for people and for mapping by name: a name wrapped over lines or carrying a
    // control character reads the same with each such run as one space. An empty name keeps the
    // product (fixes and statuses name it by id), with a note.
    auto name = collapse_space(text_of(where.node));
    if (!name.empty() && !is_clean_label(name)) {
      refuse(where.path(), "product name " + quote_text(name) + " has more than 512 bytes");
    }
    const auto found = known.find(id);
    if (found == known.end()) {
      if (name.empty()) {
        note(where.path() + ": product " + printable(id) + " has no name; kept with an empty one");
      }
      known.emplace(id, m_advisory.products.size());
      m_advisory.products.push_back(AdvisoryProduct{std::move(id), std::move(name)});
    } else if (auto& kept = m_advisory.products[found->second].name; kept.empty()) {
      kept = std::move(name); // an empty name gives way to the first real one
    } else if (!name.empty() && kept != name) {
      note(where.path() + ": product " + printable(id) + " is also named " + quote_text(name) + "; the first name, " +
           quote_text(m_advisory.products[found->second].name) + ", is kept");
    }
  }

  // The ProductID children of an element.
  std::vector<std::string> product_ids(const Where& parent) const {
    std::vector<std::string> ids;
    each_child(parent, m_vocabulary.vuln, "ProductID", [&](const Where& where) {
      ids.push_back(checked_product_id(text_of(where.node), [&] { return where.path(); }));
    });
    return ids;
  }

  void read_vulnerability(const Where& vulnerability) {
    VulnerabilityFacts facts;
    if (const auto cve_node = first_child(vulnerability, m_vocabulary.vuln, "CVE")) {
      auto cve = text_of(cve_node);
      // Only CVE ids are kept as CVEs. MSRC puts its advisories ("ADV200001") where the CVE goes:
      // those are named in notes (facts.label), never kept as a CVE.
      const auto path = [&] { return Where{&vulnerability, cve_node, 0}.path(); };
      if (catalog::is_cve(cve)) {
        facts.cve = cve;
        facts.label = std::move(cve);
      } else if (cve.size() > 3 && cve.starts_with("ADV") && catalog::is_identifier(cve)) {
        note(path() + ": " + cve + " is an advisory id, not a CVE; not kept as one");
        facts.label = std::move(cve);
      } else if (!cve.empty()) {
        note(path() + ": " + quote_text(cve) + " is not a CVE id; the vulnerability's fixes carry none");
      }
    }
    if (const auto statuses = optional_child(vulnerability, m_vocabulary.vuln, "ProductStatuses")) {
      const Where where{&vulnerability, statuses, 0};
      each_child(where, m_vocabulary.vuln, "Status", [&](const Where& status) {
        if (trim(status.node.attribute("Type").value()) == "Known Affected") {
          for (auto& id : product_ids(status)) {
            facts.affected.insert(std::move(id));
          }
        }
      });
    }
    if (const auto threats = optional_child(vulnerability, m_vocabulary.vuln, "Threats")) {
      const Where where{&vulnerability, threats, 0};
      each_child(where, m_vocabulary.vuln, "Threat", [&](const Where& threat) { read_severity(threat, facts); });
    }
    if (const auto remediations = optional_child(vulnerability, m_vocabulary.vuln, "Remediations")) {
      const Where where{&vulnerability, remediations, 0};
      each_child(where, m_vocabulary.vuln, "Remediation", [&](const Where& remediation) {
        if (trim(remediation.node.attribute("Type").value()) == "Vendor Fix") {
          read_vendor_fix(remediation, facts);
        }
      });
    }
    // End-of-life products (XP in 2019-Dec) stay affected with no KB: no fix will say so.
    std::vector<std::string_view> unfixed;
    std::set_difference(facts.affected.begin(), facts.affected.end(), facts.fixed.begin(), facts.fixed.end(),
                        std::back_inserter(unfixed));
    if (!unfixed.empty()) {
      note(vulnerability.path() + ": " + (facts.label.empty() ? std::string("the vulnerability") : facts.label) +
           " leaves known affected product(s) with no KB fix: " + id_list(unfixed));
    }
  }

  static std::string id_list(const std::vector<std::string_view>& ids) {
    std::string list;
    for (const auto id : ids) {
      if (list.size() > 200) {
        return list + ", ... (" + std::to_string(ids.size()) + " in all)";
      }
      list += (list.empty() ? "" : ", ") + printable(id);
    }
    return list;
  }

  // MSRC's Threat Type="Severity": one word for the products it names. Several for one product
  // (Oct-OOB repeats them) give the highest; an empty or unknown word gives none, never a default.
  void read_severity(const Where& threat, VulnerabilityFacts& facts) {
    if (trim(threat.node.attribute("Type").value()) != "Severity") {
      return;
    }
    const auto description = optional_child(threat, m_vocabulary.vuln, "Description");
    const auto word = description ? text_of(description) : std::string();
    const auto products = product_ids(threat);
    const auto severity = severity_of(word);
    if (!severity) {
      note(threat.path() + ": severity " + quote_text(word) +
           " is not Critical, Important, Moderate or Low; no severity from it for " +
           (products.empty() ? std::string("any product") : id_list({products.begin(), products.end()})));
      return;
    }
    if (products.empty()) {
      note(threat.path() + ": a severity for no product; not used");
    }
    for (const auto& id : products) {
      const auto [at, inserted] = facts.severity.emplace(id, *severity);
      if (!inserted) {
        at->second = higher(at->second, *severity);
      }
    }
  }

  void read_vendor_fix(const Where& remediation, VulnerabilityFacts& facts) {
    const auto description = optional_child(remediation, m_vocabulary.vuln, "Description");
    const auto text = description ? text_of(description) : std::string();
    const auto kb = kb_number(text);
    if (!kb) {
      note(remediation.path() + ": Vendor Fix " + quote_text(text) + " is not a KB number; skipped");
      return;
    }
    auto& fix = m_fixes[*kb];
    if (facts.merged.insert(*kb).second) {
      spend(facts.affected.size(), remediation);
      if (!facts.cve.empty()) {
        fix.cves.insert(facts.cve);
      }
      fix.affected_products.insert(facts.affected.begin(), facts.affected.end());
    }
    if (const auto sub_type_node = first_child(remediation, m_vocabulary.vuln, "SubType")) {
      auto sub_type = text_of(sub_type_node);
      if (!sub_type.empty() && !is_clean_label(sub_type)) {
        note(remediation.path() + ": SubType " + quote_text(sub_type) + " is not one printable line; not kept");
      } else if (fix.sub_type.empty()) {
        fix.sub_type = std::move(sub_type);
      } else if (!sub_type.empty() && sub_type != fix.sub_type && !notes_full()) {
        note(remediation.path() + ": " + *kb + " is also a " + quote_text(sub_type) + "; " + quote_text(fix.sub_type) +
             " is kept");
      }
    }
    // The fix's severity for a product comes only from the vulnerabilities it fixes there.
    auto ids = product_ids(remediation);
    spend(ids.size(), remediation);
    for (auto& id : ids) {
      if (const auto severity = facts.severity.find(id); severity != facts.severity.end()) {
        const auto [at, inserted] = fix.severity.emplace(id, severity->second);
        if (!inserted) {
          at->second = higher(at->second, severity->second);
        }
      }
      facts.fixed.insert(id);
      fix.fixed_products.insert(std::move(id));
    }
    each_child(remediation, m_vocabulary.vuln, "Supercedence",
               [&](const Where& supercedence) { read_supersedence(supercedence, *kb, fix); });
  }

  // MSRC's spelling; several KBs separated by "; " or ", ".
  void read_supersedence(const Where& supercedence, const std::string& kb, FixBuilder& fix) {
    const auto text = text_of(supercedence.node);
    std::string_view rest = text;
    while (!rest.empty()) {
      const auto separator = rest.find_first_of(";,");
      const auto entry = trim(rest.substr(0, separator));
      rest = separator == std::string_view::npos ? std::string_view() : rest.substr(separator + 1);
      if (entry.empty()) {
        continue;
      }
      const auto superseded = kb_number(entry);
      if (!superseded) {
        note(supercedence.path() + ": " + quote_text(entry) + " is not a KB number; skipped");
      } else if (*superseded == kb) {
        note(supercedence.path() + ": " + kb + " supersedes itself; skipped");
      } else {
        fix.supersedes.insert(*superseded);
      }
    }
  }

  void collect_fixes() {
    for (auto& [kb, built] : m_fixes) {
      m_advisory.fixes.push_back(std::move(built).finish(kb));
    }
  }

  // A ProductTree or Vulnerability in another namespace (another CVRF version's, say) is not read:
  // say so, since the document would otherwise look merely empty.
  void note_foreign_sections(const Where& document) {
    std::size_t index = 0;
    for (auto child = document.node.first_child(); child; child = child.next_sibling()) {
      if (child.type() != pugi::node_element) {
        continue;
      }
      ++index;
      const auto local = XmlNamespaces::local_name(child);
      const auto uri = m_namespaces.uri(child);
      if ((local == "ProductTree" && uri != m_vocabulary.prod) ||
          (local == "Vulnerability" && uri != m_vocabulary.vuln)) {
        note(document.path() + "/" + std::string(XmlNamespaces::local_name(child)) + " (element " +
             std::to_string(index) + "): in namespace " + quote_text(uri) + ", not this CVRF version's; not read");
      }
    }
  }

  // Product ids are MSRC-global, so a fix may name a product the tree leaves out; the importer
  // has to know, once.
  void note_undefined_products() {
    std::set<std::string_view> defined;
    for (const auto& product : m_advisory.products) {
      defined.insert(product.id);
    }
    std::set<std::string_view> undefined;
    for (const auto& fix : m_advisory.fixes) {
      for (const auto* ids : {&fix.fixed_products, &fix.affected_products}) {
        for (const auto& id : *ids) {
          if (!defined.contains(id)) {
            undefined.insert(id);
          }
        }
      }
    }
    if (undefined.empty()) {
      return;
    }
    note("product id(s) named by fixes but not in the ProductTree: " +
         id_list(std::vector<std::string_view>(undefined.begin(), undefined.end())));
  }

  const XmlNamespaces& m_namespaces;
  Vocabulary m_vocabulary;
  Advisory m_advisory;
  std::map<std::string, FixBuilder> m_fixes; // by KB, hence sorted
  std::size_t m_dropped_notes = 0;
  std::size_t m_product_pairs = 0;
};

// pugixml's offsets are signed, -1 when unknown.
std::string offset_location(std::ptrdiff_t offset) {
  return offset < 0 ? std::string("/") : byte_location(static_cast<std::size_t>(offset));
}

} // namespace

Parsed parse_cvrf(std::string_view bytes) {
  if (bytes.size() > k_max_document_bytes) {
    return refused("/", "the document has " + std::to_string(bytes.size()) + " bytes; at most " +
                            std::to_string(k_max_document_bytes) + " are read");
  }
  if (auto problem = prescan_xml(bytes)) {
    return Parsed{std::nullopt, {std::move(*problem)}};
  }
  pugi::xml_document document;
  // parse_doctype keeps a document type declaration as a node, so that one the prescan missed is
  // still seen and refused below; no DTD is ever read either way.
  const auto result =
      document.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!result) {
    return refused(offset_location(result.offset), std::string("malformed XML: ") + result.description());
  }
  // pugixml accepts several root elements and a DOCTYPE after the root: XML allows neither.
  pugi::xml_node root;
  for (auto child = document.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_doctype) {
      return refused(offset_location(child.offset_debug()),
                     "document type declarations are refused: no entity is expanded or fetched");
    }
    if (child.type() == pugi::node_element) {
      if (root) {
        return refused(offset_location(child.offset_debug()), "a second root element");
      }
      root = child;
    }
  }
  auto namespaces = XmlNamespaces::resolve(root, k_max_depth);
  if (!namespaces) {
    return refused(offset_location(namespaces.error().offset), namespaces.error().message);
  }
  const auto vocabulary = std::find_if(k_vocabularies.begin(), k_vocabularies.end(), [&](const Vocabulary& known) {
    return namespaces->is(root, known.cvrf, "cvrfdoc");
  });
  if (vocabulary == k_vocabularies.end()) {
    const auto uri = namespaces->uri(root);
    return refused(Where{nullptr, root, 0}.path(),
                   "the root element is " + quote_text(XmlNamespaces::local_name(root)) +
                       (uri.empty() ? std::string(" in no namespace") : " in namespace " + quote_text(uri)) +
                       "; CVRF's is cvrfdoc in " + quote_text(k_vocabularies[0].cvrf) + " or " +
                       quote_text(k_vocabularies[1].cvrf));
  }
  try {
    Reader reader(*namespaces, *vocabulary);
    return Parsed{reader.read(root), {}};
  } catch (const Refusal& refusal) {
    return Parsed{std::nullopt, {refusal.problem}};
  }
}

} // namespace lifeline::advisories
