#include "server/service/offers.hpp"

#include <algorithm>
#include <set>

namespace lifeline::server::service {

namespace {

using catalog::Reason;

bool names(const std::vector<catalog::rules::Finding>& findings, Reason reason) {
  return std::any_of(findings.begin(), findings.end(), [&](const auto& f) { return f.reason == reason; });
}

std::vector<std::string> targets_of(const PublishedPayloads& payloads, const std::string& update_id) {
  std::vector<std::string> targets;
  for (const auto& [path, kb] : payloads) {
    if (kb == update_id) {
      targets.push_back(path);
    }
  }
  return targets;
}

// An offered update that another offered update supersedes is withheld, naming its replacement.
void withhold_superseded(Offer& offer) {
  std::map<std::pair<std::string, std::string>, std::string> replaced; // (update, product) -> by
  for (const auto& offered : offer.offered) {
    for (const auto& old : offered.update.supersedes) {
      replaced.emplace(std::pair(old, offered.product), offered.update.id);
    }
  }
  std::vector<OfferedUpdate> kept;
  for (auto& offered : offer.offered) {
    const auto by = replaced.find({offered.update.id, offered.product});
    if (by == replaced.end()) {
      kept.push_back(std::move(offered));
    } else {
      offer.withheld.push_back(WithheldUpdate{std::move(offered.update), offered.product, {}, by->second});
    }
  }
  offer.offered = std::move(kept);
}

void add_decision(Offer& offer, catalog::Update update, const std::string& product,
                  const catalog::rules::Decision& decision, const PublishedPayloads& payloads, bool installed) {
  if (decision.allowed) {
    auto targets = targets_of(payloads, update.id);
    offer.offered.push_back(
        OfferedUpdate{std::move(update), product, std::move(targets), installed, decision.not_regression_tested});
  } else if (!names(decision.findings, Reason::update_not_applicable)) {
    offer.withheld.push_back(WithheldUpdate{std::move(update), product, decision.findings, std::nullopt});
  }
}

} // namespace

util::Result<std::vector<DeviceDecision>> decide_device_updates(catalog::Catalog& catalog,
                                                                const catalog::Device& device, util::Date at) {
  auto updates = catalog.list_updates();
  if (!updates) {
    return updates.error();
  }
  const auto installed = catalog.installed_updates(device.id);
  if (!installed) {
    return installed.error();
  }
  const std::set<std::string> installed_set(installed->begin(), installed->end());
  std::vector<DeviceDecision> decisions;
  for (auto& update : *updates) {
    if (catalog::rating_for(update, device.product) == nullptr) {
      continue;
    }
    const auto facts = catalog.device_facts(device.id, update.id, at);
    if (!facts) {
      return facts.error();
    }
    const bool is_installed = installed_set.contains(update.id);
    decisions.push_back(DeviceDecision{std::move(update), catalog::rules::decide(*facts), is_installed});
  }
  return decisions;
}

Offer device_offer(const std::vector<DeviceDecision>& decisions, const std::string& product,
                   const PublishedPayloads& payloads) {
  Offer offer;
  for (const auto& decided : decisions) {
    add_decision(offer, decided.update, product, decided.decision, payloads, decided.installed);
  }
  withhold_superseded(offer);
  return offer;
}

util::Result<Offer> contact_offer(catalog::Catalog& catalog, const std::string& email,
                                  const std::map<std::string, PublishedPayloads>& payloads_by_product, util::Date at) {
  auto updates = catalog.list_updates();
  if (!updates) {
    return updates.error();
  }
  const PublishedPayloads none;
  Offer offer;
  for (const auto& update : *updates) {
    const auto per_product = catalog.contact_facts(email, update.id, at);
    if (!per_product) {
      return per_product.error();
    }
    for (const auto& facts : *per_product) {
      const auto decision = catalog::rules::decide_for_contact({facts});
      // Products the customer never enrolled are not its business: not listed as withheld.
      if (!decision.allowed && names(decision.findings, Reason::not_enrolled)) {
        continue;
      }
      const auto payloads = payloads_by_product.find(facts.product.id);
      add_decision(offer, update, facts.product.id, decision,
                   payloads == payloads_by_product.end() ? none : payloads->second, false);
    }
  }
  withhold_superseded(offer);
  return offer;
}

util::Result<Bulletins> bulletins(catalog::Catalog& catalog, const std::string& customer_id, util::Date at) {
  const auto order = catalog.find_order(customer_id);
  if (!order) {
    return order.error();
  }
  Bulletins result;
  if (!*order) {
    return util::make_error(util::ErrorKind::not_found, "unknown customer " + customer_id);
  }
  const auto& contract = (*order)->contract;
  if (at < contract.start || contract.end < at) {
    result.refusals.push_back({Reason::contract_inactive, "the contract runs from " + contract.start.to_string() +
                                                              " to " + contract.end.to_string()});
  }
  if (contract.level < 2) {
    result.refusals.push_back({Reason::support_level_too_low, "security bulletins come with support level 2 or 3 "
                                                              "(CS-16); the contract is level " +
                                                                  std::to_string(contract.level)});
  }
  if (!result.refusals.empty()) {
    return result;
  }
  auto updates = catalog.list_updates();
  if (!updates) {
    return updates.error();
  }
  for (auto& update : *updates) {
    if (update.kind != catalog::UpdateKind::security) {
      continue;
    }
    Bulletin bulletin;
    for (const auto& enrolment : (*order)->enrolments) {
      if (catalog::rating_for(update, enrolment.product) != nullptr) {
        bulletin.products.push_back(enrolment.product);
      }
    }
    if (!bulletin.products.empty()) {
      bulletin.update = std::move(update);
      result.bulletins.push_back(std::move(bulletin));
    }
  }
  std::reverse(result.bulletins.begin(), result.bulletins.end()); // list_updates is oldest first
  return result;
}

} // namespace lifeline::server::service
