// audit list: the audit trail, for one customer or all.
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/identifiers.hpp"
#include "server/cli/command.hpp"

namespace lifeline::server::cli {

namespace {

ExitCode list(CommandContext& context, const std::string& customer) {
  if (!customer.empty() && !check_value(context, "--customer", customer, catalog::is_identifier, "a customer id")) {
    return ExitCode::invalid;
  }
  const auto entries =
      context.catalog.audit_trail(customer.empty() ? std::nullopt : std::optional<std::string>(customer));
  if (!entries) {
    return report_error(context, entries.error());
  }
  if (context.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& entry : *entries) {
      out.push_back(
          {{"sequence", entry.sequence},
           {"recorded", entry.recorded},
           {"at", entry.at.to_string()},
           {"actor", entry.actor},
           {"action", entry.action},
           {"customer", entry.customer ? nlohmann::ordered_json(*entry.customer) : nlohmann::ordered_json(nullptr)},
           {"subject", entry.subject},
           {"detail", nlohmann::ordered_json::parse(entry.detail, nullptr, false)}});
    }
    context.out << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    return ExitCode::ok;
  }
  for (const auto& entry : *entries) {
    context.out << entry.sequence << "  " << entry.recorded << "  at " << entry.at.to_string() << "  " << entry.actor
                << "  " << entry.action << "  " << entry.customer.value_or("-") << "  " << entry.subject << "  "
                << entry.detail << '\n';
  }
  return ExitCode::ok;
}

} // namespace

void add_audit_commands(CLI::App& app, CommandSet& commands) {
  auto customer = std::make_shared<std::string>();
  auto* audit = app.add_subcommand("audit", "The audit trail")->require_subcommand(1);
  auto* list_app = audit->add_subcommand("list", "Every recorded action, oldest first");
  list_app->add_option("--customer", *customer, "Only this customer's entries");
  commands.add(list_app, [customer](CommandContext& context) { return list(context, *customer); });
}

} // namespace lifeline::server::cli
