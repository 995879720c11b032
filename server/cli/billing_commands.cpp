// billing statement: the billable programme quarters of an enrolment (CS-10).
#include <ostream>

#include <CLI/CLI.hpp>

#include "catalog/identifiers.hpp"
#include "server/cli/command.hpp"
#include "server/service/billing.hpp"

namespace lifeline::server::cli {

namespace {

ExitCode statement(CommandContext& context, const std::string& customer_id, const std::string& product_id) {
  if (!check_value(context, "--customer", customer_id, catalog::is_identifier, "a customer id") ||
      !check_value(context, "--product", product_id, catalog::is_identifier, "a product id")) {
    return ExitCode::invalid;
  }
  const auto billed = service::billing_statement(context.catalog, customer_id, product_id, context.at);
  if (!billed) {
    return report_error(context, billed.error());
  }
  if (context.json) {
    context.out << service::billing_json(*billed, 2) << '\n';
    return ExitCode::ok;
  }
  const auto& programme = billed->programme;
  const auto* enrolment = &billed->enrolment;
  const auto& leaves = billed->unenrolment_effective;
  const auto& quarters = billed->quarters;
  const auto retroactive = billed->retroactive_quarters();
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
