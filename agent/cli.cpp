#include "agent/cli.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "agent/agent.hpp"
#include "signing/tuf/metadata.hpp"
#include "util/command_line.hpp"
#include "util/file.hpp"
#include "util/log.hpp"
#include "util/progress_line.hpp"

namespace lifeline::agent {

namespace {

constexpr const char* k_version = "lifeline-agent 0.1.0";

// The enrolment token from a file or standard input ("-"): never on the command line, where the
// process list would show it.
util::Result<std::string> read_token(const std::string& source) {
  std::string token;
  if (source == "-") {
    std::getline(std::cin, token);
  } else {
    auto text = util::read_file(source, 4096);
    if (!text) {
      return text.error();
    }
    token = text->substr(0, text->find_first_of("\r\n"));
  }
  if (token.empty()) {
    return util::make_error(util::ErrorKind::invalid_input, "the enrolment token is empty");
  }
  return token;
}

// One structured line per instance and per installed update, for the journal (docs/operations.md).
void log_sync(const InstanceSync& synced, const char* source) {
  if (!synced.error.empty()) {
    util::log::error("sync_failed", {{"instance", synced.instance},
                                     {"device", synced.device},
                                     {"source", source},
                                     {"pending", std::to_string(synced.pending.size())},
                                     {"error", synced.error}});
    return;
  }
  for (const auto& kb : synced.installed) {
    util::log::info("installed", {{"instance", synced.instance}, {"device", synced.device}, {"update", kb}});
  }
  const auto level = synced.report_errors.empty() && synced.reports_queued.empty() ? util::log::Level::info
                                                                                   : util::log::Level::warning;
  util::log::write(level, "sync",
                   {{"instance", synced.instance},
                    {"device", synced.device},
                    {"source", source},
                    {"downloaded", std::to_string(synced.downloaded.size())},
                    {"installed", std::to_string(synced.installed.size())},
                    {"withheld", std::to_string(synced.withheld.size())},
                    {"pending", std::to_string(synced.pending.size())},
                    {"reports_queued", std::to_string(synced.reports_queued.size())},
                    {"report_errors", std::to_string(synced.report_errors.size())}});
}

} // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const util::Clock& clock) {
  CLI::App app{"Lifeline agent: proves entitlement, downloads and verifies updates", "lifeline-agent"};
  std::string config_file = "/etc/lifeline/agent.json";
  app.add_option("--config", config_file, "Configuration file");
  app.set_version_flag("--version", k_version);
  std::string at;
  app.add_option("--at", at, "Run as of midnight UTC of this date (rehearsals and tests; default: now)");
  std::string instance;
  std::string token_file;
  auto* register_app = app.add_subcommand("register", "Register a product instance with an enrolment token");
  register_app->add_option("--instance", instance, "Instance name from the configuration")->required();
  register_app->add_option("--token-file", token_file, "File holding the enrolment token, or - for stdin")->required();
  auto* sync_app = app.add_subcommand("sync", "Refresh metadata, check in, download what the statement permits");
  std::string update;
  auto* uninstall_app = app.add_subcommand("uninstall", "Restore what an installed update replaced");
  uninstall_app->add_option("--instance", instance, "Instance name from the configuration")->required();
  uninstall_app->add_option("UPDATE", update, "The update (KB)")->required();
  std::string bundle_file;
  auto* install_app = app.add_subcommand("install", "Install from an offline bundle, verified as a sync would");
  install_app->add_option("--bundle", bundle_file, "The bundle lifeline bundle create wrote")->required();
  std::string export_file;
  auto* report_app = app.add_subcommand("report", "Queued install reports, as signed receipts");
  report_app->add_option("--export", export_file, "File to write them to (for lifeline reports upload)")->required();
  auto* status_app = app.add_subcommand("status", "What the last sync of each instance found");
  bool json = false;
  status_app->add_flag("--json", json, "JSON output");
  auto* config_app = app.add_subcommand("config", "The configuration file")->require_subcommand(1);
  auto* config_show = config_app->add_subcommand("show", "Print the configuration in effect, defaults included");
  app.require_subcommand(1);
  if (const auto answered = util::parse_command_line(app, args, out, err, "lifeline-agent", k_version)) {
    return *answered;
  }
  auto config = load_config(config_file);
  if (!config) {
    err << "lifeline-agent: " << config.error().message << '\n';
    return 3;
  }
  if (config_show->parsed()) {
    out << effective_config_json(*config) << '\n';
    return 0;
  }
  std::optional<util::FixedClock> fixed;
  if (!util::clock_at(at, fixed, err, "lifeline-agent")) {
    return 2;
  }
  Agent agent(std::move(*config), fixed ? static_cast<const util::Clock&>(*fixed) : clock);
  if (register_app->parsed()) {
    const auto token = read_token(token_file);
    const auto registered =
        token ? agent.register_instance(instance, *token) : util::Result<Registration>(token.error());
    if (!registered) {
      err << "lifeline-agent: " << registered.error().message << '\n';
      return 1;
    }
    util::log::info("registered", {{"instance", instance}, {"device", registered->device}});
    out << "registered " << instance << " as device " << registered->device << '\n';
    return 0;
  }
  if (uninstall_app->parsed()) {
    if (const auto removed = agent.uninstall(instance, update); !removed) {
      err << "lifeline-agent: " << removed.error().message << '\n';
      return 1;
    }
    out << "uninstalled " << update << " from " << instance << " (the replaced files are back)\n";
    return 0;
  }
  if (report_app->parsed()) {
    const auto exported = agent.export_reports(export_file);
    if (!exported) {
      err << "lifeline-agent: " << exported.error().message << '\n';
      return 1;
    }
    out << *exported << " signed receipt(s) written to " << export_file << '\n';
    return 0;
  }
  if (sync_app->parsed() || install_app->parsed()) {
    util::ProgressLine progress(err);
    if (::isatty(STDERR_FILENO) == 1) {
      agent.set_progress([&](const std::string& target, std::uint64_t received, std::uint64_t length) {
        progress.show(target, received, length);
      });
    }
    auto outcomes = install_app->parsed() ? agent.install_bundle(bundle_file)
                                          : util::Result<std::vector<InstanceSync>>(agent.sync());
    if (!outcomes) {
      err << "lifeline-agent: " << outcomes.error().message << '\n';
      return 1;
    }
    int failed = 0;
    for (const auto& synced : *outcomes) {
      log_sync(synced, install_app->parsed() ? "bundle" : "server");
      out << synced.instance << " (" << synced.device << "): ";
      if (!synced.error.empty()) {
        out << "FAILED: " << synced.error << '\n';
        for (const auto& kb : synced.pending) {
          out << "  pending " << kb << '\n';
        }
        ++failed;
        continue;
      }
      out << synced.downloaded.size() << " verified download(s), " << synced.installed.size() << " installed\n";
      if (synced.statement_expires > 0) {
        out << "  entitlement statement valid until " << signing::tuf::format_expires(synced.statement_expires)
            << " (programme quarter " << synced.programme_quarter << ")\n";
      }
      for (const auto& path : synced.downloaded) {
        out << "  downloaded " << path << '\n';
      }
      for (const auto& line : synced.withheld) {
        out << "  withheld " << line << '\n';
      }
      for (const auto& kb : synced.installed) {
        out << "  installed " << kb << '\n';
      }
      for (const auto& line : synced.report_errors) {
        out << "  report not taken: " << line << '\n';
      }
      if (!synced.reports_queued.empty()) {
        out << "  " << synced.reports_queued.size() << " report(s) queued: the server did not take them\n";
      }
      for (const auto& kb : synced.pending) {
        out << "  pending " << kb << '\n';
      }
      for (const auto& path : synced.not_permitted) {
        out << "  not in the entitlement statement, not fetched: " << path << '\n';
      }
    }
    return failed == 0 ? 0 : 1;
  }
  (void)status_app;
  out << (json ? agent.status_json() + '\n' : agent.status_text());
  return 0;
}

} // namespace lifeline::agent
