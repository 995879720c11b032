// Hand-written checks of the CSAF 2.0 schema's rules for the members Lifeline reads, and the
// mandatory tests on product and group ids. Policy:
// - on the objects Lifeline reads (the root, document, publisher, tracking, product tree,
//   branches, products, groups, relationships, vulnerabilities, product status, remediations,
//   threats) types, formats, required members are checked, and a member outside the schema's
//   property list is refused, since a misspelt "product_ids" would otherwise silently drop
//   products. The root may also carry "$schema" (real producers emit it; CSAF 2.1 requires it);
// - members Lifeline does not read (notes, references, acknowledgments, distribution, generator,
//   aliases, revision history items, flags, scores and their CVSS objects, dates other than the
//   tracking's, titles of vulnerabilities, summaries...) are only type-checked at their top: an
//   unknown sub-member, an empty list or a date written "+0000" there refuses nothing. Flags and
//   scores still have their product and group ids checked (6.1.1, 6.1.4).
#include "advisories/csaf_checks.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <set>

#include <nlohmann/json.hpp>

#include "advisories/text.hpp"
#include "util/date.hpp"

namespace lifeline::advisories::csaf {

namespace {

using nlohmann::json;
using Names = std::initializer_list<std::string_view>;

constexpr std::size_t k_max_problems = 50; // a hostile document gets a readable report, not millions of lines

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// 0 or a number without leading zeros.
bool is_numeric_identifier(std::string_view text) {
  return all_digits(text) && (text.size() == 1 || text[0] != '0');
}

// Dot-separated non-empty identifiers of [0-9A-Za-z-]; numeric ones without leading zeros when
// `numeric_strict` (semver pre-release), any digits otherwise (semver build metadata).
bool is_semver_identifiers(std::string_view text, bool numeric_strict) {
  while (true) {
    const auto dot = text.find('.');
    const auto part = text.substr(0, dot);
    if (part.empty() || !std::all_of(part.begin(), part.end(), [](char c) {
          return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
        })) {
      return false;
    }
    if (numeric_strict && all_digits(part) && !is_numeric_identifier(part)) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    text.remove_prefix(dot + 1);
  }
}

// version_t: an integer version ("1", "12") or a semantic version ("1.0.2-rc.1+build.5").
bool is_version(std::string_view text) {
  if (is_numeric_identifier(text)) {
    return true;
  }
  auto core = text.substr(0, text.find_first_of("-+"));
  auto rest = text.substr(core.size());
  for (int i = 0; i < 3; ++i) {
    const auto dot = core.find('.');
    if ((i < 2) == (dot == std::string_view::npos) || !is_numeric_identifier(core.substr(0, dot))) {
      return false;
    }
    core = i < 2 ? core.substr(dot + 1) : std::string_view{};
  }
  if (rest.starts_with('-')) {
    const auto plus = rest.find('+');
    if (!is_semver_identifiers(rest.substr(1, plus == std::string_view::npos ? plus : plus - 1), true)) {
      return false;
    }
    rest = plus == std::string_view::npos ? std::string_view{} : rest.substr(plus);
  }
  return rest.empty() || (rest.starts_with('+') && is_semver_identifiers(rest.substr(1), false));
}

unsigned two_digits(std::string_view text, std::size_t at) {
  return static_cast<unsigned>(text[at] - '0') * 10U + static_cast<unsigned>(text[at + 1] - '0');
}

bool digits_at(std::string_view text, std::size_t at, std::size_t count) {
  return text.size() >= at + count && all_digits(text.substr(at, count));
}

// RFC 3339 date-time, as JSON schema's "date-time" format: 2025-07-08T07:00:00.000Z.
bool is_date_time(std::string_view text) {
  if (text.size() < 20 || !util::Date::parse(text.substr(0, 10)) || (text[10] != 'T' && text[10] != 't') ||
      !digits_at(text, 11, 2) || text[13] != ':' || !digits_at(text, 14, 2) || text[16] != ':' ||
      !digits_at(text, 17, 2) || two_digits(text, 11) > 23 || two_digits(text, 14) > 59 || two_digits(text, 17) > 60) {
    return false;
  }
  auto zone = text.substr(19);
  if (zone.starts_with('.')) {
    const auto end = zone.find_first_not_of("0123456789", 1);
    if (end == 1 || end == std::string_view::npos) {
      return false;
    }
    zone.remove_prefix(end);
  }
  if (zone == "Z" || zone == "z") {
    return true;
  }
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits_at(zone, 1, 2) && zone[3] == ':' &&
         digits_at(zone, 4, 2) && two_digits(zone, 1) <= 23 && two_digits(zone, 4) <= 59;
}

// An absolute URI (RFC 3986): a scheme, ':', and no character that a URI never contains raw.
bool is_uri(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(text[0]))) {
    return false;
  }
  for (std::size_t i = 1; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte >= 0x7F || std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos;
  });
}

// CVE-YYYY-NNNN..., the schema's ^CVE-[0-9]{4}-[0-9]{4,}$.
bool is_cve(std::string_view text) {
  return text.size() >= 13 && text.starts_with("CVE-") && digits_at(text, 4, 4) && text[8] == '-' &&
         all_digits(text.substr(9));
}

// Document text in a message: shortened, control characters escaped (advisories/text.hpp).
std::string in_quotes(std::string_view text) {
  return quote_text(text);
}

class Checker {
 public:
  std::vector<Problem> problems;
  std::size_t dropped = 0;

  void fail(const std::string& pointer, std::string message) {
    if (problems.size() < k_max_problems) {
      problems.push_back(Problem{pointer, std::move(message)});
    } else {
      ++dropped;
    }
  }

  // An object whose members are all in `allowed` and which has every member in `required`.
  bool object(const json& value, const std::string& pointer, Names allowed, Names required = {}) {
    if (!value.is_object()) {
      fail(pointer, "expected an object, found " + std::string(value.type_name()));
      return false;
    }
    for (const auto& item : value.items()) {
      const auto& key = item.key();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(pointer + "/" + pointer_token(key), "member " + in_quotes(key) + " is not in the CSAF 2.0 schema here");
      }
    }
    for (const auto name : required) {
      if (!value.contains(name)) {
        fail(pointer, "required member " + in_quotes(name) + " is missing");
      }
    }
    return true;
  }

  // An object Lifeline does not read beyond the members named in `required`: any other member
  // is let be.
  bool loose_object(const json& value, const std::string& pointer, Names required = {}) {
    if (!value.is_object()) {
      fail(pointer, "expected an object, found " + std::string(value.type_name()));
      return false;
    }
    for (const auto name : required) {
      if (!value.contains(name)) {
        fail(pointer, "required member " + in_quotes(name) + " is missing");
      }
    }
    return true;
  }

  // A string Lifeline does not read: its type is checked, not its content.
  void any_string(const json& value, const std::string& pointer) {
    if (!value.is_string()) {
      fail(pointer, "expected a string, found " + std::string(value.type_name()));
    }
  }

  // A title or an id, kept as written after trimming: one printable line of 1 to 512 bytes.
  // Control characters (U+0001, DEL, C1...) and line breaks are refused, not replaced: such a
  // title is a damaged document, and a repaired one would be shown as if the publisher wrote it.
  void label(const json& value, const std::string& pointer) {
    const auto* text = string(value, pointer);
    if (text != nullptr && !is_clean_label(trim(*text))) {
      fail(pointer, in_quotes(*text) + " is not one printable line of at most 512 bytes");
    }
  }

  bool array(const json& value, const std::string& pointer, std::size_t min_items = 1) {
    if (!value.is_array()) {
      fail(pointer, "expected an array, found " + std::string(value.type_name()));
      return false;
    }
    if (value.size() < min_items) {
      fail(pointer,
           "expected at least " + std::to_string(min_items) + " item(s), found " + std::to_string(value.size()));
    }
    return true;
  }

  // A string of at least one character; the string itself or nullptr.
  const std::string* string(const json& value, const std::string& pointer) {
    const auto* text = value.get_ptr<const std::string*>();
    if (text == nullptr) {
      fail(pointer, "expected a string, found " + std::string(value.type_name()));
    } else if (text->empty()) {
      fail(pointer, "expected a non-empty string");
      return nullptr;
    }
    return text;
  }

  void one_of(const json& value, const std::string& pointer, Names allowed) {
    const auto* text = string(value, pointer);
    if (text != nullptr && std::find(allowed.begin(), allowed.end(), *text) == allowed.end()) {
      std::string list;
      for (const auto name : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(name);
      }
      fail(pointer, in_quotes(*text) + " is not one of " + list);
    }
  }

  void date_time(const json& value, const std::string& pointer) {
    const auto* text = string(value, pointer);
    if (text != nullptr && !is_date_time(*text)) {
      fail(pointer, in_quotes(*text) + " is not an RFC 3339 date-time (2025-07-08T07:00:00Z)");
    }
  }

  void uri(const json& value, const std::string& pointer) {
    const auto* text = string(value, pointer);
    if (text != nullptr && !is_uri(*text)) {
      fail(pointer, in_quotes(*text) + " is not a URI");
    }
  }

  void version(const json& value, const std::string& pointer) {
    const auto* text = string(value, pointer);
    if (text != nullptr && !is_version(*text)) {
      fail(pointer, in_quotes(*text) + " is not a CSAF version (an integer or a semantic version)");
    }
  }

  // products_t / product_groups_t: at least one id, each a non-empty string, no repeats.
  void ids(const json& value, const std::string& pointer) {
    if (!array(value, pointer)) {
      return;
    }
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const auto* id = string(value[i], pointer + "/" + std::to_string(i));
      if (id != nullptr && !seen.insert(*id).second) {
        fail(pointer + "/" + std::to_string(i), in_quotes(*id) + " is listed twice (items must be unique)");
      }
    }
  }

  // Calls `check` on the member `name` of `object` with its pointer, when there is one.
  template <typename Check>
  void member(const json& object, const std::string& pointer, std::string_view name, Check&& check) {
    if (!object.is_object()) {
      return;
    }
    const auto found = object.find(name);
    if (found != object.end()) {
      check(*found, pointer + "/" + std::string(name));
    }
  }

  void document(const json& value, const std::string& pointer);
  void tracking(const json& value, const std::string& pointer);
  void product_tree(const json& value, const std::string& pointer);
  void branches(const json& value, const std::string& pointer);
  void full_product_name(const json& value, const std::string& pointer);
  void vulnerability(const json& value, const std::string& pointer);
};

void Checker::document(const json& value, const std::string& pointer) {
  if (!object(value, pointer,
              {"acknowledgments", "aggregate_severity", "category", "csaf_version", "distribution", "lang", "notes",
               "publisher", "references", "source_lang", "title", "tracking"},
              {"category", "csaf_version", "publisher", "title", "tracking"})) {
    return;
  }
  const auto is_array = [this](const json& v, const std::string& p) { array(v, p, 0); };
  const auto is_object = [this](const json& v, const std::string& p) { loose_object(v, p); };
  const auto is_string = [this](const json& v, const std::string& p) { any_string(v, p); };
  member(value, pointer, "acknowledgments", is_array);
  member(value, pointer, "notes", is_array);
  member(value, pointer, "references", is_array);
  member(value, pointer, "distribution", is_object);
  member(value, pointer, "lang", is_string);
  member(value, pointer, "source_lang", is_string);
  member(value, pointer, "category", [this](const json& v, const std::string& p) {
    string(v, p); // free text in CSAF 2.0 ("Cisco Security Advisory")
  });
  member(value, pointer, "title", [this](const json& v, const std::string& p) { label(v, p); });
  member(value, pointer, "csaf_version", [this](const json& v, const std::string& p) { one_of(v, p, {"2.0"}); });
  member(value, pointer, "aggregate_severity", [this](const json& v, const std::string& p) {
    if (object(v, p, {"namespace", "text"}, {"text"})) {
      member(v, p, "namespace", [this](const json& w, const std::string& q) { uri(w, q); });
      member(v, p, "text", [this](const json& w, const std::string& q) { string(w, q); });
    }
  });
  member(value, pointer, "publisher", [this](const json& v, const std::string& p) {
    if (!object(v, p, {"category", "contact_details", "issuing_authority", "name", "namespace"},
                {"category", "name", "namespace"})) {
      return;
    }
    member(v, p, "category", [this](const json& w, const std::string& q) {
      one_of(w, q, {"coordinator", "discoverer", "other", "translator", "user", "vendor"});
    });
    member(v, p, "name", [this](const json& w, const std::string& q) { string(w, q); });
    member(v, p, "namespace", [this](const json& w, const std::string& q) { uri(w, q); });
    member(v, p, "contact_details", [this](const json& w, const std::string& q) { any_string(w, q); });
    member(v, p, "issuing_authority", [this](const json& w, const std::string& q) { any_string(w, q); });
  });
  member(value, pointer, "tracking", [this](const json& v, const std::string& p) { tracking(v, p); });
}

void Checker::tracking(const json& value, const std::string& pointer) {
  if (!object(value, pointer,
              {"aliases", "current_release_date", "generator", "id", "initial_release_date", "revision_history",
               "status", "version"},
              {"current_release_date", "id", "initial_release_date", "revision_history", "status", "version"})) {
    return;
  }
  member(value, pointer, "id", [this](const json& v, const std::string& p) { label(v, p); });
  member(value, pointer, "status", [this](const json& v, const std::string& p) {
    one_of(v, p, {"draft", "final", "interim"});
  });
  member(value, pointer, "version", [this](const json& v, const std::string& p) { version(v, p); });
  member(value, pointer, "initial_release_date", [this](const json& v, const std::string& p) { date_time(v, p); });
  member(value, pointer, "current_release_date", [this](const json& v, const std::string& p) { date_time(v, p); });
  member(value, pointer, "aliases", [this](const json& v, const std::string& p) { array(v, p, 0); });
  member(value, pointer, "generator", [this](const json& v, const std::string& p) { loose_object(v, p); });
  member(value, pointer, "revision_history", [this](const json& v, const std::string& p) {
    if (!array(v, p)) {
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto item = p + "/" + std::to_string(i);
      // Mandatory but not read (the revision is tracking.version): shapes, not formats.
      if (loose_object(v[i], item, {"date", "number", "summary"})) {
        for (const auto name : {"date", "legacy_version", "number", "summary"}) {
          member(v[i], item, name, [this](const json& w, const std::string& q) { any_string(w, q); });
        }
      }
    }
  });
}

void Checker::full_product_name(const json& value, const std::string& pointer) {
  if (!object(value, pointer, {"name", "product_id", "product_identification_helper"}, {"name", "product_id"})) {
    return;
  }
  member(value, pointer, "name", [this](const json& v, const std::string& p) { string(v, p); });
  member(value, pointer, "product_id", [this](const json& v, const std::string& p) { string(v, p); });
  member(value, pointer, "product_identification_helper",
         [this](const json& v, const std::string& p) { loose_object(v, p); });
}

// Recursive, but no deeper than the parser's nesting limit allows.
void Checker::branches(const json& value, const std::string& pointer) {
  if (!array(value, pointer)) {
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto item = pointer + "/" + std::to_string(i);
    const auto& branch = value[i];
    if (!object(branch, item, {"branches", "category", "name", "product"}, {"category", "name"})) {
      continue;
    }
    // The schema's minProperties = maxProperties = 3: a branch has sub-branches or a product.
    if (branch.contains("branches") == branch.contains("product")) {
      fail(item, "a branch has either \"branches\" or \"product\", and exactly one of them");
    }
    member(branch, item, "category", [this](const json& v, const std::string& p) {
      one_of(v, p,
             {"architecture", "host_name", "language", "legacy", "patch_level", "product_family", "product_name",
              "product_version", "product_version_range", "service_pack", "specification", "vendor"});
    });
    member(branch, item, "name", [this](const json& v, const std::string& p) { string(v, p); });
    member(branch, item, "product", [this](const json& v, const std::string& p) { full_product_name(v, p); });
    member(branch, item, "branches", [this](const json& v, const std::string& p) { branches(v, p); });
  }
}

void Checker::product_tree(const json& value, const std::string& pointer) {
  if (!object(value, pointer, {"branches", "full_product_names", "product_groups", "relationships"})) {
    return;
  }
  if (value.empty()) {
    fail(pointer, "expected at least one member");
  }
  member(value, pointer, "branches", [this](const json& v, const std::string& p) { branches(v, p); });
  member(value, pointer, "full_product_names", [this](const json& v, const std::string& p) {
    if (array(v, p)) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        full_product_name(v[i], p + "/" + std::to_string(i));
      }
    }
  });
  member(value, pointer, "product_groups", [this](const json& v, const std::string& p) {
    if (!array(v, p)) {
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto item = p + "/" + std::to_string(i);
      if (object(v[i], item, {"group_id", "product_ids", "summary"}, {"group_id", "product_ids"})) {
        member(v[i], item, "group_id", [this](const json& w, const std::string& q) { string(w, q); });
        member(v[i], item, "summary", [this](const json& w, const std::string& q) { any_string(w, q); });
        member(v[i], item, "product_ids", [this](const json& w, const std::string& q) {
          ids(w, q);
          if (w.is_array() && w.size() == 1) {
            fail(q, "a product group lists at least 2 product ids");
          }
        });
      }
    }
  });
  member(value, pointer, "relationships", [this](const json& v, const std::string& p) {
    if (!array(v, p)) {
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto item = p + "/" + std::to_string(i);
      if (!object(v[i], item, {"category", "full_product_name", "product_reference", "relates_to_product_reference"},
                  {"category", "full_product_name", "product_reference", "relates_to_product_reference"})) {
        continue;
      }
      member(v[i], item, "category", [this](const json& w, const std::string& q) {
        one_of(w, q,
               {"default_component_of", "external_component_of", "installed_on", "installed_with",
                "optional_component_of"});
      });
      member(v[i], item, "full_product_name", [this](const json& w, const std::string& q) { full_product_name(w, q); });
      member(v[i], item, "product_reference", [this](const json& w, const std::string& q) { string(w, q); });
      member(v[i], item, "relates_to_product_reference", [this](const json& w, const std::string& q) { string(w, q); });
    }
  });
}

void Checker::vulnerability(const json& value, const std::string& pointer) {
  if (!object(value, pointer,
              {"acknowledgments", "cve", "cwe", "discovery_date", "flags", "ids", "involvements", "notes",
               "product_status", "references", "release_date", "remediations", "scores", "threats", "title"})) {
    return;
  }
  if (value.empty()) {
    fail(pointer, "expected at least one member");
  }
  const auto is_array = [this](const json& v, const std::string& p) { array(v, p, 0); };
  const auto product_ids = [this](const json& v, const std::string& p) { ids(v, p); };
  // No date of a vulnerability is read: only the tracking dates are held to RFC 3339.
  const auto unread_date = [this](const json& v, const std::string& p) { any_string(v, p); };
  for (const auto name : {"acknowledgments", "ids", "involvements", "notes", "references"}) {
    member(value, pointer, name, is_array);
  }
  member(value, pointer, "discovery_date", unread_date);
  member(value, pointer, "release_date", unread_date);
  member(value, pointer, "title", [this](const json& v, const std::string& p) { any_string(v, p); });
  member(value, pointer, "cwe", [this](const json& v, const std::string& p) { loose_object(v, p); });
  member(value, pointer, "cve", [this](const json& v, const std::string& p) {
    const auto* cve = string(v, p);
    if (cve != nullptr && !is_cve(*cve)) {
      fail(p, in_quotes(*cve) + " is not a CVE id (CVE-YYYY-NNNN)");
    }
  });
  member(value, pointer, "product_status", [this, &product_ids](const json& v, const std::string& p) {
    const Names lists = {"first_affected",     "first_fixed",   "fixed",       "known_affected",
                         "known_not_affected", "last_affected", "recommended", "under_investigation"};
    if (!object(v, p, lists)) {
      return;
    }
    if (v.empty()) {
      fail(p, "expected at least one member");
    }
    for (const auto name : lists) {
      member(v, p, name, product_ids);
    }
  });
  // Items of remediations, threats, flags and scores: each check below reads one item.
  const auto items = [this, &value, &pointer](std::string_view name, const auto& check) {
    member(value, pointer, name, [this, &check](const json& v, const std::string& p) {
      if (array(v, p)) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          check(v[i], p + "/" + std::to_string(i));
        }
      }
    });
  };
  items("remediations", [this, &product_ids, &unread_date](const json& v, const std::string& p) {
    if (!object(v, p,
                {"category", "date", "details", "entitlements", "group_ids", "product_ids", "restart_required", "url"},
                {"category", "details"})) {
      return;
    }
    member(v, p, "category", [this](const json& w, const std::string& q) {
      one_of(w, q, {"mitigation", "no_fix_planned", "none_available", "vendor_fix", "workaround"});
    });
    member(v, p, "details", [this](const json& w, const std::string& q) { string(w, q); });
    member(v, p, "date", unread_date);
    member(v, p, "url", [this](const json& w, const std::string& q) { uri(w, q); });
    member(v, p, "product_ids", product_ids);
    member(v, p, "group_ids", product_ids);
    member(v, p, "entitlements", [this](const json& w, const std::string& q) { array(w, q, 0); });
    member(v, p, "restart_required", [this](const json& w, const std::string& q) { loose_object(w, q); });
  });
  items("threats", [this, &product_ids, &unread_date](const json& v, const std::string& p) {
    if (!object(v, p, {"category", "date", "details", "group_ids", "product_ids"}, {"category", "details"})) {
      return;
    }
    member(v, p, "category", [this](const json& w, const std::string& q) {
      one_of(w, q, {"exploit_status", "impact", "target_set"});
    });
    member(v, p, "details", [this](const json& w, const std::string& q) { string(w, q); });
    member(v, p, "date", unread_date);
    member(v, p, "product_ids", product_ids);
    member(v, p, "group_ids", product_ids);
  });
  // Flags are not read; their ids are still checked (6.1.1, 6.1.4).
  items("flags", [this, &product_ids, &unread_date](const json& v, const std::string& p) {
    if (!loose_object(v, p, {"label"})) {
      return;
    }
    member(v, p, "label", [this](const json& w, const std::string& q) { any_string(w, q); });
    member(v, p, "date", unread_date);
    member(v, p, "product_ids", product_ids);
    member(v, p, "group_ids", product_ids);
  });
  // Scores are never used as severities; their products are still checked (6.1.1). The CVSS
  // objects follow FIRST's schemas, which Lifeline does not read into.
  items("scores", [this, &product_ids](const json& v, const std::string& p) {
    if (!loose_object(v, p, {"products"})) {
      return;
    }
    member(v, p, "products", product_ids);
    for (const auto name : {"cvss_v2", "cvss_v3"}) {
      member(v, p, name, [this](const json& w, const std::string& q) { loose_object(w, q); });
    }
  });
}

// 6.1.2 / 6.1.5 collect definitions, then 6.1.1 / 6.1.4 look every reference up.
class Definitions {
 public:
  Checked result;

  void define_product(const json& full_product_name, const std::string& pointer) {
    const auto& id = full_product_name["product_id"].get_ref<const std::string&>();
    const auto [at, inserted] = m_products.emplace(id, pointer + "/product_id");
    if (!inserted) {
      fail(pointer + "/product_id",
           "product id " + in_quotes(id) + " is already defined at " + at->second + " (CSAF 6.1.2)");
      return;
    }
    result.products.push_back(AdvisoryProduct{id, full_product_name["name"].get_ref<const std::string&>()});
  }

  void branches(const json& list, const std::string& pointer) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto item = pointer + "/" + std::to_string(i);
      if (const auto product = list[i].find("product"); product != list[i].end()) {
        define_product(*product, item + "/product");
      }
      if (const auto sub = list[i].find("branches"); sub != list[i].end()) {
        branches(*sub, item + "/branches");
      }
    }
  }

  void define_groups(const json& groups) {
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const auto pointer = "/product_tree/product_groups/" + std::to_string(i);
      const auto& id = groups[i]["group_id"].get_ref<const std::string&>();
      const auto [at, inserted] = m_groups.emplace(id, pointer + "/group_id");
      if (!inserted) {
        fail(pointer + "/group_id",
             "product group id " + in_quotes(id) + " is already defined at " + at->second + " (CSAF 6.1.5)");
        continue;
      }
      auto& members = result.groups[id];
      for (const auto& product : groups[i]["product_ids"]) {
        members.push_back(product.get<std::string>());
      }
    }
  }

  void product_reference(const json& id, const std::string& pointer) {
    const auto& text = id.get_ref<const std::string&>();
    if (!m_products.contains(text)) {
      fail(pointer, "product id " + in_quotes(text) + " is not defined in /product_tree (CSAF 6.1.1)");
    }
  }

  void product_list(const json& object, const std::string& pointer, std::string_view name) {
    if (const auto list = object.find(name); list != object.end()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        product_reference((*list)[i], pointer + "/" + std::string(name) + "/" + std::to_string(i));
      }
    }
  }

  void group_list(const json& object, const std::string& pointer) {
    if (const auto list = object.find("group_ids"); list != object.end()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto& text = (*list)[i].get_ref<const std::string&>();
        if (!m_groups.contains(text)) {
          fail(pointer + "/group_ids/" + std::to_string(i),
               "product group id " + in_quotes(text) + " is not defined in /product_tree/product_groups (CSAF 6.1.4)");
        }
      }
    }
  }

  void fail(const std::string& pointer, std::string message) {
    if (result.problems.size() < k_max_problems) {
      result.problems.push_back(Problem{pointer, std::move(message)});
    }
  }

 private:
  std::map<std::string, std::string> m_products; // id -> pointer of its definition
  std::map<std::string, std::string> m_groups;
};

// Runs on a document that passed the type checks, so every member read here has its schema type.
Checked check_ids(const json& root) {
  Definitions definitions;
  const auto tree = root.find("product_tree");
  if (tree != root.end()) {
    if (const auto branches = tree->find("branches"); branches != tree->end()) {
      definitions.branches(*branches, "/product_tree/branches");
    }
    if (const auto names = tree->find("full_product_names"); names != tree->end()) {
      for (std::size_t i = 0; i < names->size(); ++i) {
        definitions.define_product((*names)[i], "/product_tree/full_product_names/" + std::to_string(i));
      }
    }
    if (const auto relationships = tree->find("relationships"); relationships != tree->end()) {
      for (std::size_t i = 0; i < relationships->size(); ++i) {
        definitions.define_product((*relationships)[i]["full_product_name"],
                                   "/product_tree/relationships/" + std::to_string(i) + "/full_product_name");
      }
    }
    if (const auto groups = tree->find("product_groups"); groups != tree->end()) {
      definitions.define_groups(*groups);
      for (std::size_t i = 0; i < groups->size(); ++i) {
        definitions.product_list((*groups)[i], "/product_tree/product_groups/" + std::to_string(i), "product_ids");
      }
    }
    if (const auto relationships = tree->find("relationships"); relationships != tree->end()) {
      for (std::size_t i = 0; i < relationships->size(); ++i) {
        const auto pointer = "/product_tree/relationships/" + std::to_string(i);
        definitions.product_reference((*relationships)[i]["product_reference"], pointer + "/product_reference");
        definitions.product_reference((*relationships)[i]["relates_to_product_reference"],
                                      pointer + "/relates_to_product_reference");
      }
    }
  }
  const auto vulnerabilities = root.find("vulnerabilities");
  for (std::size_t v = 0; vulnerabilities != root.end() && v < vulnerabilities->size(); ++v) {
    const auto& vulnerability = (*vulnerabilities)[v];
    const auto pointer = "/vulnerabilities/" + std::to_string(v);
    if (const auto status = vulnerability.find("product_status"); status != vulnerability.end()) {
      for (const auto name : {"first_affected", "first_fixed", "fixed", "known_affected", "known_not_affected",
                              "last_affected", "recommended", "under_investigation"}) {
        definitions.product_list(*status, pointer + "/product_status", name);
      }
    }
    for (const auto list : {"remediations", "threats", "flags"}) {
      if (const auto items = vulnerability.find(list); items != vulnerability.end()) {
        for (std::size_t i = 0; i < items->size(); ++i) {
          const auto item = pointer + "/" + list + "/" + std::to_string(i);
          definitions.product_list((*items)[i], item, "product_ids");
          definitions.group_list((*items)[i], item);
        }
      }
    }
    if (const auto scores = vulnerability.find("scores"); scores != vulnerability.end()) {
      for (std::size_t i = 0; i < scores->size(); ++i) {
        definitions.product_list((*scores)[i], pointer + "/scores/" + std::to_string(i), "products");
      }
    }
  }
  return std::move(definitions.result);
}

} // namespace

std::string pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (const char c : token) {
    out += c == '~' ? std::string_view("~0") : c == '/' ? std::string_view("~1") : std::string_view(&c, 1);
  }
  // Tokens are the document's keys: shortened, control characters escaped, like quoted text.
  return printable(out);
}

Checked check(const json& root) {
  Checker checker;
  if (checker.object(root, "", {"$schema", "document", "product_tree", "vulnerabilities"}, {"document"})) {
    checker.member(root, "", "$schema", [&checker](const json& v, const std::string& p) { checker.any_string(v, p); });
    checker.member(root, "", "document", [&checker](const json& v, const std::string& p) { checker.document(v, p); });
    checker.member(root, "", "product_tree",
                   [&checker](const json& v, const std::string& p) { checker.product_tree(v, p); });
    checker.member(root, "", "vulnerabilities", [&checker](const json& v, const std::string& p) {
      if (checker.array(v, p)) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          checker.vulnerability(v[i], p + "/" + std::to_string(i));
        }
      }
    });
  }
  if (checker.problems.empty()) {
    return check_ids(root);
  }
  if (checker.dropped > 0) {
    checker.problems.push_back(Problem{"", std::to_string(checker.dropped) + " more problem(s) not listed"});
  }
  // Problems at the root are named "/" (the whole document) rather than the empty pointer.
  for (auto& problem : checker.problems) {
    if (problem.location.empty()) {
      problem.location = "/";
    }
  }
  return Checked{std::move(checker.problems), {}, {}};
}

} // namespace lifeline::advisories::csaf
