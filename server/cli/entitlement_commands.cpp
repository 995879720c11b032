// entitlement check: the rules engine's decision for a device or a designated contact.
#include <ostream>

#include <CLI/CLI.hpp>

#include "catalog/identifiers.hpp"
#include "server/cli/command.hpp"
#include "server/cli/render.hpp"

namespace lifeline::server::cli {

namespace {

struct CheckOptions {
  std::string device;
  std::string contact;
  std::string update;
  std::string product;
  bool brief = false;
};

ExitCode print(CommandContext& context, const CheckOptions& options, const catalog::rules::Decision& decision,
               const DecisionSubject& subject) {
  if (options.brief) {
    print_decision_brief(context.out, decision, subject);
  } else if (context.json) {
    context.out << decision_json(decision, subject) << '\n';
  } else {
    print_decision(context.out, decision, subject);
  }
  return decision.allowed ? ExitCode::ok : ExitCode::denied;
}

ExitCode check(CommandContext& context, CheckOptions options) {
  if (!check_value(context, "--update", options.update, catalog::is_kb, "a KB number (KB1234567)") ||
      (!options.device.empty() &&
       !check_value(context, "--device", options.device, catalog::is_identifier, "a device id")) ||
      (!options.contact.empty() &&
       !check_value(context, "--contact", options.contact, catalog::is_email, "an e-mail address")) ||
      (!options.product.empty() &&
       !check_value(context, "--product", options.product, catalog::is_identifier, "a product id"))) {
    return ExitCode::invalid;
  }
  options.contact = catalog::normalise_email(options.contact);
  if (!options.device.empty()) {
    const auto facts = context.catalog.device_facts(options.device, options.update, context.at);
    if (!facts) {
      return report_error(context, facts.error());
    }
    const DecisionSubject subject{facts->device->device.customer, options.update, options.device, std::nullopt,
                                  context.at};
    return print(context, options, catalog::rules::decide(*facts), subject);
  }
  auto facts = context.catalog.contact_facts(options.contact, options.update, context.at);
  if (!facts) {
    return report_error(context, facts.error());
  }
  if (!options.product.empty()) {
    std::erase_if(*facts, [&](const auto& f) { return f.product.id != options.product; });
    if (facts->empty()) {
      return report_error(context, util::make_error(util::ErrorKind::invalid_input,
                                                    options.update + " does not apply to " + options.product));
    }
  }
  const auto customer = facts->front().customer ? std::optional(facts->front().customer->id) : std::nullopt;
  const DecisionSubject subject{customer, options.update, std::nullopt, options.contact, context.at};
  return print(context, options, catalog::rules::decide_for_contact(*facts), subject);
}

} // namespace

void add_entitlement_commands(CLI::App& app, CommandSet& commands) {
  auto options = std::make_shared<CheckOptions>();
  auto* entitlement = app.add_subcommand("entitlement", "Custom Support entitlement decisions")->require_subcommand(1);
  auto* check_app = entitlement->add_subcommand(
      "check", "Decide whether a device or a designated contact may receive an update; exit 0 allow, 1 deny");
  auto* device = check_app->add_option("--device", options->device, "Device id");
  auto* contact = check_app->add_option("--contact", options->contact, "Designated contact's e-mail");
  device->excludes(contact);
  check_app->add_option("--update", options->update, "Update (KB)")->required();
  check_app->add_option("--product", options->product, "With --contact: decide for this product of the update only")
      ->needs(contact);
  auto* brief = check_app->add_flag("--brief", options->brief, "Print one line per decision, for tables");
  commands.add(check_app, [options](CommandContext& context) {
    if (options->device.empty() && options->contact.empty()) {
      context.err << "lifeline-server: entitlement check needs --device ID or --contact EMAIL\n";
      return ExitCode::usage;
    }
    return check(context, *options);
  });
  brief->excludes(check_app->get_option("--json"));
}

} // namespace lifeline::server::cli
