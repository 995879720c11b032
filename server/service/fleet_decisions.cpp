#include "server/service/fleet_decisions.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "catalog/rules/programme.hpp"

namespace lifeline::server::service {

namespace {

// What decide() reads of a device, and nothing else (see the header).
using ClassKey = std::tuple<std::size_t, std::string, std::string, std::string, bool, bool, bool>;

ClassKey class_of(const catalog::FleetFacts& fleet, std::size_t device, std::size_t product) {
  const auto& subject = fleet.devices[device];
  const auto& facts = subject.device;
  bool over_cap = false;
  if (const auto* enrolment = fleet.enrolment(facts.product); enrolment != nullptr && enrolment->migration_plan) {
    over_cap = subject.active_ahead >= catalog::rules::plan_device_cap(*enrolment->migration_plan, fleet.at);
  }
  return {product,
          facts.site,
          facts.language,
          facts.service_pack,
          fleet.at < facts.registered,
          facts.retired && *facts.retired <= fleet.at,
          over_cap};
}

PairOutcome outcome_of(const catalog::rules::Decision& decision) {
  PairOutcome outcome;
  outcome.allowed = decision.allowed;
  const auto& findings = decision.findings;
  outcome.not_applicable = !decision.allowed && std::any_of(findings.begin(), findings.end(), [](const auto& f) {
    return f.reason == catalog::Reason::update_not_applicable;
  });
  // Only when the service pack is the one thing missing does installing it help.
  outcome.only_service_pack = !findings.empty() && std::all_of(findings.begin(), findings.end(), [](const auto& f) {
    return f.reason == catalog::Reason::service_pack_outdated;
  });
  for (const auto& finding : findings) {
    outcome.reasons.emplace_back(catalog::code(finding.reason));
  }
  return outcome;
}

} // namespace

util::Result<FleetDecisions> FleetDecisions::make(const catalog::FleetFacts& fleet) {
  FleetDecisions made;
  std::map<std::string, std::size_t> product_index;
  std::vector<std::unordered_map<std::string, std::size_t>> positions; // per product: update id -> position
  made.m_device_product.reserve(fleet.devices.size());
  for (const auto& subject : fleet.devices) {
    const auto& id = subject.device.product;
    if (fleet.product(id) == nullptr) {
      return util::make_error(util::ErrorKind::not_found, "unknown product " + id);
    }
    auto [found, added] = product_index.emplace(id, made.m_products.size());
    if (added) {
      ProductUpdates product;
      std::unordered_map<std::string, std::size_t> position;
      for (std::size_t u = 0; u < fleet.updates.size(); ++u) {
        if (catalog::rating_for(fleet.updates[u], id) != nullptr) {
          position.emplace(fleet.updates[u].id, product.rated.size());
          product.rated.push_back(u);
        }
      }
      for (const auto u : product.rated) {
        auto& older = product.supersedes.emplace_back();
        for (const auto& old : fleet.updates[u].supersedes) {
          if (const auto at = position.find(old); at != position.end()) {
            older.push_back(at->second);
          }
        }
      }
      made.m_products.push_back(std::move(product));
      positions.push_back(std::move(position));
    }
    made.m_device_product.push_back(found->second);
  }

  // One decision per class and rated update, decided on the class's first device.
  std::map<ClassKey, std::size_t> classes;
  std::vector<std::size_t> representative;
  made.m_device_class.reserve(fleet.devices.size());
  for (std::size_t d = 0; d < fleet.devices.size(); ++d) {
    const auto [found, added] = classes.emplace(class_of(fleet, d, made.m_device_product[d]), classes.size());
    if (added) {
      representative.push_back(d);
    }
    made.m_device_class.push_back(found->second);
  }
  const auto decide = [&](std::size_t device, std::size_t position, bool taken) {
    auto facts = fleet.check_facts(device, made.rated(device)[position]);
    facts->purchase.taken_by_device = taken; // the one fact of the pair rather than of the device
    made.m_outcomes.push_back(outcome_of(catalog::rules::decide(*facts)));
    return static_cast<std::uint32_t>(made.m_outcomes.size() - 1);
  };
  for (const auto device : representative) {
    auto& outcomes = made.m_class_outcomes.emplace_back();
    for (std::size_t position = 0; position < made.rated(device).size(); ++position) {
      outcomes.push_back(decide(device, position, false));
    }
  }

  // A device that took an Essentials purchase keeps the update: those pairs are decided apart.
  std::vector<std::vector<Taken>> taken(fleet.devices.size());
  std::map<std::pair<std::size_t, std::size_t>, std::uint32_t> taken_outcomes; // (class, position)
  for (const auto& purchase : fleet.purchases) {
    for (const auto device : purchase.taken_by) {
      if (fleet.devices[device].device.product != purchase.product) {
        continue;
      }
      const auto& position = positions[made.m_device_product[device]];
      const auto at = position.find(purchase.update);
      if (at == position.end()) {
        continue; // the update does not rate the device's product: never decided
      }
      const auto key = std::pair(made.m_device_class[device], at->second);
      auto found = taken_outcomes.find(key);
      if (found == taken_outcomes.end()) {
        found = taken_outcomes.emplace(key, decide(device, at->second, true)).first;
      }
      taken[device].push_back(Taken{at->second, found->second});
    }
  }
  made.m_taken_from.reserve(fleet.devices.size() + 1);
  for (const auto& of_device : taken) {
    made.m_taken_from.push_back(made.m_taken.size());
    made.m_taken.insert(made.m_taken.end(), of_device.begin(), of_device.end());
  }
  made.m_taken_from.push_back(made.m_taken.size());
  return made;
}

const PairOutcome& FleetDecisions::outcome(std::size_t device, std::size_t position) const {
  for (auto i = m_taken_from[device]; i < m_taken_from[device + 1]; ++i) {
    if (m_taken[i].position == position) {
      return m_outcomes[m_taken[i].outcome];
    }
  }
  return m_outcomes[m_class_outcomes[m_device_class[device]][position]];
}

} // namespace lifeline::server::service
