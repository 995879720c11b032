// Publishing one update: its manifest into the catalog, then its payload signed into every
// product role it names. Shared by `publish` and the operators' endpoint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "server/service/repository_cache.hpp"
#include "signing/repository/repository.hpp"

namespace lifeline::server::service {

struct PublishOutcome {
  std::vector<catalog::documents::Problem> problems; // the manifest was refused: nothing published
  std::vector<signing::PublishedTarget> published;
};

// Every product of the catalog, by id: what manifests and orders are checked against.
util::Result<catalog::documents::ProductIndex> load_product_index(catalog::Catalog& catalog);

// `file_name` names the payload in its target path ([A-Za-z0-9._-], 64 at most).
util::Result<PublishOutcome> publish_update(catalog::Catalog& catalog, signing::Repository& repository,
                                            const std::string& manifest_text, const std::filesystem::path& payload,
                                            const std::string& file_name, const catalog::AuditContext& context,
                                            std::int64_t now);

// Every published payload of a product role: target path -> update (KB).
util::Result<PublishedPayloads> published_payloads(const signing::Repository& repository, const std::string& product);

} // namespace lifeline::server::service
