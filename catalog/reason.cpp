#include "catalog/reason.hpp"

#include <array>

namespace lifeline::catalog {

namespace {

struct ReasonInfo {
  Reason reason;
  std::string_view code;
  std::string_view rule;
};

constexpr std::array k_reasons{
    ReasonInfo{Reason::contract_inactive, "CONTRACT_INACTIVE", "CS-1"},
    ReasonInfo{Reason::not_enrolled, "NOT_ENROLLED", "CS-2"},
    ReasonInfo{Reason::enrolment_ended, "ENROLMENT_ENDED", "CS-9"},
    ReasonInfo{Reason::programme_ended, "PROGRAMME_ENDED", "CS-2"},
    ReasonInfo{Reason::service_pack_outdated, "SERVICE_PACK_OUTDATED", "CS-3"},
    ReasonInfo{Reason::no_migration_plan, "NO_MIGRATION_PLAN", "CS-4"},
    ReasonInfo{Reason::migration_complete, "MIGRATION_COMPLETE", "CS-4"},
    ReasonInfo{Reason::device_limit_reached, "DEVICE_LIMIT_REACHED", "CS-5"},
    ReasonInfo{Reason::device_retired, "DEVICE_RETIRED", "CS-5"},
    ReasonInfo{Reason::device_not_registered, "DEVICE_NOT_REGISTERED", "CS-5"},
    ReasonInfo{Reason::site_not_listed, "SITE_NOT_LISTED", "CS-6"},
    ReasonInfo{Reason::language_not_covered, "LANGUAGE_NOT_COVERED", "CS-7"},
    ReasonInfo{Reason::important_addon_required, "IMPORTANT_ADDON_REQUIRED", "CS-8"},
    ReasonInfo{Reason::purchase_required, "PURCHASE_REQUIRED", "CS-8"},
    ReasonInfo{Reason::purchase_exhausted, "PURCHASE_EXHAUSTED", "CS-8"},
    ReasonInfo{Reason::severity_not_covered, "SEVERITY_NOT_COVERED", "CS-8"},
    ReasonInfo{Reason::update_not_applicable, "UPDATE_NOT_APPLICABLE", "CS-8"},
    ReasonInfo{Reason::hotfix_not_purchased, "HOTFIX_NOT_PURCHASED", "CS-11"},
    ReasonInfo{Reason::contact_not_designated, "CONTACT_NOT_DESIGNATED", "CS-13"},
    ReasonInfo{Reason::contact_limit_reached, "CONTACT_LIMIT_REACHED", "CS-13"},
    ReasonInfo{Reason::support_level_too_low, "SUPPORT_LEVEL_TOO_LOW", "CS-15"},
    ReasonInfo{Reason::family_not_eligible, "FAMILY_NOT_ELIGIBLE", "CS-15"},
    ReasonInfo{Reason::not_in_extended_support, "NOT_IN_EXTENDED_SUPPORT", "CS-15"},
    ReasonInfo{Reason::prerelease_product, "PRERELEASE_PRODUCT", "CS-17"},
};

const ReasonInfo& info(Reason reason) {
  for (const auto& entry : k_reasons) {
    if (entry.reason == reason) {
      return entry;
    }
  }
  return k_reasons.front(); // unreachable: every enumerator is in the table (pinned by a test)
}

} // namespace

std::string_view code(Reason reason) {
  return info(reason).code;
}
std::string_view rule(Reason reason) {
  return info(reason).rule;
}

std::optional<Reason> parse_reason(std::string_view text) {
  for (const auto& entry : k_reasons) {
    if (entry.code == text) {
      return entry.reason;
    }
  }
  return std::nullopt;
}

} // namespace lifeline::catalog
