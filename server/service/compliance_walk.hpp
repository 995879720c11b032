// Per-device compliance read a page at a time, by key, across one or more customers (in the
// order given, then each customer's registration order): each page is decided from its own
// devices (ComplianceReport::load_page), so neither the catalog's reads nor what a page holds
// grow with the fleet. A walk that goes on from its own previous page carries the devices' CS-5
// ranks along instead of counting the devices ahead again, so a whole-fleet export costs the
// fleet once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/service/compliance.hpp"

namespace lifeline::server::service {

// The last device a walk gave, in its customer: where the next page starts.
struct FleetPosition {
  std::string customer;
  catalog::DeviceKey device;
};

class ComplianceWalk {
 public:
  // From the first device of the first customer, or after `start` (its customer, when it is
  // among `customers`; the next one otherwise).
  ComplianceWalk(std::vector<std::string> customers, util::Date at, int stale_days,
                 const std::optional<FleetPosition>& start = std::nullopt);

  // Visits the next devices, at most `limit` (at least 1), each entry valid during its visit
  // only; true when some device comes after the last one visited.
  util::Result<bool> next(catalog::Catalog& catalog, std::int64_t limit,
                          const std::function<void(const DeviceCompliance&)>& visit);
  // The last device visited; nullopt before any.
  [[nodiscard]] const std::optional<FleetPosition>& position() const { return m_position; }

 private:
  void enter(std::size_t customer); // from the first device of customers[customer]

  std::vector<std::string> m_customers;
  util::Date m_at;
  int m_stale_days = 0;
  std::size_t m_customer = 0; // the customer being read
  std::optional<catalog::DeviceKey> m_after;
  // The active devices of each product ahead of m_after, while this walk has seen them all.
  std::optional<std::map<std::string, std::int64_t>> m_active_before;
  std::optional<FleetPosition> m_position;
};

} // namespace lifeline::server::service
