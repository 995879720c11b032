// Issues a device's signed entitlement statement: the targets the rules allow it now, until the
// earliest of the freshness limit, the end of the programme quarter and the end of the contract
// (DESIGN.md, "checked twice"). Shared by `entitlement statement` and the check-in endpoint.
#pragma once

#include <cstdint>
#include <string>

#include "catalog/catalog.hpp"
#include "server/service/offers.hpp"
#include "signing/entitlement_statement.hpp"
#include "signing/repository/repository.hpp"

namespace lifeline::server::service {

struct IssuedStatement {
  signing::EntitlementStatement statement;
  std::string signed_bytes; // the signed JSON document
};

// The statement lists the payloads of the updates `decisions` allow.
util::Result<IssuedStatement> issue_statement(catalog::Catalog& catalog, const catalog::Device& device,
                                              const std::vector<DeviceDecision>& decisions,
                                              const PublishedPayloads& payloads, const signing::NamedKey& key,
                                              util::Date at, std::int64_t now, std::int64_t validity_hours = 24);

} // namespace lifeline::server::service
