#include "server/service/billing.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace lifeline::server::service {

std::int64_t BillingStatement::retroactive_quarters() const {
  return std::count_if(quarters.begin(), quarters.end(), [](const auto& q) { return q.retroactive; });
}

util::Result<BillingStatement> billing_statement(catalog::Catalog& catalog, const std::string& customer_id,
                                                 const std::string& product_id, util::Date at) {
  const auto order = catalog.find_order(customer_id);
  if (!order) {
    return order.error();
  }
  const auto product = catalog.find_product(product_id);
  if (!product) {
    return product.error();
  }
  if (!*order || !*product) {
    return util::make_error(util::ErrorKind::not_found,
                            !*order ? "unknown customer " + customer_id : "unknown product " + product_id);
  }
  const auto& enrolments = (*order)->enrolments;
  const auto enrolment = std::find_if(enrolments.begin(), enrolments.end(),
                                      [&](const catalog::Enrolment& e) { return e.product == product_id; });
  if (enrolment == enrolments.end() || !(*product)->custom_support) {
    return util::make_error(util::ErrorKind::not_found,
                            customer_id + " is not enrolled for " + product_id + " (NOT_ENROLLED)");
  }
  const auto& programme = *(*product)->custom_support;
  return BillingStatement{customer_id,
                          product_id,
                          *enrolment,
                          programme,
                          at,
                          catalog::rules::unenrolment_effective(programme, *enrolment),
                          catalog::rules::billable_quarters(programme, (*order)->contract, *enrolment, at)};
}

std::string billing_json(const BillingStatement& statement, int indent) {
  using Json = nlohmann::ordered_json;
  Json list = Json::array();
  for (const auto& quarter : statement.quarters) {
    list.push_back({{"quarter", quarter.index + 1},
                    {"billing_date", quarter.start.to_string()},
                    {"start", quarter.start.to_string()},
                    {"end", quarter.end.to_string()},
                    {"retroactive", quarter.retroactive}});
  }
  const auto& leaves = statement.unenrolment_effective;
  return Json{{"customer", statement.customer},
              {"product", statement.product},
              {"type", catalog::to_string(statement.enrolment.type)},
              {"programme_start", statement.programme.start.to_string()},
              {"programme_end", statement.programme.end.to_string()},
              {"enrolment_start", statement.enrolment.start.to_string()},
              {"unenrolment_effective", leaves ? Json(leaves->to_string()) : Json(nullptr)},
              {"date", statement.at.to_string()},
              {"billable_quarters", statement.quarters.size()},
              {"retroactive_quarters", statement.retroactive_quarters()},
              {"quarters", list}}
      .dump(indent, ' ', false, Json::error_handler_t::replace);
}

} // namespace lifeline::server::service
