// ComplianceReport: every (device, update) pair of a customer (or of a page of its devices) in
// one state, from the facts read at once and one decision per class of devices (FleetDecisions).
#include "server/service/compliance.hpp"
#include "server/service/fleet_decisions.hpp"

namespace lifeline::server::service {

struct ComplianceReport::State {
  std::string customer;
  util::Date at;
  int stale_days = 0;
  catalog::FleetFacts fleet;
  std::optional<FleetDecisions> decisions;
};

ComplianceReport::ComplianceReport(std::unique_ptr<State> state) : m_state(std::move(state)) {}
ComplianceReport::ComplianceReport(ComplianceReport&&) noexcept = default;
ComplianceReport& ComplianceReport::operator=(ComplianceReport&&) noexcept = default;
ComplianceReport::~ComplianceReport() = default;

util::Result<ComplianceReport> ComplianceReport::load(catalog::Catalog& catalog, const std::string& customer_id,
                                                      util::Date at, int stale_days) {
  auto fleet = catalog.fleet_facts(customer_id, at);
  if (!fleet) {
    return fleet.error();
  }
  return decided(std::move(*fleet), customer_id, at, stale_days);
}

util::Result<ComplianceReport> ComplianceReport::load_page(catalog::Catalog& catalog,
                                                           const catalog::FleetPageRequest& request, int stale_days) {
  auto fleet = catalog.fleet_facts_page(request);
  if (!fleet) {
    return fleet.error();
  }
  return decided(std::move(*fleet), request.customer, request.at, stale_days);
}

util::Result<ComplianceReport> ComplianceReport::decided(std::optional<catalog::FleetFacts> fleet,
                                                         const std::string& customer_id, util::Date at,
                                                         int stale_days) {
  auto state = std::make_unique<State>();
  state->customer = customer_id;
  state->at = at;
  state->stale_days = stale_days;
  if (fleet) {
    state->fleet = std::move(*fleet);
  }
  state->fleet.at = at;
  auto decisions = FleetDecisions::make(state->fleet);
  if (!decisions) {
    return decisions.error();
  }
  state->decisions = std::move(*decisions);
  return ComplianceReport(std::move(state));
}

const std::string& ComplianceReport::customer() const {
  return m_state->customer;
}

util::Date ComplianceReport::at() const {
  return m_state->at;
}

const catalog::FleetFacts& ComplianceReport::fleet() const {
  return m_state->fleet;
}

void ComplianceReport::for_each_device(const std::function<void(const DeviceCompliance&)>& visit) const {
  const auto& fleet = m_state->fleet;
  const auto& decisions = *m_state->decisions;
  const auto at = m_state->at;
  constexpr auto k_none = static_cast<std::size_t>(-1);
  DeviceCompliance entry;
  std::vector<const PairOutcome*> outcomes;
  std::vector<char> installed;
  std::vector<std::size_t> replaced_by; // by position: the position of the replacing update
  std::vector<std::size_t> older;
  for (std::size_t d = 0; d < fleet.devices.size(); ++d) {
    const auto& device = fleet.devices[d].device;
    if ((device.retired && *device.retired <= at) || device.registered > at) {
      continue;
    }
    const auto& rated = decisions.rated(d);
    const auto& supersedes = decisions.supersedes(d);
    outcomes.resize(rated.size());
    installed.resize(rated.size());
    for (std::size_t k = 0; k < rated.size(); ++k) {
      outcomes[k] = &decisions.outcome(d, k);
      installed[k] = fleet.installed.test(d, rated[k]) ? 1 : 0;
    }
    // An update that an entitled or installed one supersedes, directly or down a chain of
    // supersedence, needs nothing more. The first such update in list order names it; a walk
    // stops at what an earlier one reached already (and at loops).
    replaced_by.assign(rated.size(), k_none);
    for (std::size_t k = 0; k < rated.size(); ++k) {
      if ((!outcomes[k]->allowed && installed[k] == 0) || supersedes[k].empty()) {
        continue;
      }
      older.assign(supersedes[k].begin(), supersedes[k].end());
      while (!older.empty()) {
        const auto old = older.back();
        older.pop_back();
        if (old == k || replaced_by[old] != k_none) {
          continue;
        }
        replaced_by[old] = k;
        older.insert(older.end(), supersedes[old].begin(), supersedes[old].end());
      }
    }
    entry.device = &device;
    entry.stale = device.last_seen.value_or(device.registered).days_until(at) > m_state->stale_days;
    entry.updates.clear();
    for (std::size_t k = 0; k < rated.size(); ++k) {
      const auto& outcome = *outcomes[k];
      UpdateStatus status{&fleet.updates[rated[k]], UpdateState::not_entitled, {}, nullptr};
      if (outcome.not_applicable) {
        status.state = UpdateState::not_applicable;
      } else if (installed[k] != 0) {
        status.state = UpdateState::installed;
      } else if (replaced_by[k] != k_none) {
        status.state = UpdateState::superseded;
        status.superseded_by = &fleet.updates[rated[replaced_by[k]]];
      } else if (outcome.allowed) {
        status.state = UpdateState::entitled_missing;
      } else {
        status.state = outcome.only_service_pack ? UpdateState::prerequisite_missing : UpdateState::not_entitled;
        status.reasons = outcome.reasons;
      }
      entry.updates.push_back(status);
    }
    visit(entry);
  }
}

std::vector<DeviceCompliance> ComplianceReport::devices() const {
  std::vector<DeviceCompliance> all;
  for_each_device([&](const DeviceCompliance& entry) { all.push_back(entry); });
  return all;
}

std::vector<ProductCompliance> ComplianceReport::products() const {
  ProductTally tally(m_state->at);
  for_each_device([&](const DeviceCompliance& entry) { tally.add(entry); });
  return tally.summaries();
}

} // namespace lifeline::server::service
