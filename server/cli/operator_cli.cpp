#include "server/cli/operator_cli.hpp"

#include <filesystem>
#include <ostream>
#include <system_error>

#include <CLI/CLI.hpp>

#include "server/cli/command.hpp"
#include "server/cli/server_config.hpp"

namespace lifeline::server {

namespace cli {

LeafOptions& CommandSet::add(CLI::App* app, Handler handler, bool with_json) {
  auto options = std::make_shared<LeafOptions>();
  const auto* at = app->add_option("--at", options->at, "Evaluation date (YYYY-MM-DD); today when absent");
  if (with_json) {
    app->add_flag("--json", options->json, "Print JSON instead of text");
  }
  m_leaves.push_back(Leaf{app, at, options, std::move(handler), {}});
  return *options;
}

LeafOptions& CommandSet::add_without_catalog(CLI::App* app, FileHandler handler, bool with_json) {
  auto& options = add(app, {}, with_json);
  m_leaves.back().file_handler = std::move(handler);
  return options;
}

bool check_value(CommandContext& context, std::string_view option, const std::string& value,
                 bool (*is_valid)(std::string_view), std::string_view expected) {
  if (is_valid(value)) {
    return true;
  }
  context.err << "lifeline-server: " << option << " must be " << expected << '\n';
  return false;
}

ExitCode report_error(CommandContext& context, const util::Error& error) {
  context.err << "lifeline-server: " << error.message;
  if (error.message.empty() || error.message.back() != '\n') {
    context.err << '\n';
  }
  return ExitCode::invalid;
}

} // namespace cli

namespace {

std::optional<std::filesystem::path> prepare_data_dir(const std::string& dir, std::ostream& err) {
  std::error_code ec;
  const bool created = std::filesystem::create_directories(dir, ec);
  if (ec) {
    err << "lifeline-server: cannot create data directory " << dir << ": " << ec.message() << '\n';
    return std::nullopt;
  }
  if (created) {
    // The catalog holds customer data: only the service account reads what we create. An
    // existing directory keeps the permissions its operator chose.
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
  }
  return std::filesystem::path(dir);
}

// The configuration: --config FILE, else the packaged file when --data is not given, else the
// defaults; --data overrides the file's data directory.
std::optional<cli::ServerConfig> resolve_config(const std::string& config_file, const std::string& data_dir,
                                                std::ostream& err) {
  std::string file = config_file;
  std::error_code ec;
  if (file.empty() && data_dir.empty()) {
    const bool present = std::filesystem::exists(cli::k_default_server_config, ec);
    if (ec) {
      err << "lifeline-server: cannot read " << cli::k_default_server_config << ": " << ec.message() << '\n';
      return std::nullopt;
    }
    if (!present) {
      err << "lifeline-server: give --data DIR or --config FILE (there is no " << cli::k_default_server_config << ")\n";
      return std::nullopt;
    }
    file = cli::k_default_server_config;
  }
  cli::ServerConfig config;
  if (!file.empty()) {
    auto loaded = cli::load_server_config(file);
    if (!loaded) {
      err << "lifeline-server: " << loaded.error().message << '\n';
      return std::nullopt;
    }
    config = std::move(*loaded);
  }
  if (!data_dir.empty()) {
    config.data = data_dir;
  }
  return config;
}

// Runs one command's handler. An exception is a bug, not an answer: said once, never an abort
// with a half-written message.
template <typename Handler> int run_guarded(std::ostream& err, const Handler& handler) {
  try {
    return static_cast<int>(handler());
  } catch (const std::exception& error) {
    err << "lifeline-server: unexpected failure: " << error.what() << '\n';
    return static_cast<int>(ExitCode::invalid);
  }
}

} // namespace

int run_operator_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const util::Clock& clock) {
  CLI::App app{"Lifeline signing server: catalog, Custom Support rules and operator commands", "lifeline-server"};
  std::string data_dir;
  app.add_option("--data", data_dir, "Server data directory (holds catalog.db); overrides the configuration's");
  std::string catalog_uri;
  app.add_option("--catalog", catalog_uri,
                 "The catalog in PostgreSQL (postgresql://...) instead of the data directory's catalog.db; "
                 "overrides the configuration's");
  std::string config_file;
  app.add_option("--config", config_file,
                 std::string("Configuration file (default: ") + cli::k_default_server_config +
                     " unless --data is given)");
  auto* config_app = app.add_subcommand("config", "The configuration file")->require_subcommand(1);
  auto* config_show = config_app->add_subcommand("show", "Print the configuration in effect, defaults included");
  app.require_subcommand(1);
  cli::CommandSet commands;
  cli::add_document_commands(app, commands);
  cli::add_device_commands(app, commands);
  cli::add_entitlement_commands(app, commands);
  cli::add_billing_commands(app, commands);
  cli::add_audit_commands(app, commands);
  cli::add_repository_commands(app, commands);
  cli::add_serve_command(app, commands);
  cli::add_credential_commands(app, commands);
  cli::add_advisory_commands(app, commands);
  cli::add_maintenance_commands(app, commands);
  cli::add_catalog_commands(app, commands);

  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& error) {
    err << "lifeline-server: " << error.what() << "\nRun with --help for usage.\n";
    return static_cast<int>(ExitCode::usage);
  }
  auto config = resolve_config(config_file, data_dir, err);
  if (!config) {
    return static_cast<int>(ExitCode::invalid);
  }
  if (!catalog_uri.empty()) {
    config->catalog = catalog_uri;
    if (auto checked = cli::check_server_config(*config); !checked) {
      err << "lifeline-server: --catalog: " << checked.error().message << '\n';
      return static_cast<int>(ExitCode::usage);
    }
  }
  if (config_show->parsed()) {
    out << cli::effective_config_json(*config) << '\n';
    return 0;
  }
  for (const auto& leaf : commands.leaves()) {
    if (!leaf.app->parsed()) {
      continue;
    }
    util::Date at = clock.today();
    auto now = static_cast<std::int64_t>(clock.now_seconds());
    if (leaf.at_option->count() > 0) {
      const auto parsed = util::Date::parse(leaf.options->at);
      if (!parsed) {
        err << "lifeline-server: --at " << leaf.options->at << " is not a date (YYYY-MM-DD)\n";
        return static_cast<int>(ExitCode::usage);
      }
      at = *parsed;
      now = static_cast<std::int64_t>(at.days_since_epoch()) * 86400;
    }
    if (leaf.file_handler) {
      cli::FileCommandContext context{out, err, at, leaf.options->json, config->data, now, config->catalog};
      return run_guarded(err, [&] { return leaf.file_handler(context); });
    }
    const auto dir = prepare_data_dir(config->data, err);
    if (!dir) {
      return static_cast<int>(ExitCode::invalid);
    }
    const auto location = cli::catalog_location(*config, *dir);
    auto catalog = catalog::open_catalog(location);
    if (!catalog) {
      err << "lifeline-server: " << catalog.error().message << '\n';
      return static_cast<int>(ExitCode::invalid);
    }
    cli::CommandContext context{**catalog, out, err, at, leaf.options->json, *dir, now};
    context.fixed_date = leaf.at_option->count() > 0;
    context.catalog_location = location;
    context.config = &*config;
    return run_guarded(err, [&] { return leaf.handler(context); });
  }
  err << "lifeline-server: missing command; run with --help for usage\n";
  return static_cast<int>(ExitCode::usage);
}

} // namespace lifeline::server
