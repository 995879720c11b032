#include "server/service/publishing.hpp"

#include <nlohmann/json.hpp>

#include "catalog/target_attributes.hpp"
#include "server/service/archive_bounds.hpp"

namespace lifeline::server::service {

util::Result<catalog::documents::ProductIndex> load_product_index(catalog::Catalog& catalog) {
  auto products = catalog.list_products();
  if (!products) {
    return products.error();
  }
  catalog::documents::ProductIndex index;
  for (auto& product : *products) {
    index.emplace(product.id, std::move(product));
  }
  return index;
}

util::Result<PublishOutcome> publish_update(catalog::Catalog& catalog, signing::Repository& repository,
                                            const std::string& manifest_text, const std::filesystem::path& payload,
                                            const std::string& file_name, const catalog::AuditContext& context,
                                            std::int64_t now) {
  const auto index = load_product_index(catalog);
  if (!index) {
    return index.error();
  }
  PublishOutcome outcome;
  auto parsed = catalog::documents::parse_update_manifest(manifest_text, *index);
  if (!parsed.value) {
    outcome.problems = std::move(parsed.problems);
    return outcome;
  }
  const auto& update = *parsed.value;
  std::vector<signing::NewTarget> targets;
  const auto bounds = archive_bounds(payload);
  for (const auto& rating : update.products) {
    auto custom = nlohmann::ordered_json::parse(catalog::target_custom_json(update, rating.product));
    if (bounds) { // signed, so a device holds the archive to them when it unpacks
      custom["lifeline"]["unpacked"] = {{"entries", bounds->entries}, {"bytes", bounds->bytes}};
    }
    targets.push_back(signing::NewTarget{rating.product, catalog::target_path(update, rating.product, file_name),
                                         payload, custom.dump()});
  }
  // Catalog first: a target is never signed for an update the catalog does not know.
  auto added = catalog.add_update(update, context);
  if (!added) {
    return added.error();
  }
  if (!added->applied()) {
    outcome.problems = std::move(added->problems);
    return outcome;
  }
  auto published = repository.publish(targets, now);
  if (!published) {
    return published.error().with_context("publishing " + update.id);
  }
  outcome.published = std::move(*published);
  return outcome;
}

util::Result<PublishedPayloads> published_payloads(const signing::Repository& repository, const std::string& product) {
  const auto listed = repository.role_targets(product);
  if (!listed) {
    return listed.error();
  }
  std::map<std::string, std::string> payloads;
  for (const auto& [path, custom] : *listed) {
    const auto attributes = nlohmann::json::parse(custom, nullptr, false);
    if (attributes.is_object()) {
      const auto kb = attributes.value("/lifeline/kb"_json_pointer, std::string());
      if (!kb.empty()) {
        payloads.emplace(path, kb);
      }
    }
  }
  return payloads;
}

} // namespace lifeline::server::service
