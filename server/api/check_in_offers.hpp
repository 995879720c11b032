// A check-in's answer is mostly shared: devices of one enrolment that the rules cannot tell apart
// (same site, language, service pack, presence on the date, place against the plan's cap and
// Essentials purchases taken) get the same decisions, offer and statement targets. Those are
// computed once per class and kept under the scope generations they read; what a check-in does
// of its own is its device's few indexed reads, the statement's signature and concatenation.
#pragma once

#include <string>
#include <vector>

#include "catalog/views.hpp"
#include "server/service/repository_cache.hpp"
#include "server/service/statement.hpp"

namespace lifeline::server::api {

// What every device of an enrolment shares on a date, under one set of scope generations.
struct EnrolmentOffers {
  catalog::EnrolmentView view;
  service::StatementTerms terms;
  std::string key; // names the view: customer, product, date, generations

  [[nodiscard]] std::size_t bytes() const;
};

// One class's answer, serialised ahead of time.
struct ClassOffer {
  struct Offered {
    std::string update;
    std::string json;           // {"kb": ..., "installed": false}
    std::string json_installed; // the same with "installed": true
  };
  std::vector<Offered> offered;
  std::string withheld;                                   // the "withheld" array
  std::vector<std::string> targets;                       // what the statement allows, sorted
  std::vector<std::vector<std::string>> withheld_reasons; // reason codes per withheld update (metrics)

  [[nodiscard]] std::size_t bytes() const;
};

EnrolmentOffers make_enrolment_offers(catalog::EnrolmentView view, std::string key);

// The class of `device` on `at`: a key within its enrolment's offers.
std::string class_key(const EnrolmentOffers& offers, const catalog::DeviceView& device, util::Date at);

// Decides every update of the enrolment's product for `device` and serialises the offer.
ClassOffer make_class_offer(const EnrolmentOffers& offers, const catalog::DeviceView& device, util::Date at,
                            const service::PublishedPayloads& payloads);

// The check-in's body: the class's offer with the device's installs, the device, its statement.
std::string check_in_body(const ClassOffer& offer, const catalog::DeviceView& device, const std::string& device_json,
                          const std::string& signed_statement);

} // namespace lifeline::server::api
