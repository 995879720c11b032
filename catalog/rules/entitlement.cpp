#include "catalog/rules/entitlement.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "catalog/rules/programme.hpp"

namespace lifeline::catalog::rules {

namespace {

// Products whose support ended before this date get Important updates in Standard (CS-8).
constexpr std::int32_t k_important_boundary_year = 2010;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Language tags and service-pack names compare case-insensitively (BCP 47 says so for tags).
bool same_name(std::string_view a, std::string_view b) {
  return lower(a) == lower(b);
}

bool contains_name(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return same_name(n, name); });
}

class Findings {
 public:
  void add(Reason reason, std::string detail) {
    const bool seen =
        std::any_of(m_items.begin(), m_items.end(), [&](const Finding& finding) { return finding.reason == reason; });
    if (!seen) {
      m_items.push_back(Finding{reason, std::move(detail)});
    }
  }
  [[nodiscard]] bool empty() const { return m_items.empty(); }
  // The findings in rule order (the order of the Reason enumerators).
  std::vector<Finding> take() {
    std::stable_sort(m_items.begin(), m_items.end(),
                     [](const Finding& a, const Finding& b) { return a.reason < b.reason; });
    return std::move(m_items);
  }

 private:
  std::vector<Finding> m_items;
};

void check_prerelease(const Product& product, Findings& findings) {
  if (product.prerelease) {
    findings.add(Reason::prerelease_product, product.id + " is a pre-release product, which is not supported");
  }
}

void check_contract(const std::optional<CustomerFacts>& customer, Date at, Findings& findings) {
  if (!customer) {
    return;
  }
  const auto& contract = customer->contract;
  if (at < contract.start || at > contract.end) {
    findings.add(Reason::contract_inactive, "the support contract of " + customer->id + " runs from " +
                                                contract.start.to_string() + " to " + contract.end.to_string());
  }
}

void check_contact(const std::optional<ContactFacts>& contact, Findings& findings) {
  if (contact && !contact->designated) {
    findings.add(Reason::contact_not_designated, contact->email + " is not a designated contact");
  }
}

// CS-2 and CS-9: is the date inside the enrolment's period?
void check_enrolment_period(const Product& product, const std::optional<Enrolment>& enrolment, Date at,
                            Findings& findings) {
  if (!enrolment || !product.custom_support) {
    findings.add(Reason::not_enrolled, "the customer is not enrolled for " + product.id);
    return;
  }
  const auto& programme = *product.custom_support;
  if (at < enrolment->start) {
    findings.add(Reason::not_enrolled,
                 "the enrolment for " + product.id + " starts on " + enrolment->start.to_string());
  }
  if (at > programme.end) {
    findings.add(Reason::programme_ended,
                 "the Custom Support programme of " + product.id + " ended on " + programme.end.to_string());
  }
  if (const auto left = unenrolment_effective(programme, *enrolment); left && at >= *left) {
    findings.add(Reason::enrolment_ended, "the customer unenrolled (notice " + enrolment->unenrol_notice->to_string() +
                                              ", effective " + left->to_string() + ")");
  }
}

// CS-4: a plan is required, and allows nothing after its completion date.
void check_plan(const std::optional<Enrolment>& enrolment, Date at, Findings& findings) {
  if (!enrolment) {
    return;
  }
  if (!enrolment->migration_plan) {
    findings.add(Reason::no_migration_plan, "the enrolment for " + enrolment->product + " has no migration plan");
  } else if (at > enrolment->migration_plan->completion) {
    findings.add(Reason::migration_complete,
                 "the migration plan completed on " + enrolment->migration_plan->completion.to_string());
  }
}

bool plan_in_force(const std::optional<Enrolment>& enrolment, Date at) {
  return enrolment && enrolment->migration_plan && at <= enrolment->migration_plan->completion;
}

void check_device_presence(const Device& device, Date at, Findings& findings) {
  if (at < device.registered) {
    findings.add(Reason::device_not_registered, "the device was registered on " + device.registered.to_string());
  }
  if (device.retired && *device.retired <= at) {
    findings.add(Reason::device_retired, "the device was retired on " + device.retired->to_string());
  }
}

void check_site(const std::optional<CustomerFacts>& customer, const std::string& site, Findings& findings) {
  if (customer && !contains_name(customer->sites, site)) {
    findings.add(Reason::site_not_listed, "site " + site + " is not listed on the service order");
  }
}

void check_update_prerequisite(const Update& update, const Device& device, Findings& findings) {
  if (update.requires_service_pack && !same_name(*update.requires_service_pack, device.service_pack)) {
    findings.add(Reason::service_pack_outdated,
                 update.id + " requires " + *update.requires_service_pack + "; the device runs " + device.service_pack);
  }
}

void check_update_language(const Update& update, const Device& device, Findings& findings) {
  if (update.language && !same_name(*update.language, device.language)) {
    findings.add(Reason::update_not_applicable,
                 update.id + " is the " + *update.language + " version; the device runs " + device.language);
  }
}

// Device checks of the Custom Support path: CS-3, CS-5, CS-6, CS-7. Details never name the device:
// devices the rules cannot tell apart share one decision (server/api/check_in_offers.hpp).
void check_device_custom_support(const CheckFacts& facts, const DeviceFacts& subject, Findings& findings) {
  const auto& device = subject.device;
  check_device_presence(device, facts.at, findings);
  const bool active = facts.at >= device.registered && !(device.retired && *device.retired <= facts.at);
  if (active && plan_in_force(facts.enrolment, facts.at)) {
    const auto cap = plan_device_cap(*facts.enrolment->migration_plan, facts.at);
    if (subject.active_ahead >= cap) {
      findings.add(Reason::device_limit_reached,
                   "the migration plan allows " + std::to_string(cap) + " devices on " + facts.at.to_string() + "; " +
                       std::to_string(subject.active_ahead) + " active devices were registered before this one");
    }
  }
  check_site(facts.customer, device.site, findings);
  if (facts.enrolment && !contains_name(facts.enrolment->languages, device.language)) {
    findings.add(Reason::language_not_covered, "language " + device.language + " is not covered by the enrolment");
  }
  if (!same_name(device.service_pack, facts.product.latest_service_pack)) {
    findings.add(Reason::service_pack_outdated, "the device runs " + device.service_pack +
                                                    "; the latest service pack is " +
                                                    facts.product.latest_service_pack);
  }
  check_update_prerequisite(facts.update, device, findings);
  check_update_language(facts.update, device, findings);
}

// CS-8: which security updates the enrolment includes.
void check_security_coverage(const CheckFacts& facts, Severity severity, Findings& findings) {
  const auto& enrolment = *facts.enrolment;
  const auto rated = facts.update.id + " is rated " + to_string(severity) + " for " + facts.product.id;
  if (severity == Severity::moderate || severity == Severity::low) {
    findings.add(Reason::severity_not_covered, rated + "; Custom Support covers Critical and Important only");
    return;
  }
  if (enrolment.type == EnrolmentType::essentials) {
    if (severity != Severity::critical) {
      findings.add(Reason::severity_not_covered, rated + "; Essentials can buy Critical updates only");
    } else if (facts.device && facts.purchase.taken_by_device) {
      return; // a device that took the update keeps it
    } else if (facts.purchase.bought == 0) {
      findings.add(Reason::purchase_required, "no purchase of " + facts.update.id + " for this Essentials enrolment");
    } else if (facts.device && !facts.purchase.taken_by_device && facts.purchase.consumed >= facts.purchase.bought) {
      findings.add(Reason::purchase_exhausted, "all " + std::to_string(facts.purchase.bought) + " devices bought for " +
                                                   facts.update.id + " are consumed");
    }
    return;
  }
  const bool ended_before_2010 = facts.product.support_end.year() < k_important_boundary_year;
  if (severity == Severity::important && !ended_before_2010 && !enrolment.important_addon) {
    findings.add(Reason::important_addon_required,
                 rated + "; support ended " + facts.product.support_end.to_string() +
                     " (on or after 2010-01-01), so Important updates need the Important add-on");
  }
}

void check_language_for_contact(const CheckFacts& facts, Findings& findings) {
  if (facts.contact && facts.enrolment && facts.update.language &&
      !contains_name(facts.enrolment->languages, *facts.update.language)) {
    findings.add(Reason::language_not_covered,
                 "language " + *facts.update.language + " is not covered by the enrolment");
  }
}

void decide_custom_support(const CheckFacts& facts, const ProductRating* rating, Findings& findings) {
  check_prerelease(facts.product, findings);
  check_contract(facts.customer, facts.at, findings);
  // A contact nobody designated has no customer: there is no enrolment to speak of.
  if (facts.customer) {
    check_enrolment_period(facts.product, facts.enrolment, facts.at, findings);
    check_plan(facts.enrolment, facts.at, findings);
  }
  if (facts.device) {
    check_device_custom_support(facts, *facts.device, findings);
  }
  check_language_for_contact(facts, findings);
  if (facts.update.kind == UpdateKind::security) {
    if (rating == nullptr || !rating->severity) {
      findings.add(Reason::update_not_applicable, facts.update.id + " carries no rating for " + facts.product.id);
    } else if (facts.enrolment) {
      check_security_coverage(facts, *rating->severity, findings);
    }
  } else {
    if (rating == nullptr) {
      findings.add(Reason::update_not_applicable, facts.update.id + " does not apply to " + facts.product.id);
    }
    if (facts.customer && !contains_name(facts.customer->hotfix_purchases, facts.update.id)) {
      findings.add(Reason::hotfix_not_purchased, "the customer did not buy hotfix " + facts.update.id);
    }
  }
  check_contact(facts.contact, findings);
}

// CS-15: Extended Hotfix Support, no enrolment needed.
void decide_extended_hotfix(const CheckFacts& facts, const ProductRating* rating, Findings& findings) {
  check_prerelease(facts.product, findings);
  check_contract(facts.customer, facts.at, findings);
  if (facts.device) {
    check_device_presence(facts.device->device, facts.at, findings);
    check_site(facts.customer, facts.device->device.site, findings);
    check_update_prerequisite(facts.update, facts.device->device, findings);
    check_update_language(facts.update, facts.device->device, findings);
  }
  if (rating == nullptr) {
    findings.add(Reason::update_not_applicable, facts.update.id + " does not apply to " + facts.product.id);
  }
  check_contact(facts.contact, findings);
  if (facts.customer && facts.customer->contract.level < 2) {
    findings.add(Reason::support_level_too_low, "Extended Hotfix Support needs support level 2 or 3; " +
                                                    facts.customer->id + " is at level " +
                                                    std::to_string(facts.customer->contract.level));
  }
  if (!family_eligible_for_extended_hotfix(facts.product.family)) {
    findings.add(Reason::family_not_eligible,
                 "family " + facts.product.family + " is not covered by Extended Hotfix Support");
  }
  if (facts.at <= facts.product.mainstream_end) {
    findings.add(Reason::not_in_extended_support,
                 facts.product.id + " is in mainstream support until " + facts.product.mainstream_end.to_string());
  }
}

} // namespace

std::vector<Reason> Decision::reasons() const {
  std::vector<Reason> out;
  out.reserve(findings.size());
  for (const auto& finding : findings) {
    out.push_back(finding.reason);
  }
  return out;
}

bool family_eligible_for_extended_hotfix(const std::string& family) {
  static constexpr std::array<std::string_view, 11> k_families{
      "office",        "dynamics ax",    "dynamics crm",   "biztalk server", "exchange server", "sql server",
      "system center", "windows server", "windows client", "windows",        "windows embedded"};
  auto name = lower(family);
  constexpr std::string_view k_vendor_prefix = "microsoft ";
  if (name.starts_with(k_vendor_prefix)) {
    name.erase(0, k_vendor_prefix.size());
  }
  return std::find(k_families.begin(), k_families.end(), name) != k_families.end();
}

Decision decide(const CheckFacts& facts) {
  Findings findings;
  const auto* rating = rating_for(facts.update, facts.product.id);
  Decision decision;
  const bool extended_hotfix = facts.update.kind == UpdateKind::hotfix && facts.at <= facts.product.support_end;
  if (extended_hotfix) {
    decision.path = Path::extended_hotfix_support;
    decide_extended_hotfix(facts, rating, findings);
  } else {
    decide_custom_support(facts, rating, findings);
  }
  decision.product = facts.product.id;
  const auto& programme = facts.product.custom_support;
  if (programme && facts.at >= programme->start && facts.at <= programme->end) {
    decision.quarter = quarter_index(*programme, facts.at);
  }
  // Extended Hotfix Support deliverables are never regression-tested (CS-15), whatever the
  // manifest says; a manifest may also flag any hotfix so.
  decision.not_regression_tested = extended_hotfix || !facts.update.regression_tested;
  decision.allowed = findings.empty();
  decision.findings = findings.take();
  return decision;
}

Decision decide_for_contact(const std::vector<CheckFacts>& per_product) {
  std::vector<Decision> decisions;
  bool any_enrolled = false;
  for (const auto& facts : per_product) {
    decisions.push_back(decide(facts));
    if (decisions.back().allowed) {
      return decisions.back();
    }
    any_enrolled = any_enrolled || facts.enrolment.has_value();
  }
  Decision merged;
  Findings findings;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (any_enrolled && !per_product[i].enrolment) {
      continue;
    }
    if (merged.product.empty()) {
      merged = decisions[i];
    }
    for (const auto& finding : decisions[i].findings) {
      findings.add(finding.reason, finding.detail);
    }
  }
  merged.findings = findings.take();
  merged.allowed = false;
  return merged;
}

RegistrationDecision check_registration(const RegistrationFacts& facts) {
  Findings refusals;
  Findings warnings;
  check_prerelease(facts.product, refusals);
  check_contract(facts.customer, facts.at, refusals);
  check_enrolment_period(facts.product, facts.enrolment, facts.at, refusals);
  check_plan(facts.enrolment, facts.at, refusals);
  check_site(facts.customer, facts.request.site, refusals);
  if (plan_in_force(facts.enrolment, facts.at)) {
    const auto cap = plan_device_cap(*facts.enrolment->migration_plan, facts.at);
    if (facts.active_devices >= cap) {
      refusals.add(Reason::device_limit_reached, "the migration plan allows " + std::to_string(cap) + " devices on " +
                                                     facts.at.to_string() + " and " +
                                                     std::to_string(facts.active_devices) + " are registered");
    }
  }
  if (facts.enrolment && !contains_name(facts.enrolment->languages, facts.request.language)) {
    warnings.add(Reason::language_not_covered,
                 "language " + facts.request.language + " is not covered by the enrolment");
  }
  if (!same_name(facts.request.service_pack, facts.product.latest_service_pack)) {
    warnings.add(Reason::service_pack_outdated, "the device runs " + facts.request.service_pack + "; install " +
                                                    facts.product.latest_service_pack +
                                                    " before it can receive updates");
  }
  RegistrationDecision decision;
  decision.allowed = refusals.empty();
  decision.refusals = refusals.take();
  decision.warnings = warnings.take();
  return decision;
}

} // namespace lifeline::catalog::rules
