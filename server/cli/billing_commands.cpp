// billing statement: the billable programme quarters of an enrolment (CS-10).
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/identifiers.hpp"
#include "catalog/rules/programme.hpp"
#include "server/cli/command.hpp"

namespace lifeline::server::cli {

namespace {

ExitCode statement(CommandContext& context, const std::string& customer_id, const std::string& product_id) {
  if (!check_value(context, "--customer", customer_id, catalog::is_identifier, "a customer id") ||
      !check_value(context, "--product", product_id, catalog::is_identifier, "a product id")) {
    return ExitCode::invalid;
  }
  const auto order = context.catalog.find_order(customer_id);
  if (!order) {
    return report_error(context, order.error());
  }
  const auto product = context.catalog.find_product(product_id);
  if (!product) {
    return report_error(context, product.error());
  }
  if (!*order || !*product) {
    return report_error(context,
                        util::make_error(util::ErrorKind::not_found, !*order ? "unknown customer " + customer_id
                                                                             : "unknown product " + product_id));
  }
  const auto& enrolments = (*order)->enrolments;
  const auto enrolment = std::find_if(enrolments.begin(), enrolments.end(),
                                      [&](const catalog::Enrolment& e) { return e.product == product_id; });
  if (enrolment == enrolments.end() || !(*product)->custom_support) {
    return report_error(context, util::make_error(util::ErrorKind::not_found, customer_id + " is not enrolled for " +
                                                                                  product_id + " (NOT_ENROLLED)"));
  }
  const auto& programme = *(*product)->custom_support;
  const auto quarters = catalog::rules::billable_quarters(programme, (*order)->contract, *enrolment, context.at);
  const auto leaves = catalog::rules::unenrolment_effective(programme, *enrolment);
  const auto retroactive = std::count_if(quarters.begin(), quarters.end(), [](const auto& q) { return q.retroactive; });
  if (context.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& quarter : quarters) {
      list.push_back({{"quarter", quarter.index + 1},
                      {"billing_date", quarter.start.to_string()},
                      {"start", quarter.start.to_string()},
                      {"end", quarter.end.to_string()},
                      {"retroactive", quarter.retroactive}});
    }
    context.out << nlohmann::ordered_json{{"customer", customer_id},
                                          {"product", product_id},
                                          {"type", catalog::to_string(enrolment->type)},
                                          {"programme_start", programme.start.to_string()},
                                          {"programme_end", programme.end.to_string()},
                                          {"enrolment_start", enrolment->start.to_string()},
                                          {"unenrolment_effective", leaves ? nlohmann::ordered_json(leaves->to_string())
                                                                           : nlohmann::ordered_json(nullptr)},
                                          {"date", context.at.to_string()},
                                          {"billable_quarters", quarters.size()},
                                          {"retroactive_quarters", retroactive},
                                          {"quarters", list}}
                       .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << '\n';
    return ExitCode::ok;
  }
  context.out << "Billing statement for " << customer_id << ", " << product_id << " ("
              << catalog::to_string(enrolment->type) << ") as of " << context.at.to_string() << '\n'
              << "  programme " << programme.start.to_string() << " to " << programme.end.to_string() << ", enrolled "
              << enrolment->start.to_string() << "; fees count from the programme's first day (CS-10)\n";
  if (leaves) {
    context.out << "  unenrolment effective " << leaves->to_string() << '\n';
  }
  for (const auto& quarter : quarters) {
    context.out << "  Q" << quarter.index + 1 << "  billed " << quarter.start.to_string() << "  covers "
                << quarter.start.to_string() << " to " << quarter.end.to_string()
                << (quarter.retroactive ? "  retroactive" : "") << '\n';
  }
  context.out << "  " << quarters.size() << " billable quarters (" << retroactive << " retroactive)\n";
  return ExitCode::ok;
}

} // namespace

void add_billing_commands(CLI::App& app, CommandSet& commands) {
  auto customer = std::make_shared<std::string>();
  auto product = std::make_shared<std::string>();
  auto* billing = app.add_subcommand("billing", "Custom Support fees")->require_subcommand(1);
  auto* statement_app = billing->add_subcommand("statement", "Billable programme quarters of an enrolment (CS-10)");
  statement_app->add_option("--customer", *customer, "Customer id")->required();
  statement_app->add_option("--product", *product, "Product id")->required();
  commands.add(statement_app,
               [customer, product](CommandContext& context) { return statement(context, *customer, *product); });
}

} // namespace lifeline::server::cli
