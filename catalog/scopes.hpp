// Names of the scopes whose generations move when a write changes what their decisions read
// (Catalog::scope_generations). A write moves the narrowest scopes it changes, so a cache keyed
// by a scope's generation stays warm through every unrelated write, in every process.
#pragma once

#include <string>

#include "catalog/model.hpp"

namespace lifeline::catalog::scopes {

// Products and updates: every decision reads them.
inline std::string global() {
  return "global";
}
// A customer's service order: contract, sites, contacts, enrolments, plans, purchases.
inline std::string customer(const std::string& id) {
  return "customer:" + id;
}
// The devices of one enrolment (CS-5 ranks) and its Essentials purchases consumed (CS-8).
inline std::string enrolment(const std::string& customer_id, const std::string& product_id) {
  return "enrolment:" + customer_id + "/" + product_id;
}
// One device's row and installs.
inline std::string device(const std::string& id) {
  return "device:" + id;
}
// The credentials of one principal (revocation).
inline std::string principal(Role role, const std::string& subject) {
  return "principal:" + to_string(role) + "/" + subject;
}

} // namespace lifeline::catalog::scopes
