#include "server/service/compliance_walk.hpp"

#include <algorithm>

namespace lifeline::server::service {

ComplianceWalk::ComplianceWalk(std::vector<std::string> customers, util::Date at, int stale_days,
                               const std::optional<FleetPosition>& start)
    : m_customers(std::move(customers)), m_at(at), m_stale_days(stale_days) {
  if (!start) {
    enter(0);
    return;
  }
  const auto found = std::find(m_customers.begin(), m_customers.end(), start->customer);
  if (found == m_customers.end()) {
    // A customer gone since (or never in the list): go on with the next one by id, which is the
    // listing's order when the walk covers every customer.
    const auto next = std::find_if(m_customers.begin(), m_customers.end(),
                                   [&](const std::string& customer) { return start->customer < customer; });
    enter(static_cast<std::size_t>(next - m_customers.begin()));
    return;
  }
  m_customer = static_cast<std::size_t>(found - m_customers.begin());
  m_after = start->device;
  m_active_before.reset(); // the catalog counts the devices ahead of a page it did not give us
  m_position = start;
}

void ComplianceWalk::enter(std::size_t customer) {
  m_customer = customer;
  m_after.reset();
  m_active_before.emplace(); // nobody ahead of the first device
}

util::Result<bool> ComplianceWalk::next(catalog::Catalog& catalog, std::int64_t limit,
                                        const std::function<void(const DeviceCompliance&)>& visit) {
  std::int64_t visited = 0;
  while (m_customer < m_customers.size()) {
    // One device more than the page takes says whether any comes after it.
    const auto wanted = limit - visited + 1;
    const catalog::FleetPageRequest request{m_customers[m_customer], m_at, m_after, wanted, m_active_before};
    const auto report = ComplianceReport::load_page(catalog, request, m_stale_days);
    if (!report) {
      return report.error();
    }
    bool more = false;
    std::size_t taken = 0;
    report->for_each_device([&](const DeviceCompliance& entry) {
      if (visited == limit) {
        more = true;
        return;
      }
      visit(entry);
      ++visited;
      ++taken;
      m_after = catalog::DeviceKey::of(*entry.device);
      m_position = FleetPosition{m_customers[m_customer], *m_after};
    });
    // A page holds active devices only, visited in its order: each one visited is one more
    // active device ahead of the next.
    if (m_active_before) {
      const auto& devices = report->fleet().devices;
      for (std::size_t d = 0; d < taken; ++d) {
        (*m_active_before)[devices[d].device.product] = devices[d].active_ahead + 1;
      }
    }
    if (more) {
      return true;
    }
    enter(m_customer + 1); // this customer has no device after the last one visited
  }
  return false;
}

} // namespace lifeline::server::service
