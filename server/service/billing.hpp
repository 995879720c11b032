// A billing statement (CS-10): the billable programme quarters of one enrolment as of a date.
// Shared by `billing statement` and GET /v1/billing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/rules/programme.hpp"

namespace lifeline::server::service {

struct BillingStatement {
  std::string customer;
  std::string product;
  catalog::Enrolment enrolment;
  catalog::Programme programme;
  util::Date at;
  std::optional<util::Date> unenrolment_effective;
  std::vector<catalog::rules::BillableQuarter> quarters;

  [[nodiscard]] std::int64_t retroactive_quarters() const;
};

// not_found when the customer or product is unknown or the customer is not enrolled (NOT_ENROLLED).
util::Result<BillingStatement> billing_statement(catalog::Catalog& catalog, const std::string& customer_id,
                                                 const std::string& product_id, util::Date at);

// The statement as JSON text (pretty with indent >= 0).
std::string billing_json(const BillingStatement& statement, int indent = -1);

} // namespace lifeline::server::service
