#include "server/api/check_in_offers.hpp"

#include <algorithm>
#include <set>

#include "catalog/rules/programme.hpp"
#include "server/api/routes.hpp"

namespace lifeline::server::api {

namespace {

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::size_t update_bytes(const catalog::Update& update) {
  std::size_t bytes = sizeof(update) + update.id.size() + update.title.size();
  for (const auto& cve : update.cves) {
    bytes += cve.size() + sizeof(cve);
  }
  return bytes + (update.products.size() + update.supersedes.size()) * 64;
}

// What decide() reads of the device on `at`, beyond its site, language and service pack.
std::string presence(const catalog::Device& device, util::Date at) {
  if (at < device.registered) {
    return "from " + device.registered.to_string();
  }
  if (device.retired && *device.retired <= at) {
    return "retired " + device.retired->to_string();
  }
  return "active";
}

} // namespace

Json withheld_json(const service::WithheldUpdate& item) {
  auto json = update_json(item.update, item.product);
  json["reasons"] = reason_codes(item.findings);
  json["findings"] = findings_json(item.findings);
  json["superseded_by"] = item.superseded_by ? Json(*item.superseded_by) : Json();
  return json;
}

std::size_t EnrolmentOffers::bytes() const {
  std::size_t bytes = sizeof(*this) + key.size() + 1024;
  for (const auto& update : view.updates) {
    bytes += update_bytes(update);
  }
  return bytes + view.purchases.size() * 96;
}

std::size_t ClassOffer::bytes() const {
  std::size_t bytes = sizeof(*this) + withheld.size();
  for (const auto& item : offered) {
    bytes += sizeof(item) + item.update.size() + item.json.size() + item.json_installed.size();
  }
  for (const auto& target : targets) {
    bytes += sizeof(target) + target.size();
  }
  for (const auto& reasons : withheld_reasons) {
    bytes += sizeof(reasons) + reasons.size() * 48;
  }
  return bytes;
}

EnrolmentOffers make_enrolment_offers(catalog::EnrolmentView view, std::string key) {
  EnrolmentOffers offers;
  offers.terms.product = view.product;
  offers.terms.contract = view.customer.contract;
  if (view.enrolment) {
    offers.terms.enrolment = view.enrolment->type;
  }
  offers.view = std::move(view);
  offers.key = std::move(key);
  return offers;
}

std::string class_key(const EnrolmentOffers& offers, const catalog::DeviceView& subject, util::Date at) {
  const auto& device = subject.device;
  std::string place = "in";
  const auto& enrolment = offers.view.enrolment;
  if (enrolment && enrolment->migration_plan &&
      subject.active_ahead >= catalog::rules::plan_device_cap(*enrolment->migration_plan, at)) {
    place = "over " + std::to_string(subject.active_ahead); // the finding says how many are ahead
  }
  std::string key = offers.key;
  for (const auto* part : {&device.site, &device.language, &device.service_pack}) {
    key += '\x1f' + *part;
  }
  key += '\x1f' + presence(device, at) + '\x1f' + place;
  for (const auto& taken : subject.taken) {
    key += '\x1f' + taken;
  }
  return key;
}

ClassOffer make_class_offer(const EnrolmentOffers& offers, const catalog::DeviceView& subject, util::Date at,
                            const service::PublishedPayloads& payloads) {
  const auto& view = offers.view;
  std::vector<service::DeviceDecision> decisions;
  decisions.reserve(view.updates.size());
  for (const auto& update : view.updates) {
    catalog::rules::CheckFacts facts;
    facts.at = at;
    facts.product = view.product;
    facts.update = update;
    facts.customer = view.customer;
    facts.enrolment = view.enrolment;
    if (const auto bought = view.purchases.find(update.id); bought != view.purchases.end()) {
      facts.purchase = bought->second;
    }
    facts.purchase.taken_by_device = std::binary_search(subject.taken.begin(), subject.taken.end(), update.id);
    facts.device = catalog::rules::DeviceFacts{subject.device, subject.active_ahead};
    auto decision = catalog::rules::decide(facts);
    decisions.push_back(service::DeviceDecision{update, std::move(decision), false});
  }
  const auto offer = service::device_offer(decisions, view.product.id, payloads);
  ClassOffer made;
  for (const auto& item : offer.offered) {
    auto json = update_json(item.update, item.product);
    json["targets"] = item.targets;
    json["installed"] = false;
    ClassOffer::Offered serialised{item.update.id, dump(json), {}};
    json["installed"] = true;
    serialised.json_installed = dump(json);
    made.offered.push_back(std::move(serialised));
  }
  Json withheld = Json::array();
  for (const auto& item : offer.withheld) {
    withheld.push_back(withheld_json(item));
    if (!item.findings.empty()) {
      made.withheld_reasons.push_back(reason_codes(item.findings));
    }
  }
  made.withheld = dump(withheld);
  std::set<std::string> allowed;
  for (const auto& decided : decisions) {
    if (decided.decision.allowed) {
      allowed.insert(decided.update.id);
    }
  }
  for (const auto& [path, kb] : payloads) {
    if (allowed.contains(kb)) {
      made.targets.push_back(path);
    }
  }
  return made;
}

std::string check_in_body(const ClassOffer& offer, const catalog::DeviceView& device, const std::string& device_json,
                          const std::string& signed_statement) {
  std::size_t size = offer.withheld.size() + device_json.size() + signed_statement.size() + 96;
  for (const auto& item : offer.offered) {
    size += item.json_installed.size() + 1;
  }
  std::string body;
  body.reserve(size);
  body += "{\"updates\":[";
  for (std::size_t i = 0; i < offer.offered.size(); ++i) {
    const auto& item = offer.offered[i];
    const bool installed = std::binary_search(device.installed.begin(), device.installed.end(), item.update);
    body += i == 0 ? "" : ",";
    body += installed ? item.json_installed : item.json;
  }
  body += "],\"withheld\":";
  body += offer.withheld;
  body += ",\"device\":";
  body += device_json;
  body += ",\"entitlement_statement\":";
  body += signed_statement;
  body += '}';
  return body;
}

} // namespace lifeline::server::api
