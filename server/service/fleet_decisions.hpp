// The rules' decisions for every (device, update) pair of a fleet, made once per class of pairs
// the rules cannot tell apart. catalog::rules::decide reads of a device only its site, language,
// service pack, whether it is registered and not retired on the date, and whether the active
// devices ahead of it reach the plan's cap (a cap of the enrolment and date, not the device);
// of the pair, only whether the device took an Essentials purchase of the update. Devices that
// agree on these get the same decision but for the device ids in the findings' details, which
// reports do not keep: they keep reason codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/fleet.hpp"
#include "util/result.hpp"

namespace lifeline::server::service {

struct PairOutcome {
  bool allowed = false;
  bool not_applicable = false;      // denied with UPDATE_NOT_APPLICABLE among the reasons
  bool only_service_pack = false;   // denied for SERVICE_PACK_OUTDATED alone
  std::vector<std::string> reasons; // codes, in rule order
};

class FleetDecisions {
 public:
  // Fails when a device runs a product the catalog does not know (as device_facts does).
  static util::Result<FleetDecisions> make(const catalog::FleetFacts& fleet);

  // Indices into fleet.updates of the updates that rate the device's product, in list order.
  [[nodiscard]] const std::vector<std::size_t>& rated(std::size_t device) const {
    return m_products[m_device_product[device]].rated;
  }
  // For each rated update (by position in rated()), the positions of the rated updates it
  // supersedes: supersedence within the product, where the chain walk can go.
  [[nodiscard]] const std::vector<std::vector<std::size_t>>& supersedes(std::size_t device) const {
    return m_products[m_device_product[device]].supersedes;
  }
  // The decision for the device and its position-th rated update.
  [[nodiscard]] const PairOutcome& outcome(std::size_t device, std::size_t position) const;
  [[nodiscard]] std::size_t classes() const { return m_class_outcomes.size(); }

 private:
  struct ProductUpdates {
    std::vector<std::size_t> rated;
    std::vector<std::vector<std::size_t>> supersedes;
  };
  struct Taken {
    std::size_t position;
    std::uint32_t outcome;
  };

  std::vector<ProductUpdates> m_products;
  std::vector<std::size_t> m_device_product;
  std::vector<std::size_t> m_device_class;
  std::vector<std::vector<std::uint32_t>> m_class_outcomes; // class -> position -> outcome
  // The pairs whose device took a purchase of the update, per device: device d's are
  // m_taken[m_taken_from[d] .. m_taken_from[d + 1]).
  std::vector<Taken> m_taken;
  std::vector<std::size_t> m_taken_from;
  std::vector<PairOutcome> m_outcomes;
};

} // namespace lifeline::server::service
