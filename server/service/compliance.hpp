// Compliance, truthfully: for each device, every update that rates its product in one explicit
// state, and per product the counts, the share of devices fully patched and the age of the
// oldest missing Critical. Devices not seen for a while are marked stale rather than guessed.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.hpp"

namespace lifeline::server::service {

enum class UpdateState { installed, entitled_missing, not_entitled, prerequisite_missing, superseded, not_applicable };
std::string to_string(UpdateState state); // "entitled-missing"...

// Statuses and devices are views into what they were made from (a ComplianceReport, usually):
// valid while it lives. Nothing is copied per (device, update) pair.
struct UpdateStatus {
  const catalog::Update* update = nullptr;
  UpdateState state = UpdateState::not_entitled;
  std::span<const std::string> reasons;           // reason codes when not entitled or missing a prerequisite
  const catalog::Update* superseded_by = nullptr; // when superseded: the update that replaces it
};

struct DeviceCompliance {
  const catalog::Device* device = nullptr;
  bool stale = false;                // not seen for the stale period (or never, once registered that long)
  std::vector<UpdateStatus> updates; // every update that rates the device's product, oldest first
};

struct ProductCompliance {
  std::string customer;
  std::string product;
  int devices = 0;
  int fully_patched = 0; // no entitled update missing, no prerequisite missing
  int stale = 0;
  std::map<UpdateState, int> states; // device x update pairs per state
  std::optional<int> oldest_missing_critical_days;
};

// Per-product summaries fed one device at a time, so that no one holds every pair.
class ProductTally {
 public:
  explicit ProductTally(util::Date at) : m_at(at) {}
  void add(const DeviceCompliance& device);
  // One row per customer and product, in that order.
  [[nodiscard]] std::vector<ProductCompliance> summaries() const;

 private:
  struct Counts {
    int devices = 0;
    int fully_patched = 0;
    int stale = 0;
    std::array<std::int64_t, 6> states{}; // by UpdateState
    std::optional<int> oldest_missing_critical_days;
  };
  util::Date m_at;
  std::map<std::pair<std::string, std::string>, Counts> m_counts; // (customer, product)
};

std::vector<ProductCompliance> product_compliance(const std::vector<DeviceCompliance>& devices, util::Date at);

// One customer's compliance on a date, computed set-based: the catalog's facts for all its
// devices come in a handful of queries (Catalog::fleet_facts), and each rules decision is made
// once per class of devices the rules cannot tell apart (FleetDecisions). Covers the devices
// active on the date; a device is stale when its last check-in (or its registration, if it never
// checked in) is more than `stale_days` before it.
class ComplianceReport {
 public:
  // A customer without a service order has no devices: its report is empty.
  static util::Result<ComplianceReport> load(catalog::Catalog& catalog, const std::string& customer_id, util::Date at,
                                             int stale_days);
  // One page of it (Catalog::fleet_facts_page): the page's devices only, each in the states the
  // whole report gives it. An unknown customer's page is empty.
  static util::Result<ComplianceReport> load_page(catalog::Catalog& catalog, const catalog::FleetPageRequest& request,
                                                  int stale_days);

  ComplianceReport(ComplianceReport&&) noexcept;
  ComplianceReport& operator=(ComplianceReport&&) noexcept;
  ComplianceReport(const ComplianceReport&) = delete;
  ComplianceReport& operator=(const ComplianceReport&) = delete;
  ~ComplianceReport();

  [[nodiscard]] const std::string& customer() const;
  [[nodiscard]] util::Date at() const;
  [[nodiscard]] const catalog::FleetFacts& fleet() const;

  // Each active device in registration order. The entry is reused: valid during the call only.
  void for_each_device(const std::function<void(const DeviceCompliance&)>& visit) const;
  [[nodiscard]] std::vector<DeviceCompliance> devices() const;
  [[nodiscard]] std::vector<ProductCompliance> products() const;

 private:
  struct State;
  explicit ComplianceReport(std::unique_ptr<State> state);
  // The report on the facts read (nullopt: an unknown customer, without devices).
  static util::Result<ComplianceReport> decided(std::optional<catalog::FleetFacts> fleet,
                                                const std::string& customer_id, util::Date at, int stale_days);
  std::unique_ptr<State> m_state;
};

// The migration plan (CS-4) against reality, one row per programme quarter from the enrolment's
// to the current one: the devices the plan allows (its cap on the quarter's last day, or today in
// the current quarter; 0 after completion), those registered by then, those active (registered,
// not retired), and how many active devices exceed the plan.
struct QuarterProgress {
  std::string customer;
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
