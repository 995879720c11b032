// A compliant decision to start from: each test changes one fact and expects its reason.
#pragma once

#include "catalog/rules/entitlement.hpp"

namespace lifeline::catalog::testing {

inline Date d(const char* text) {
  return *Date::parse(text);
}

inline Product sql_server_2005() {
  return Product{"sql-server-2005-sp4",
                 "SQL Server 2005",
                 "SQL Server",
                 "2005",
                 "SP4",
                 "SP4",
                 d("2011-04-12"),
                 d("2016-04-12"),
                 Programme{d("2016-04-13"), d("2019-04-12")},
                 false};
}

inline Update critical_update(const std::string& product = "sql-server-2005-sp4") {
  Update update;
  update.id = "KB4057113";
  update.kind = UpdateKind::security;
  update.title = "Security update";
  update.released = d("2018-01-09");
  update.products = {ProductRating{product, Severity::critical}};
  update.language = "en-US";
  update.requires_service_pack = "SP4";
  return update;
}

inline Enrolment standard_enrolment() {
  Enrolment enrolment;
  enrolment.product = "sql-server-2005-sp4";
  enrolment.type = EnrolmentType::standard;
  enrolment.start = d("2016-10-13");
  enrolment.migration_plan =
      MigrationPlan{120, {{d("2016-10-13"), 120}, {d("2017-01-13"), 80}, {d("2017-04-13"), 30}}, d("2017-07-12")};
  return enrolment;
}

inline rules::CustomerFacts contoso(int level = 2) {
  return rules::CustomerFacts{
      "contoso", "Contoso Ltd", Contract{level, d("2016-01-01"), d("2017-12-31")}, {"paris", "lyon"}, {"KB4091664"}};
}

inline Device device(const char* id = "dev-1") {
  return Device{id,           "contoso", "paris",     "sql-server-2005-sp4", "SP4", "en-US", d("2016-11-01"),
                std::nullopt, 1,         std::nullopt};
}

inline rules::CheckFacts device_facts(const char* at = "2017-02-01") {
  rules::CheckFacts facts;
  facts.at = d(at);
  facts.product = sql_server_2005();
  facts.update = critical_update();
  facts.customer = contoso();
  facts.enrolment = standard_enrolment();
  facts.device = rules::DeviceFacts{device(), 0};
  return facts;
}

inline rules::CheckFacts contact_facts(const char* at = "2017-02-01") {
  auto facts = device_facts(at);
  facts.device.reset();
  facts.contact = rules::ContactFacts{"alice@contoso.example", true};
  return facts;
}

inline std::vector<std::string> codes(const rules::Decision& decision) {
  std::vector<std::string> out;
  for (const auto reason : decision.reasons()) {
    out.emplace_back(code(reason));
  }
  return out;
}

} // namespace lifeline::catalog::testing
