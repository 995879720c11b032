// Denial reason codes: stable strings shared by code, tests and user-facing errors.
#pragma once

#include <optional>
#include <string_view>

namespace lifeline::catalog {

enum class Reason {
  contract_inactive,        // CS-1
  not_enrolled,             // CS-2
  enrolment_ended,          // CS-2, CS-9
  programme_ended,          // CS-2
  service_pack_outdated,    // CS-3
  no_migration_plan,        // CS-4
  migration_complete,       // CS-4
  device_limit_reached,     // CS-5
  device_retired,           // CS-5
  device_not_registered,    // CS-5: the device was registered after the evaluation date
  site_not_listed,          // CS-6
  language_not_covered,     // CS-7
  important_addon_required, // CS-8
  purchase_required,        // CS-8
  purchase_exhausted,       // CS-8
  severity_not_covered,     // CS-8
  update_not_applicable,    // CS-8: the update carries no rating for, or does not target, the product
  hotfix_not_purchased,     // CS-11
  contact_not_designated,   // CS-13
  contact_limit_reached,    // CS-13
  support_level_too_low,    // CS-15
  family_not_eligible,      // CS-15
  not_in_extended_support,  // CS-15
  prerelease_product,       // CS-17
};

// The code as written in the rules, e.g. "DEVICE_LIMIT_REACHED".
std::string_view code(Reason reason);
// The rule the reason belongs to, e.g. "CS-5".
std::string_view rule(Reason reason);
std::optional<Reason> parse_reason(std::string_view code);

} // namespace lifeline::catalog
