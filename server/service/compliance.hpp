// Compliance, truthfully: for each device, every update that rates its product in one explicit
// state, and per product the counts, the share of devices fully patched and the age of the
// oldest missing Critical. Devices not seen for a while are marked stale rather than guessed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"

namespace lifeline::server::service {

enum class UpdateState { installed, entitled_missing, not_entitled, prerequisite_missing, superseded, not_applicable };
std::string to_string(UpdateState state); // "entitled-missing"...

struct UpdateStatus {
  catalog::Update update;
  UpdateState state = UpdateState::not_entitled;
  std::vector<std::string> reasons;         // reason codes when not entitled or missing a prerequisite
  std::optional<std::string> superseded_by; // when superseded
};

struct DeviceCompliance {
  catalog::Device device;
  bool stale = false; // not seen for the stale period (or never, once registered that long)
  std::vector<UpdateStatus> updates;
};

// The customer's active devices as of `at`; a device is stale when its last check-in (or its
// registration, if it never checked in) is more than `stale_days` before `at`.
util::Result<std::vector<DeviceCompliance>> device_compliance(catalog::Catalog& catalog,
                                                              const std::vector<catalog::Device>& devices,
                                                              util::Date at, int stale_days);

struct ProductCompliance {
  std::string product;
  int devices = 0;
  int fully_patched = 0; // no entitled update missing, no prerequisite missing
  int stale = 0;
  std::map<UpdateState, int> states; // device x update pairs per state
  std::optional<int> oldest_missing_critical_days;
};

std::vector<ProductCompliance> product_compliance(const std::vector<DeviceCompliance>& devices, util::Date at);

// The migration plan (CS-4) against reality, one row per programme quarter from the enrolment's
// to the current one: the devices the plan allows (its cap on the quarter's last day, or today in
// the current quarter; 0 after completion), those registered by then, those active (registered,
// not retired), and how many active devices exceed the plan.
struct QuarterProgress {
  std::string product;
  std::int64_t quarter = 0; // 1-based programme quarter
  util::Date start;
  util::Date end;
  std::int64_t planned = 0;
  std::int64_t registered = 0;
  std::int64_t active = 0;
  std::int64_t over_plan = 0;
};

std::vector<QuarterProgress> migration_progress(const catalog::ServiceOrder& order,
                                                const std::vector<catalog::Product>& products,
                                                const std::vector<catalog::Device>& devices, util::Date at);

} // namespace lifeline::server::service
