// tokens create, contacts credential: issuing credentials (shown once, stored as hashes).
#include <ostream>

#include <CLI/CLI.hpp>

#include "catalog/identifiers.hpp"
#include "server/auth/credentials.hpp"
#include "server/cli/command.hpp"

namespace lifeline::server::cli {

namespace {

ExitCode print_token(CommandContext& context, const util::Result<auth::IssuedToken>& issued, const std::string& whom) {
  if (!issued) {
    return report_error(context, issued.error());
  }
  context.err << "credential " << issued->id << " issued for " << whom
              << ". Keep the token secret: it is shown once and cannot be recovered.\n";
  context.out << issued->token << '\n';
  return ExitCode::ok;
}

} // namespace

void add_credential_commands(CLI::App& app, CommandSet& commands) {
  struct TokenOptions {
    std::string role;
    std::string name = "operator";
    std::string email;
  };
  auto options = std::make_shared<TokenOptions>();
  auto* tokens =
      app.add_subcommand("tokens", "Credentials of the vendor's operators and publishers")->require_subcommand(1);
  auto* create = tokens->add_subcommand("create", "Issue a token (printed once on standard output)");
  create->add_option("--role", options->role, "operator or publisher")
      ->required()
      ->check(CLI::IsMember({"operator", "publisher"}));
  create->add_option("--name", options->name, "Who holds it, for the audit trail");
  commands.add(
      create,
      [options](CommandContext& context) {
        if (!check_value(context, "--name", options->name, catalog::is_identifier, "a name ([A-Za-z0-9._-])")) {
          return ExitCode::invalid;
        }
        const catalog::Principal principal{*catalog::parse_role(options->role), options->name, std::nullopt};
        return print_token(context, auth::issue_token(context.catalog, principal, context.audit()),
                           options->role + " " + options->name);
      },
      false);

  auto id = std::make_shared<std::string>();
  auto* revoke = tokens->add_subcommand("revoke", "Revoke any credential (operator, publisher, contact, device)");
  revoke->add_option("--id", *id, "The credential's public id (ll_<id>_..., in the audit trail)")->required();
  commands.add(
      revoke,
      [id](CommandContext& context) {
        if (!check_value(context, "--id", *id, catalog::is_identifier, "a credential id")) {
          return ExitCode::invalid;
        }
        const auto revoked = context.catalog.revoke_credential(*id, context.audit());
        if (!revoked) {
          return report_error(context, revoked.error());
        }
        if (!*revoked) {
          return report_error(context, util::make_error(util::ErrorKind::not_found, "no live credential " + *id));
        }
        context.out << "credential " << *id << " revoked\n";
        return ExitCode::ok;
      },
      false);

  auto* contacts = app.add_subcommand("contacts", "Designated contacts")->require_subcommand(1);
  auto* credential = contacts->add_subcommand(
      "credential", "Issue a credential to a designated contact; it dies when the order removes them");
  credential->add_option("--email", options->email, "The contact's e-mail")->required();
  commands.add(
      credential,
      [options](CommandContext& context) {
        if (!check_value(context, "--email", options->email, catalog::is_email, "an e-mail address")) {
          return ExitCode::invalid;
        }
        const auto email = catalog::normalise_email(options->email);
        const auto customer = context.catalog.contact_customer(email);
        if (!customer) {
          return report_error(context, customer.error());
        }
        if (!*customer) {
          return report_error(context,
                              util::make_error(util::ErrorKind::not_found,
                                               email + " is not a designated contact (CONTACT_NOT_DESIGNATED)"));
        }
        const catalog::Principal principal{catalog::Role::contact, email, *customer};
        return print_token(context, auth::issue_token(context.catalog, principal, context.audit()), "contact " + email);
      },
      false);
}

} // namespace lifeline::server::cli
