#include "server/service/compliance.hpp"

#include <algorithm>

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
    status.state =
        names(findings, Reason::service_pack_outdated) ? UpdateState::prerequisite_missing : UpdateState::not_entitled;
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
    if (device.retired && *device.retired <= at) {
      continue;
    }
    const auto decisions = decide_device_updates(catalog, device, at);
    if (!decisions) {
      return decisions.error();
    }
    // An update that an entitled or installed one supersedes needs nothing more (CS-3's chain).
    std::map<std::string, std::string> replaced_by;
    for (const auto& decided : *decisions) {
      if (decided.decision.allowed || decided.installed) {
        for (const auto& old : decided.update.supersedes) {
          replaced_by.emplace(old, decided.update.id);
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
      if (status.state == UpdateState::entitled_missing && rating != nullptr && rating->severity &&
          *rating->severity == catalog::Severity::critical) {
        const int age = status.update.released.days_until(at);
        summary.oldest_missing_critical_days = std::max(summary.oldest_missing_critical_days.value_or(age), age);
      }
    }
    summary.fully_patched += patched ? 1 : 0;
  }
  std::vector<ProductCompliance> all;
  for (auto& [product, summary] : by_product) {
    all.push_back(std::move(summary));
  }
  return all;
}

std::vector<QuarterProgress> migration_progress(const catalog::ServiceOrder& order,
                                                const std::vector<catalog::Device>& devices, util::Date at) {
  std::vector<QuarterProgress> rows;
  for (const auto& enrolment : order.enrolments) {
    if (!enrolment.migration_plan) {
      continue;
    }
    const auto& quarters = enrolment.migration_plan->quarters;
    for (std::size_t i = 0; i < quarters.size() && quarters[i].start <= at; ++i) {
      QuarterProgress row;
      row.product = enrolment.product;
      row.start = quarters[i].start;
      row.end = i + 1 < quarters.size() ? quarters[i + 1].start.add_days(-1) : enrolment.migration_plan->completion;
      row.planned = quarters[i].devices;
      const auto as_of = std::min(row.end, at);
      for (const auto& device : devices) {
        if (device.product != enrolment.product || device.registered > row.end) {
          continue;
        }
        ++row.registered;
        if (device.registered <= as_of && (!device.retired || *device.retired > as_of)) {
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
