#include "server/service/statement.hpp"

#include <algorithm>

#include "catalog/rules/programme.hpp"
#include "server/service/publishing.hpp"

namespace lifeline::server::service {

namespace {

std::int64_t statement_expiry(util::Date at, std::int64_t now, const catalog::Product& product,
                              const catalog::ServiceOrder& order, std::int64_t validity_hours) {
  constexpr std::int64_t k_day = 86400;
  auto expires = now + validity_hours * 3600;
  const auto day_after = [](util::Date date) { return static_cast<std::int64_t>(date.days_since_epoch() + 1) * k_day; };
  expires = std::min(expires, day_after(order.contract.end));
  if (product.custom_support) {
    const auto quarter = catalog::rules::quarter_index(*product.custom_support, at);
    if (quarter >= 0) {
      expires = std::min(expires, day_after(catalog::rules::quarter_end(*product.custom_support, quarter)));
    }
  }
  return expires;
}

} // namespace

util::Result<IssuedStatement> issue_statement(catalog::Catalog& catalog, const signing::Repository& repository,
                                              const std::string& device_id, util::Date at, std::int64_t now,
                                              std::int64_t validity_hours) {
  const auto device = catalog.find_device(device_id);
  if (!device) {
    return device.error();
  }
  if (!*device) {
    return util::make_error(util::ErrorKind::not_found, "unknown device " + device_id);
  }
  const auto order = catalog.find_order((*device)->customer);
  const auto product = catalog.find_product((*device)->product);
  if (!order || !*order || !product || !*product) {
    return util::make_error(util::ErrorKind::not_found, "the device's customer or product is gone");
  }
  const auto payloads = published_payloads(repository, (*device)->product);
  if (!payloads) {
    return payloads.error();
  }
  IssuedStatement issued;
  auto& result = issued.statement;
  result.device = (*device)->id;
  result.customer = (*device)->customer;
  result.product = (*device)->product;
  const auto& enrolments = (*order)->enrolments;
  const auto enrolment = std::find_if(enrolments.begin(), enrolments.end(),
                                      [&](const catalog::Enrolment& e) { return e.product == result.product; });
  result.enrolment_type = enrolment == enrolments.end() ? "none" : catalog::to_string(enrolment->type);
  if ((*product)->custom_support) {
    result.programme_quarter = catalog::rules::quarter_index(*(*product)->custom_support, at) + 1;
  }
  std::map<std::string, bool> allowed; // decided once per update
  for (const auto& [path, kb] : *payloads) {
    if (!allowed.contains(kb)) {
      const auto facts = catalog.device_facts(result.device, kb, at);
      allowed[kb] = facts && catalog::rules::decide(*facts).allowed;
    }
    if (allowed[kb]) {
      result.targets.push_back(path);
    }
  }
  result.issued = now;
  result.expires = statement_expiry(at, now, **product, **order, validity_hours);
  auto signed_bytes = repository.sign_entitlement(result);
  if (!signed_bytes) {
    return signed_bytes.error();
  }
  issued.signed_bytes = std::move(*signed_bytes);
  return issued;
}

} // namespace lifeline::server::service
