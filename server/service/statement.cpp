#include "server/service/statement.hpp"

#include <algorithm>
#include <set>

#include "catalog/rules/programme.hpp"

namespace lifeline::server::service {

namespace {

std::int64_t statement_expiry(util::Date at, std::int64_t now, const catalog::Product& product,
                              const catalog::Contract& contract, std::int64_t validity_hours) {
  constexpr std::int64_t k_day = 86400;
  auto expires = now + validity_hours * 3600;
  const auto day_after = [](util::Date date) { return static_cast<std::int64_t>(date.days_since_epoch() + 1) * k_day; };
  expires = std::min(expires, day_after(contract.end));
  if (product.custom_support) {
    const auto quarter = catalog::rules::quarter_index(*product.custom_support, at);
    if (quarter >= 0) {
      expires = std::min(expires, day_after(catalog::rules::quarter_end(*product.custom_support, quarter)));
    }
  }
  return expires;
}

} // namespace

util::Result<IssuedStatement> sign_statement_for(const catalog::Device& device, const StatementTerms& terms,
                                                 std::vector<std::string> targets, const signing::NamedKey& key,
                                                 util::Date at, std::int64_t now, std::int64_t validity_hours) {
  IssuedStatement issued;
  auto& result = issued.statement;
  result.device = device.id;
  result.customer = device.customer;
  result.product = device.product;
  result.enrolment_type = terms.enrolment ? catalog::to_string(*terms.enrolment) : "none";
  if (terms.product.custom_support) {
    result.programme_quarter = catalog::rules::quarter_index(*terms.product.custom_support, at) + 1;
  }
  result.targets = std::move(targets);
  result.issued = now;
  result.expires = statement_expiry(at, now, terms.product, terms.contract, validity_hours);
  auto signed_bytes = signing::sign_statement(result, key);
  if (!signed_bytes) {
    return signed_bytes.error();
  }
  issued.signed_bytes = std::move(*signed_bytes);
  return issued;
}

util::Result<IssuedStatement> issue_statement(catalog::Catalog& catalog, const catalog::Device& device,
                                              const std::vector<DeviceDecision>& decisions,
                                              const PublishedPayloads& payloads, const signing::NamedKey& key,
                                              util::Date at, std::int64_t now, std::int64_t validity_hours) {
  const auto order = catalog.find_order(device.customer);
  const auto product = catalog.find_product(device.product);
  if (!order || !*order || !product || !*product) {
    return util::make_error(util::ErrorKind::not_found, "the device's customer or product is gone");
  }
  StatementTerms terms{**product, (*order)->contract, std::nullopt};
  for (const auto& enrolment : (*order)->enrolments) {
    if (enrolment.product == device.product) {
      terms.enrolment = enrolment.type;
    }
  }
  std::set<std::string> allowed;
  for (const auto& decided : decisions) {
    if (decided.decision.allowed) {
      allowed.insert(decided.update.id);
    }
  }
  std::vector<std::string> targets;
  for (const auto& [path, kb] : payloads) {
    if (allowed.contains(kb)) {
      targets.push_back(path);
    }
  }
  return sign_statement_for(device, terms, std::move(targets), key, at, now, validity_hours);
}

} // namespace lifeline::server::service
