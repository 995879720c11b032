#include "advisories/import.hpp"

#include <algorithm>
#include <iterator>
#include <map>

#include "catalog/identifiers.hpp"

namespace lifeline::advisories {

namespace {

constexpr std::size_t k_max_title_bytes = 400;

// A catalog label: control characters become spaces, cut to `limit` bytes on a UTF-8 boundary.
std::string label_of(std::string text, std::size_t limit) {
  std::replace_if(
      text.begin(), text.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20U || static_cast<unsigned char>(c) == 0x7FU; }, ' ');
  if (text.size() > limit) {
    auto cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
      --cut;
    }
    text.resize(cut);
  }
  return text;
}

// "February 2020 Security Updates: Monthly Rollup KB4537820".
std::string title_of(const Advisory& advisory, const AdvisoryFix& fix) {
  return label_of(advisory.title + ": " + (fix.sub_type.empty() ? std::string() : fix.sub_type + " ") + fix.kb,
                  k_max_title_bytes);
}

} // namespace

std::string source_of(const Advisory& advisory) {
  if (is_msrc(advisory)) {
    return "msrc";
  }
  return advisory.format == Format::csaf ? advisory.publisher : "cvrf";
}

ImportPlan plan_import(const Advisory& advisory, const ProductMapping& mapping,
                       const std::set<std::string>& known_products) {
  ImportPlan plan;
  plan.record = catalog::AdvisoryRecord{source_of(advisory),
                                        advisory.id,
                                        to_string(advisory.format),
                                        advisory.revision,
                                        label_of(advisory.title, k_max_title_bytes),
                                        advisory.initial_release,
                                        advisory.current_release};
  plan.notes = advisory.notes;
  // MSRC's global product ids are in its CVRF documents; its CSAF documents name version ranges
  // with ids local to the document, which only names can map.
  const bool msrc = is_msrc(advisory) && advisory.format == Format::cvrf;
  std::map<std::string, const AdvisoryProduct*> products;
  for (const auto& product : advisory.products) {
    products.emplace(product.id, &product);
  }
  std::set<std::string> unmapped_ids;
  std::set<std::string> unknown_targets;
  const auto lifeline_product = [&](const std::string& id) -> std::optional<std::string> {
    const auto found = products.find(id);
    const AdvisoryProduct named{id, found == products.end() ? std::string() : found->second->name};
    auto mapped = mapping.map(msrc, named);
    if (mapped && !known_products.contains(*mapped)) {
      unknown_targets.insert(*mapped);
      mapped.reset();
    }
    if (!mapped) {
      unmapped_ids.insert(id);
    }
    return mapped;
  };
  for (const auto& fix : advisory.fixes) {
    std::map<std::string, std::optional<catalog::Severity>> ratings;
    for (const auto& id : fix.fixed_products) {
      const auto product = lifeline_product(id);
      if (!product) {
        continue;
      }
      const auto severity = fix.severity.find(id);
      auto& rating = ratings[*product];
      if (severity != fix.severity.end() &&
          (!rating || catalog::severity_rank(severity->second) > catalog::severity_rank(rating))) {
        rating = severity->second;
      }
    }
    if (ratings.empty()) {
      plan.skipped_kbs.push_back(fix.kb);
      continue;
    }
    catalog::AdvisoryUpdate update;
    update.kb = fix.kb;
    update.title = title_of(advisory, fix);
    update.released = advisory.initial_release;
    std::copy_if(fix.cves.begin(), fix.cves.end(), std::back_inserter(update.cves), catalog::is_cve);
    update.supersedes = fix.supersedes;
    for (const auto& [product, severity] : ratings) {
      update.ratings.push_back(catalog::ProductRating{product, severity});
    }
    std::set<std::string> affected;
    for (const auto& id : fix.affected_products) {
      if (const auto product = lifeline_product(id)) {
        affected.insert(*product);
      }
    }
    update.affected.assign(affected.begin(), affected.end());
    plan.updates.push_back(std::move(update));
  }
  for (const auto& id : unmapped_ids) {
    const auto found = products.find(id);
    plan.unmapped.push_back(AdvisoryProduct{id, found == products.end() ? std::string() : found->second->name});
  }
  for (const auto& product : unknown_targets) {
    plan.notes.push_back("the product mapping names " + product + ", which the catalog does not have");
  }
  return plan;
}

} // namespace lifeline::advisories
