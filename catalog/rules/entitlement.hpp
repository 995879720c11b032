// The entitlement engine: a pure function from catalog facts and an evaluation date to a
// decision that lists every reason that applies (CS-1 to CS-11, CS-13, CS-15, CS-17).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "catalog/reason.hpp"

namespace lifeline::catalog::rules {

struct CustomerFacts {
  std::string id;
  std::string name;
  Contract contract;
  std::vector<std::string> sites;
  std::vector<std::string> hotfix_purchases;
};

// An Essentials purchase of one update for one enrolment (CS-8).
struct PurchaseFacts {
  std::int64_t bought = 0;
  std::int64_t consumed = 0;
  bool taken_by_device = false; // the device asking already consumed one: it keeps it
};

struct DeviceFacts {
  Device device;
  // Devices of the same enrolment registered before this one and still active on the
  // evaluation date: the device keeps its entitlement while this is below the plan's cap.
  std::int64_t active_ahead = 0;
};

struct ContactFacts {
  std::string email;
  bool designated = false;
};

// Everything one decision reads, for one product of the update. Exactly one subject is set.
struct CheckFacts {
  Date at;
  Product product;
  Update update;
  std::optional<CustomerFacts> customer; // unknown for a contact nobody designated
  std::optional<Enrolment> enrolment;    // the customer's enrolment for `product`, if any
  PurchaseFacts purchase;
  std::optional<DeviceFacts> device;
  std::optional<ContactFacts> contact;
};

enum class Path {
  custom_support,          // security updates, and hotfixes past the end of support (CS-11)
  extended_hotfix_support, // hotfixes for products in their extended support phase (CS-15)
};

struct Finding {
  Reason reason;
  std::string detail; // what was found, in words a person can act on
};

struct Decision {
  bool allowed = false;
  std::vector<Finding> findings; // every reason that applies, in rule order; empty when allowed
  Path path = Path::custom_support;
  std::string product;
  std::optional<std::int64_t> quarter; // 0-based programme quarter of the evaluation date
  bool not_regression_tested = false;  // CS-15 deliverables must be labelled so

  [[nodiscard]] std::vector<Reason> reasons() const;
};

[[nodiscard]] Decision decide(const CheckFacts& facts);

// A contact asks for an update that may name several products: allowed when any product's
// decision allows; otherwise the reasons of the products the customer is enrolled for (or of
// all when none is enrolled), merged.
[[nodiscard]] Decision decide_for_contact(const std::vector<CheckFacts>& per_product);

struct RegistrationFacts {
  Date at;
  Product product;
  std::optional<CustomerFacts> customer;
  std::optional<Enrolment> enrolment;
  DeviceRegistration request;
  std::int64_t active_devices = 0; // of the enrolment, on `at`
};

struct RegistrationDecision {
  bool allowed = false;
  std::vector<Finding> refusals; // why the device may not join the enrolment
  std::vector<Finding> warnings; // registered, but updates stay withheld until fixed (CS-3, CS-7)
};

[[nodiscard]] RegistrationDecision check_registration(const RegistrationFacts& facts);

// CS-15: the product families that Extended Hotfix Support covers.
[[nodiscard]] bool family_eligible_for_extended_hotfix(const std::string& family);

} // namespace lifeline::catalog::rules
