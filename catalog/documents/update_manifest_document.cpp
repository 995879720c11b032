#include <set>

#include "catalog/documents/document.hpp"
#include "catalog/documents/json_reader.hpp"

namespace lifeline::catalog::documents {

namespace {

void read_ratings(const nlohmann::json& values, ObjectReader& root, Update& update, const ProductIndex& products,
                  std::vector<Problem>& problems) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < values.size(); ++i) {
    ObjectReader reader(values[i], "/products/" + std::to_string(i), problems, {"product", "severity"});
    const auto product_id = reader.string("product", Presence::required, is_identifier, "a product id");
    const auto severity_name =
        reader.string("severity", Presence::optional, nullptr, "critical, important, moderate or low");
    ProductRating rating;
    if (severity_name) {
      rating.severity = parse_severity(*severity_name);
      if (!rating.severity) {
        reader.problem("severity", "CS-8",
                       "\"" + *severity_name + "\" is not an MSRC rating (critical, important, moderate, low)");
      }
    }
    if (update.kind == UpdateKind::security && !reader.has("severity")) {
      reader.problem("severity", "CS-8", "a security update carries an MSRC rating for each product");
    }
    if (update.kind == UpdateKind::hotfix && reader.has("severity")) {
      reader.problem("severity", "CS-11", "a non-security hotfix carries no MSRC rating");
    }
    if (!product_id) {
      continue;
    }
    const auto it = products.find(*product_id);
    if (it == products.end()) {
      reader.problem("product", "CS-2", "unknown product " + *product_id + "; apply it in products.json first");
    } else if (it->second.prerelease) {
      reader.problem("product", "CS-17", *product_id + " is a pre-release product: nothing is published for it");
    }
    if (!seen.insert(*product_id).second) {
      reader.problem("product", "format", *product_id + " is listed twice");
    }
    rating.product = *product_id;
    update.products.push_back(rating);
  }
  if (values.empty()) {
    root.problem("products", "format", "an update applies to at least one product");
  }
}

} // namespace

Parsed<Update> parse_update_manifest(std::string_view text, const ProductIndex& products) {
  Parsed<Update> result;
  auto& problems = result.problems;
  const auto document = parse_strict_json(text, problems);
  if (!document) {
    return result;
  }
  ObjectReader root(*document, "", problems,
                    {"id", "kind", "title", "released", "cves", "products", "requires_service_pack", "language",
                     "supersedes", "regression_tested", "$schema"});
  if (!root.valid()) {
    return result;
  }
  Update update;
  update.id = root.string("id", Presence::required, is_kb, "a KB number (KB1234567)").value_or("");
  const auto kind_name = root.string("kind", Presence::required, nullptr, "\"security\" or \"hotfix\"");
  const auto kind = parse_update_kind(kind_name.value_or(""));
  if (kind_name && !kind) {
    root.problem("kind", "format", "\"" + *kind_name + "\" is not an update kind (security or hotfix)");
  }
  update.kind = kind.value_or(UpdateKind::security);
  update.title = root.string("title", Presence::required).value_or("");
  update.released = root.date("released", Presence::required).value_or(Date{});
  update.cves = root.string_array("cves", Presence::optional, is_cve, "a CVE id (CVE-2018-0001)")
                    .value_or(std::vector<std::string>{});
  update.requires_service_pack = root.string("requires_service_pack", Presence::optional);
  update.language = root.string("language", Presence::optional, is_language_tag, "a language tag (en-US)");
  update.supersedes = root.string_array("supersedes", Presence::optional, is_kb, "a KB number (KB1234567)")
                          .value_or(std::vector<std::string>{});
  update.regression_tested = root.boolean("regression_tested", Presence::optional).value_or(true);
  if (kind == UpdateKind::security && !update.regression_tested) {
    root.problem("regression_tested", "CS-15", "only non-security hotfixes may ship without regression testing");
  }
  for (std::size_t i = 0; i < update.supersedes.size(); ++i) {
    if (update.supersedes[i] == update.id) {
      problems.push_back({"/supersedes/" + std::to_string(i), "format", "an update cannot supersede itself"});
    }
  }
  if (const auto* ratings = root.array("products", Presence::required); ratings && kind) {
    read_ratings(*ratings, root, update, products, problems);
  }
  if (problems.empty()) {
    result.value = std::move(update);
  }
  return result;
}

} // namespace lifeline::catalog::documents
