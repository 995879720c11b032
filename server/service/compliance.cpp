#include "server/service/compliance.hpp"

#include <algorithm>

#include "catalog/rules/programme.hpp"
#include "server/service/offers.hpp"

namespace lifeline::server::service {

namespace {

using catalog::Reason;

bool names(const std::vector<catalog::rules::Finding>& findings, Reason reason) {
  return std::any_of(findings.begin(), findings.end(), [&](const auto& finding) { return finding.reason == reason; });
}

std::vector<std::string> codes(const std::vector<catalog::rules::Finding>& findings) {
  std::vector<std::string> all;
  for (const auto& finding : findings) {
    all.emplace_back(catalog::code(finding.reason));
  }
  return all;
}

UpdateStatus status_of(const DeviceDecision& decided, const std::map<std::string, std::string>& replaced_by) {
  UpdateStatus status{decided.update, UpdateState::not_entitled, {}, std::nullopt};
  const auto& findings = decided.decision.findings;
  if (!decided.decision.allowed && names(findings, Reason::update_not_applicable)) {
    status.state = UpdateState::not_applicable;
  } else if (decided.installed) {
    status.state = UpdateState::installed;
  } else if (const auto by = replaced_by.find(decided.update.id); by != replaced_by.end()) {
    status.state = UpdateState::superseded;
    status.superseded_by = by->second;
  } else if (decided.decision.allowed) {
    status.state = UpdateState::entitled_missing;
  } else {
    // Only when the service pack is the one thing missing does installing it help.
    const bool only_service_pack =
        !findings.empty() && std::all_of(findings.begin(), findings.end(), [](const auto& finding) {
          return finding.reason == Reason::service_pack_outdated;
        });
    status.state = only_service_pack ? UpdateState::prerequisite_missing : UpdateState::not_entitled;
    status.reasons = codes(findings);
  }
  return status;
}

} // namespace

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

util::Result<std::vector<DeviceCompliance>> device_compliance(catalog::Catalog& catalog,
                                                              const std::vector<catalog::Device>& devices,
                                                              util::Date at, int stale_days) {
  std::vector<DeviceCompliance> all;
  for (const auto& device : devices) {
    if ((device.retired && *device.retired <= at) || device.registered > at) {
      continue;
    }
    const auto decisions = decide_device_updates(catalog, device, at);
    if (!decisions) {
      return decisions.error();
    }
    // An update that an entitled or installed one supersedes, directly or down a chain of
    // supersedence, needs nothing more.
    std::map<std::string, const catalog::Update*> by_id;
    for (const auto& decided : *decisions) {
      by_id.emplace(decided.update.id, &decided.update);
    }
    std::map<std::string, std::string> replaced_by;
    for (const auto& decided : *decisions) {
      if (!decided.decision.allowed && !decided.installed) {
        continue;
      }
      std::vector<std::string> older(decided.update.supersedes.begin(), decided.update.supersedes.end());
      while (!older.empty()) {
        const auto id = older.back();
        older.pop_back();
        if (id == decided.update.id || !replaced_by.emplace(id, decided.update.id).second) {
          continue; // seen already (or a loop)
        }
        if (const auto found = by_id.find(id); found != by_id.end()) {
          older.insert(older.end(), found->second->supersedes.begin(), found->second->supersedes.end());
        }
      }
    }
    DeviceCompliance entry{device, false, {}};
    const auto seen = device.last_seen.value_or(device.registered);
    entry.stale = seen.days_until(at) > stale_days;
    for (const auto& decided : *decisions) {
      entry.updates.push_back(status_of(decided, replaced_by));
    }
    all.push_back(std::move(entry));
  }
  return all;
}

std::vector<ProductCompliance> product_compliance(const std::vector<DeviceCompliance>& devices, util::Date at) {
  std::map<std::string, ProductCompliance> by_product;
  for (const auto& entry : devices) {
    auto& summary = by_product[entry.device.product];
    summary.product = entry.device.product;
    ++summary.devices;
    summary.stale += entry.stale ? 1 : 0;
    bool patched = true;
    for (const auto& status : entry.updates) {
      ++summary.states[status.state];
      if (status.state == UpdateState::entitled_missing || status.state == UpdateState::prerequisite_missing) {
        patched = false;
      }
      const auto* rating = catalog::rating_for(status.update, entry.device.product);
      const bool missing =
          status.state == UpdateState::entitled_missing || status.state == UpdateState::prerequisite_missing;
      if (missing && rating != nullptr && rating->severity && *rating->severity == catalog::Severity::critical) {
        const int age = std::max(0, status.update.released.days_until(at)); // a date-ahead release is new
        summary.oldest_missing_critical_days = std::max(summary.oldest_missing_critical_days.value_or(age), age);
      }
    }
    summary.fully_patched += patched && !entry.stale ? 1 : 0; // a stale device's state is not known
  }
  std::vector<ProductCompliance> all;
  for (auto& [product, summary] : by_product) {
    all.push_back(std::move(summary));
  }
  return all;
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
