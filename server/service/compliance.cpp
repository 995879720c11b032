#include "server/service/compliance.hpp"

#include <algorithm>

#include "catalog/rules/programme.hpp"

namespace lifeline::server::service {

std::string to_string(UpdateState state) {
  switch (state) {
  case UpdateState::installed:
    return "installed";
  case UpdateState::entitled_missing:
    return "entitled-missing";
  case UpdateState::not_entitled:
    return "not-entitled";
  case UpdateState::prerequisite_missing:
    return "prerequisite-missing";
  case UpdateState::superseded:
    return "superseded";
  case UpdateState::not_applicable:
    return "not-applicable";
  }
  return "unknown";
}

void ProductTally::add(const DeviceCompliance& entry) {
  const auto& device = *entry.device;
  auto& counts = m_counts[{device.customer, device.product}];
  ++counts.devices;
  counts.stale += entry.stale ? 1 : 0;
  bool patched = true;
  for (const auto& status : entry.updates) {
    ++counts.states[static_cast<std::size_t>(status.state)];
    if (status.state != UpdateState::entitled_missing && status.state != UpdateState::prerequisite_missing) {
      continue;
    }
    patched = false;
    const auto* rating = catalog::rating_for(*status.update, device.product);
    if (rating != nullptr && rating->severity && *rating->severity == catalog::Severity::critical) {
      const int age = std::max(0, status.update->released.days_until(m_at)); // a date-ahead release is new
      counts.oldest_missing_critical_days = std::max(counts.oldest_missing_critical_days.value_or(age), age);
    }
  }
  counts.fully_patched += patched && !entry.stale ? 1 : 0; // a stale device's state is not known
}

std::vector<ProductCompliance> ProductTally::summaries() const {
  std::vector<ProductCompliance> all;
  for (const auto& [key, counts] : m_counts) {
    ProductCompliance summary;
    summary.customer = key.first;
    summary.product = key.second;
    summary.devices = counts.devices;
    summary.fully_patched = counts.fully_patched;
    summary.stale = counts.stale;
    for (std::size_t state = 0; state < counts.states.size(); ++state) {
      if (counts.states[state] > 0) {
        summary.states[static_cast<UpdateState>(state)] = static_cast<int>(counts.states[state]);
      }
    }
    summary.oldest_missing_critical_days = counts.oldest_missing_critical_days;
    all.push_back(std::move(summary));
  }
  return all;
}

std::vector<ProductCompliance> product_compliance(const std::vector<DeviceCompliance>& devices, util::Date at) {
  ProductTally tally(at);
  for (const auto& entry : devices) {
    tally.add(entry);
  }
  return tally.summaries();
}

std::vector<QuarterProgress> migration_progress(const catalog::ServiceOrder& order,
                                                const std::vector<catalog::Product>& products,
                                                const std::vector<catalog::Device>& devices, util::Date at) {
  std::vector<QuarterProgress> rows;
  for (const auto& enrolment : order.enrolments) {
    const auto product = std::find_if(products.begin(), products.end(),
                                      [&](const catalog::Product& p) { return p.id == enrolment.product; });
    if (!enrolment.migration_plan || product == products.end() || !product->custom_support) {
      continue;
    }
    const auto& programme = *product->custom_support;
    const auto first = std::max<std::int64_t>(0, catalog::rules::quarter_index(programme, enrolment.start));
    const auto last = catalog::rules::quarter_index(programme, std::min(at, programme.end));
    for (auto index = first; index <= last; ++index) {
      QuarterProgress row;
      row.customer = order.customer_id;
      row.product = enrolment.product;
      row.quarter = index + 1;
      row.start = catalog::rules::quarter_start(programme, index);
      row.end = catalog::rules::quarter_end(programme, index);
      // What the plan allows on the quarter's last day (or today, in the current quarter).
      const auto as_of = std::min(row.end, at);
      row.planned = catalog::rules::plan_device_cap(*enrolment.migration_plan, as_of);
      for (const auto& device : devices) {
        if (device.product != enrolment.product || device.registered > as_of) {
          continue;
        }
        ++row.registered;
        if (!device.retired || *device.retired > as_of) {
          ++row.active;
        }
      }
      row.over_plan = std::max<std::int64_t>(0, row.active - row.planned);
      rows.push_back(row);
    }
  }
  return rows;
}

} // namespace lifeline::server::service
