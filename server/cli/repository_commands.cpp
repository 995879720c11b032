// init, publish, repository export/status/refresh/install-root, keys delegate/revoke/rotate: the TUF
// repository every published update lives in.
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/documents/document.hpp"
#include "catalog/identifiers.hpp"
#include "server/cli/command.hpp"
#include "server/service/publishing.hpp"
#include "signing/repository/online_keys.hpp"
#include "signing/repository/repository.hpp"
#include "util/file.hpp"

namespace lifeline::server::cli {

namespace {

namespace fs = std::filesystem;

struct InitArguments {
  std::string root_keys;
  std::string passphrase_file;
  std::int64_t root_threshold = 0;
  signing::ExpiryPolicy expiry;
};

bool is_file_name(std::string_view name) {
  return catalog::is_identifier(name) && name != "." && name != "..";
}

ExitCode init(CommandContext& context, const InitArguments& arguments) {
  signing::InitOptions options;
  options.expiry = arguments.expiry;
  options.root_threshold = arguments.root_threshold;
  if (!arguments.root_keys.empty()) {
    options.root_keys_dir = arguments.root_keys;
  }
  const auto passphrase = signing::read_passphrase(
      arguments.passphrase_file.empty() ? std::nullopt : std::optional<fs::path>(arguments.passphrase_file));
  if (!passphrase) {
    return report_error(context, passphrase.error());
  }
  options.passphrase = *passphrase;
  const auto repository = signing::Repository::init(context.data_dir, options, context.now);
  if (!repository) {
    return report_error(context, repository.error());
  }
  context.out << "initialised the TUF repository in " << (context.data_dir / "repository").string()
              << " (root version 1, consistent snapshots)\n";
  if (!options.root_keys_dir) {
    context.err << "\n*** WARNING: DEVELOPMENT ROOT ***\n"
                << "No --root-keys were given, so the root key was generated here and kept online in\n"
                << (context.data_dir / "keys" / "development-root").string() << ".\n"
                << "Anyone who reads that file can sign a new root. For production, create root keys\n"
                << "offline with lifeline-sign and run init --root-keys DIR.\n\n";
  }
  return ExitCode::ok;
}

ExitCode publish(CommandContext& context, const std::string& manifest_file, const std::string& payload) {
  const fs::path payload_path(payload);
  const auto file_name = payload_path.filename().string();
  if (!is_file_name(file_name)) {
    return report_error(context, util::make_error(util::ErrorKind::invalid_input,
                                                  "the payload's file name must be [A-Za-z0-9._-], 64 at most"));
  }
  std::error_code ec;
  if (!fs::is_regular_file(payload_path, ec)) {
    return report_error(context, util::make_error(util::ErrorKind::not_found, payload + ": no such file"));
  }
  auto repository = signing::Repository::open(context.data_dir);
  if (!repository) {
    return report_error(context, repository.error());
  }
  const auto text = util::read_file(manifest_file, catalog::documents::k_max_document_bytes);
  if (!text) {
    return report_error(context, text.error());
  }
  const auto outcome = service::publish_update(context.catalog, *repository, *text, payload_path, file_name,
                                               context.audit(), context.now);
  if (!outcome) {
    return report_error(context, outcome.error());
  }
  if (!outcome->problems.empty()) {
    context.err << "lifeline-server: " << manifest_file << " refused, nothing published:\n"
                << catalog::documents::describe(outcome->problems);
    return ExitCode::invalid;
  }
  for (const auto& target : outcome->published) {
    context.out << "published " << target.path << " (" << target.length << " bytes, sha256 " << target.sha256
                << ") in role " << target.role << '\n';
  }
  return ExitCode::ok;
}

ExitCode status(CommandContext& context) {
  auto repository = signing::Repository::open(context.data_dir);
  if (!repository) {
    return report_error(context, repository.error());
  }
  const auto state = repository->status();
  if (!state) {
    return report_error(context, state.error());
  }
  if (context.json) {
    context.out << nlohmann::ordered_json{{"root_version", state->root_version},
                                          {"targets_version", state->targets_version},
                                          {"snapshot_version", state->snapshot_version},
                                          {"timestamp_version", state->timestamp_version},
                                          {"root_expires", signing::tuf::format_expires(state->root_expires)},
                                          {"timestamp_expires", signing::tuf::format_expires(state->timestamp_expires)},
                                          {"development_root", state->development_root}}
                       .dump(2)
                << '\n';
    return ExitCode::ok;
  }
  context.out << "root v" << state->root_version << " (expires " << signing::tuf::format_expires(state->root_expires)
              << (state->development_root ? ", DEVELOPMENT ROOT" : "") << "), targets v" << state->targets_version
              << ", snapshot v" << state->snapshot_version << ", timestamp v" << state->timestamp_version
              << " (expires " << signing::tuf::format_expires(state->timestamp_expires) << ")\n";
  return ExitCode::ok;
}

template <typename Action> ExitCode with_repository(CommandContext& context, Action action) {
  auto repository = signing::Repository::open(context.data_dir);
  if (!repository) {
    return report_error(context, repository.error());
  }
  return action(*repository);
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    text += (text.empty() ? "" : ", ") + name;
  }
  return text;
}

void report_installed(CommandContext& context, const signing::RootInstalled& installed) {
  context.out << "installed root version " << installed.version << '\n';
  if (!installed.activated.empty()) {
    context.out << "new keys in force for: " << joined(installed.activated) << '\n';
  }
  if (!installed.resigned.empty()) {
    context.out << "re-signed with the keys the new root lists: " << joined(installed.resigned) << '\n';
  }
}

struct RotateArguments {
  std::vector<std::string> roles;
  std::string out;
};

ExitCode rotate(CommandContext& context, const RotateArguments& arguments) {
  return with_repository(context, [&](signing::Repository& repo) {
    const auto draft = arguments.out.empty() ? std::nullopt : std::optional<fs::path>(arguments.out);
    const auto rotation = repo.rotate_online_keys(arguments.roles, draft, context.now);
    if (!rotation) {
      return report_error(context, rotation.error());
    }
    if (rotation->installed) {
      context.out << "new keys for: " << joined(arguments.roles) << "; root version " << rotation->root_version
                  << " lists them and was signed with the development root key\n";
      report_installed(context, *rotation->installed);
      return ExitCode::ok;
    }
    context.out
        << "new keys, in force once the root that lists them is installed (the current keys serve until then):\n";
    for (const auto& role : arguments.roles) {
      context.out << "  " << signing::pending_key_path(context.data_dir / "keys", role).string() << '\n';
    }
    context.out
        << "wrote the unsigned root version " << rotation->root_version << " to " << arguments.out << "\n\n"
        << "Next steps:\n"
        << "  1. On the offline machine, root key holders sign it in turn until the root threshold is met:\n"
        << "       lifeline-sign root sign --in " << arguments.out << " --keys ROOT-KEYS-DIR [--passphrase-file F]\n"
        << "  2. Install it here; the new keys take over and the metadata is signed again at once:\n"
        << "       lifeline-server --data " << context.data_dir.string() << " repository install-root " << arguments.out
        << '\n'
        << "Running keys rotate again replaces a pending key, and this draft can then no longer be installed.\n";
    return ExitCode::ok;
  });
}

void add_rotate_command(CLI::App& keys, CommandSet& commands) {
  auto arguments = std::make_shared<RotateArguments>();
  auto* rotate_app =
      keys.add_subcommand("rotate", "Replace the key of targets, snapshot, timestamp or entitlement (a root change)");
  rotate_app->add_option("--role", arguments->roles, "targets, snapshot, timestamp or entitlement (repeatable)")
      ->required()
      ->check(CLI::IsMember({"targets", "snapshot", "timestamp", "entitlement"}));
  rotate_app->add_option("--out", arguments->out,
                         "Where to write the unsigned next root (required when the root keys are offline)");
  commands.add(
      rotate_app, [arguments](CommandContext& context) { return rotate(context, *arguments); }, false);
}

} // namespace

void add_repository_commands(CLI::App& app, CommandSet& commands) {
  auto init_arguments = std::make_shared<InitArguments>();
  auto* init_app = app.add_subcommand("init", "Create the signing keys and the TUF repository");
  init_app->add_option("--root-keys", init_arguments->root_keys,
                       "Directory of offline root keys (*.pem, from lifeline-sign); none: a development root");
  init_app->add_option("--root-threshold", init_arguments->root_threshold, "Root signatures required (default: all)");
  init_app->add_option("--passphrase-file", init_arguments->passphrase_file,
                       "File whose first line decrypts root keys");
  init_app->add_option("--root-expiry-days", init_arguments->expiry.root_days)->check(CLI::Range(1, 3650));
  init_app->add_option("--targets-expiry-days", init_arguments->expiry.targets_days)->check(CLI::Range(1, 3650));
  init_app->add_option("--snapshot-expiry-days", init_arguments->expiry.snapshot_days)->check(CLI::Range(1, 3650));
  init_app->add_option("--timestamp-expiry-days", init_arguments->expiry.timestamp_days)->check(CLI::Range(1, 3650));
  commands.add(
      init_app, [init_arguments](CommandContext& context) { return init(context, *init_arguments); }, false);

  auto manifest = std::make_shared<std::string>();
  auto payload = std::make_shared<std::string>();
  auto* publish_app = app.add_subcommand("publish", "Add an update to the catalog and sign it into the repository");
  publish_app->add_option("--manifest", *manifest, "Update manifest (JSON)")->required();
  publish_app->add_option("--payload", *payload, "The update's payload archive")->required();
  commands.add(
      publish_app, [manifest, payload](CommandContext& context) { return publish(context, *manifest, *payload); },
      false);

  auto* repository = app.add_subcommand("repository", "The signed TUF repository")->require_subcommand(1);
  auto out = std::make_shared<std::string>();
  auto* export_app = repository->add_subcommand("export", "Write a static TUF repository (metadata/, targets/)");
  export_app->add_option("--out", *out, "Directory to write")->required();
  commands.add(
      export_app,
      [out](CommandContext& context) {
        return with_repository(context, [&](signing::Repository& repo) {
          const auto exported = repo.export_to(*out);
          if (!exported) {
            return report_error(context, exported.error());
          }
          context.out << "exported the repository to " << *out << " (serve metadata/ and targets/ as they are)\n";
          return ExitCode::ok;
        });
      },
      false);
  auto* status_app = repository->add_subcommand("status", "Versions and expiry of the metadata");
  commands.add(status_app, [](CommandContext& context) { return status(context); });
  auto* refresh_app = repository->add_subcommand("refresh", "Re-sign metadata that expires within half its period");
  commands.add(
      refresh_app,
      [](CommandContext& context) {
        return with_repository(context, [&](signing::Repository& repo) {
          const auto report = repo.refresh_expiring(context.now);
          if (!report) {
            return report_error(context, report.error());
          }
          for (const auto& line : *report) {
            context.out << line << '\n';
          }
          if (report->empty()) {
            context.out << "nothing to re-sign\n";
          }
          return ExitCode::ok;
        });
      },
      false);
  auto root_file = std::make_shared<std::string>();
  auto* install_root = repository->add_subcommand("install-root", "Install the next root, signed with lifeline-sign");
  install_root->add_option("FILE", *root_file, "The signed root metadata")->required();
  commands.add(
      install_root,
      [root_file](CommandContext& context) {
        return with_repository(context, [&](signing::Repository& repo) {
          const auto bytes = util::read_file(*root_file, 512'000);
          if (!bytes) {
            return report_error(context, bytes.error());
          }
          const auto installed = repo.install_root(*bytes, context.now);
          if (!installed) {
            return report_error(context, installed.error());
          }
          report_installed(context, *installed);
          return ExitCode::ok;
        });
      },
      false);

  auto product = std::make_shared<std::string>();
  auto* keys =
      app.add_subcommand("keys", "Online signing keys: product roles and top-level roles")->require_subcommand(1);
  add_rotate_command(*keys, commands);
  for (const auto& [name, help, revoke] :
       {std::tuple{"delegate", "Give a product's role a new key (rotation)", false},
        std::tuple{"revoke", "Remove a product's role: nothing it signed is trusted any more", true}}) {
    auto* sub = keys->add_subcommand(name, help);
    sub->add_option("--product", *product, "Product id")->required();
    const bool is_revoke = revoke;
    commands.add(
        sub,
        [product, is_revoke](CommandContext& context) {
          if (!check_value(context, "--product", *product, catalog::is_identifier, "a product id")) {
            return ExitCode::invalid;
          }
          return with_repository(context, [&](signing::Repository& repo) {
            const auto done = is_revoke ? repo.revoke(*product, context.now) : repo.delegate(*product, context.now);
            if (!done) {
              return report_error(context, done.error());
            }
            context.out << (is_revoke ? "revoked the role of " : "delegated to a new key: ") << *product << '\n';
            return ExitCode::ok;
          });
        },
        false);
  }
}

} // namespace lifeline::server::cli
