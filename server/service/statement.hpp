// Issues a device's signed entitlement statement: the targets the rules allow it now, until the
// earliest of the freshness limit, the end of the programme quarter and the end of the contract
// (DESIGN.md, "checked twice"). Shared by `entitlement statement` and the check-in endpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "server/service/offers.hpp"
#include "signing/entitlement_statement.hpp"
#include "signing/repository/repository.hpp"

namespace lifeline::server::service {

struct IssuedStatement {
  signing::EntitlementStatement statement;
  std::string signed_bytes; // the signed JSON document
};

// What a statement says beyond the device and its targets, read from the catalog once.
struct StatementTerms {
  catalog::Product product;
  catalog::Contract contract;
  std::optional<catalog::EnrolmentType> enrolment; // none: not enrolled
};

// Signs the statement of `device` listing `targets` (already the allowed ones), without reading
// the catalog: what a check-in does for each device.
util::Result<IssuedStatement> sign_statement_for(const catalog::Device& device, const StatementTerms& terms,
                                                 std::vector<std::string> targets, const signing::NamedKey& key,
                                                 util::Date at, std::int64_t now, std::int64_t validity_hours = 24);

// The statement lists the payloads of the updates `decisions` allow.
util::Result<IssuedStatement> issue_statement(catalog::Catalog& catalog, const catalog::Device& device,
                                              const std::vector<DeviceDecision>& decisions,
                                              const PublishedPayloads& payloads, const signing::NamedKey& key,
                                              util::Date at, std::int64_t now, std::int64_t validity_hours = 24);

} // namespace lifeline::server::service
