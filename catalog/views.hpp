// What a device's check-in reads of the catalog, split by how widely it is shared: the view of an
// enrolment (product, updates, customer, enrolment, Essentials purchases), the same for every
// device of the enrolment, and the device's own facts, read in a few indexed lookups whatever
// the fleet's size. Caches hold them under scope generations (catalog/scopes.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/rules/entitlement.hpp"

namespace lifeline::catalog {

struct EnrolmentView {
  Product product;
  std::vector<Update> updates; // those that rate the product, in list_updates order
  rules::CustomerFacts customer;
  std::optional<Enrolment> enrolment;
  // Per update: the Essentials devices bought and consumed (taken_by_device is the device's).
  std::map<std::string, rules::PurchaseFacts> purchases;
};

struct DeviceView {
  Device device;
  std::int64_t active_ahead = 0;      // CS-5, as device_facts gives it on the view's date
  std::vector<std::string> taken;     // updates whose Essentials purchase the device took, sorted
  std::vector<std::string> installed; // updates the device installed, sorted
};

} // namespace lifeline::catalog
