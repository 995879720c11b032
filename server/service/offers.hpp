// What a caller is offered: for a device, the updates of its product that the rules allow and
// nothing supersedes, and those withheld with their reasons; for a designated contact, the
// entitled updates of the customer's products; the security bulletins of CS-16.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "server/service/repository_cache.hpp"

namespace lifeline::server::service {

// One decision per update that rates the device's product, made once per check-in and read by
// both the offer and the entitlement statement.
struct DeviceDecision {
  catalog::Update update;
  catalog::rules::Decision decision;
  bool installed = false;
};
util::Result<std::vector<DeviceDecision>> decide_device_updates(catalog::Catalog& catalog,
                                                                const catalog::Device& device, util::Date at);

struct OfferedUpdate {
  catalog::Update update;
  std::string product;
  std::vector<std::string> targets; // target paths of the payload
  bool installed = false;
  bool not_regression_tested = false; // CS-15 label
};

struct WithheldUpdate {
  catalog::Update update;
  std::string product;
  std::vector<catalog::rules::Finding> findings; // why the rules refuse it
  std::optional<std::string> superseded_by;      // or: an offered update replaces it
};

struct Offer {
  std::vector<OfferedUpdate> offered;
  std::vector<WithheldUpdate> withheld;
};

// `payloads` come from the repository's product role (RepositoryView::payloads).
Offer device_offer(const std::vector<DeviceDecision>& decisions, const std::string& product,
                   const PublishedPayloads& payloads);
util::Result<Offer> contact_offer(catalog::Catalog& catalog, const std::string& email,
                                  const std::map<std::string, PublishedPayloads>& payloads_by_product, util::Date at);

// Security bulletins (CS-16): the security updates that rate a product the customer enrolled.
// Level 1 customers get none: the refusal names SUPPORT_LEVEL_TOO_LOW.
struct Bulletin {
  catalog::Update update;
  std::vector<std::string> products; // the customer's enrolled products it rates
};
struct Bulletins {
  std::vector<catalog::rules::Finding> refusals; // why the customer gets none
  std::vector<Bulletin> bulletins;               // newest first
};
util::Result<Bulletins> bulletins(catalog::Catalog& catalog, const std::string& customer_id, util::Date at);

} // namespace lifeline::server::service
