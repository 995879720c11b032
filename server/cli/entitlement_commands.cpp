// entitlement check: the rules engine's decision for a device or a designated contact.
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/identifiers.hpp"
#include "server/cli/command.hpp"
#include "server/cli/render.hpp"
#include "server/service/publishing.hpp"
#include "server/service/statement.hpp"
#include "signing/entitlement_statement.hpp"
#include "signing/repository/repository.hpp"
#include "util/atomic_file.hpp"

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

struct StatementOptions {
  std::string device;
  std::int64_t validity_hours = 24;
  std::string out;
};

ExitCode statement(CommandContext& context, const StatementOptions& options) {
  if (!check_value(context, "--device", options.device, catalog::is_identifier, "a device id")) {
    return ExitCode::invalid;
  }
  auto repository = signing::Repository::open(context.data_dir);
  if (!repository) {
    return report_error(context, repository.error());
  }
  const auto device = context.catalog.find_device(options.device);
  if (!device || !*device) {
    return report_error(context, device
                                     ? util::make_error(util::ErrorKind::not_found, "unknown device " + options.device)
                                     : device.error());
  }
  const auto payloads = service::published_payloads(*repository, (*device)->product);
  const auto key = repository->entitlement_key();
  const auto decisions = service::decide_device_updates(context.catalog, **device, context.at);
  if (!payloads || !key || !decisions) {
    return report_error(context, !payloads ? payloads.error() : !key ? key.error() : decisions.error());
  }
  const auto issued = service::issue_statement(context.catalog, **device, *decisions, *payloads, *key, context.at,
                                               context.now, options.validity_hours);
  if (!issued) {
    return report_error(context, issued.error());
  }
  const auto& result = issued->statement;
  const auto& signed_statement = issued->signed_bytes;
  if (options.out.empty()) {
    context.out << signed_statement << '\n';
  } else if (auto written = util::write_file_atomically(options.out, signed_statement); !written) {
    return report_error(context, written.error());
  } else {
    context.out << "wrote the entitlement statement of " << result.device << " (" << result.targets.size()
                << " targets, expires " << signing::tuf::format_expires(result.expires) << ") to " << options.out
                << '\n';
  }
  return ExitCode::ok;
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

  auto statement_options = std::make_shared<StatementOptions>();
  auto* statement_app = entitlement->add_subcommand(
      "statement", "Sign the device's entitlement statement: the targets it may install, until when");
  statement_app->add_option("--device", statement_options->device, "Device id")->required();
  statement_app->add_option("--validity-hours", statement_options->validity_hours, "Freshness limit")
      ->check(CLI::Range(1, 24 * 92));
  statement_app->add_option("--out", statement_options->out, "Write it to this file");
  commands.add(
      statement_app, [statement_options](CommandContext& context) { return statement(context, *statement_options); },
      false);
}

} // namespace lifeline::server::cli
