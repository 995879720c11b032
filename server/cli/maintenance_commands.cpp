// backup, restore, check: the data directory as files (docs/backup.md). None of them opens the
// catalog through the server: backup copies it live, restore needs an empty directory, check
// reads it read-only.
#include <chrono>
#include <cstdio>
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "server/cli/command.hpp"
#include "server/maintenance/backup.hpp"
#include "server/maintenance/check.hpp"
#include "server/maintenance/restore.hpp"
#include "util/file.hpp"

namespace lifeline::server::cli {

namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

std::string mib_text(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

std::string counted(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

ExitCode failed(FileCommandContext& context, const util::Error& error) {
  context.err << "lifeline-server: " << error.message << '\n';
  return ExitCode::invalid;
}

// These commands work on the data directory's catalog.db, which is not the catalog when the
// configuration names a PostgreSQL one: said, rather than done on the wrong file.
bool refused_for_postgresql(FileCommandContext& context, const char* command) {
  if (context.catalog.empty()) {
    return false;
  }
  context.err << "lifeline-server: " << command
              << ": the catalog is in PostgreSQL; back it up and restore it with pg_dump and pg_restore "
                 "(docs/scale-out.md), and the data directory as files\n";
  return true;
}

struct BackupArguments {
  std::string out;
  bool without_keys = false;
};

ExitCode backup(FileCommandContext& context, const BackupArguments& arguments) {
  if (refused_for_postgresql(context, "backup")) {
    return ExitCode::invalid;
  }
  const auto start = Clock::now();
  maintenance::BackupOptions options;
  options.include_keys = !arguments.without_keys;
  const auto summary = maintenance::create_backup(context.data_dir, arguments.out, options, context.now);
  if (!summary) {
    return failed(context, summary.error());
  }
  const auto seconds = seconds_since(start);
  if (context.json) {
    context.out << Json{{"file", arguments.out},
                        {"files", summary->files},
                        {"bytes", summary->bytes},
                        {"schema_version", summary->schema_version},
                        {"timestamp_version", summary->timestamp_version},
                        {"includes_keys", summary->includes_keys},
                        {"lock_seconds", summary->lock_seconds},
                        {"seconds", seconds}}
                       .dump(2)
                << '\n';
  } else {
    context.out << "backup: " << arguments.out << ": " << summary->files << " files, " << mib_text(summary->bytes)
                << ", catalog schema " << summary->schema_version << ", repository timestamp version "
                << summary->timestamp_version << ", in " << seconds_text(seconds) << " (publishing held "
                << seconds_text(summary->lock_seconds) << ")\n";
  }
  if (summary->includes_keys) {
    context.err << "lifeline-server: " << arguments.out
                << " holds the online private signing keys: keep it as secret as DATA/keys\n";
  }
  return ExitCode::ok;
}

ExitCode restore(FileCommandContext& context, const std::string& from) {
  if (refused_for_postgresql(context, "restore")) {
    return ExitCode::invalid;
  }
  const auto start = Clock::now();
  const auto summary = maintenance::restore_backup(from, context.data_dir);
  if (!summary) {
    return failed(context, summary.error());
  }
  const auto seconds = seconds_since(start);
  if (context.json) {
    context.out << Json{{"data", context.data_dir.string()},
                        {"files", summary->files},
                        {"bytes", summary->bytes},
                        {"schema_version", summary->schema_version},
                        {"includes_keys", summary->includes_keys},
                        {"created", summary->created},
                        {"seconds", seconds}}
                       .dump(2)
                << '\n';
  } else {
    context.out << "restored " << context.data_dir.string() << ": " << summary->files << " files, "
                << mib_text(summary->bytes) << ", backup taken " << summary->created << ", in " << seconds_text(seconds)
                << '\n'
                << "run `lifeline-server --data " << context.data_dir.string() << " check` before serving it\n";
  }
  if (!summary->includes_keys) {
    context.err << "lifeline-server: the backup holds no online keys: put them back in "
                << (context.data_dir / "keys").string() << " before publishing\n";
  }
  return ExitCode::ok;
}

const char* severity_name(maintenance::Severity severity) {
  return severity == maintenance::Severity::problem ? "PROBLEM" : "WARNING";
}

ExitCode check(FileCommandContext& context, const std::string& trusted_root_file) {
  if (refused_for_postgresql(context, "check")) {
    return ExitCode::invalid;
  }
  std::string trusted_root;
  if (!trusted_root_file.empty()) {
    auto bytes = util::read_file(trusted_root_file, 1024 * 1024);
    if (!bytes) {
      context.err << "lifeline-server: --trusted-root: " << bytes.error().message << '\n';
      return ExitCode::invalid;
    }
    trusted_root = std::move(*bytes);
  }
  const auto start = Clock::now();
  const auto report = maintenance::check_data_dir(context.data_dir, context.now, trusted_root);
  const auto seconds = seconds_since(start);
  const auto& counts = report.counts;
  const auto status = report.could_not_check ? "could not check" : report.problems() > 0 ? "problems found" : "healthy";
  if (context.json) {
    Json findings = Json::array();
    for (const auto& finding : report.findings) {
      findings.push_back(Json{{"severity", finding.severity == maintenance::Severity::problem ? "problem" : "warning"},
                              {"what", finding.what},
                              {"where", finding.where},
                              {"message", finding.message}});
    }
    context.out << Json{{"status", status},
                        {"problems", report.problems()},
                        {"warnings", report.warnings()},
                        {"findings", findings},
                        {"checked",
                         {{"schema_version", counts.schema_version},
                          {"root_versions", counts.root_versions},
                          {"roles", counts.roles},
                          {"timestamp_version", counts.timestamp_version},
                          {"targets", counts.targets},
                          {"target_bytes", counts.target_bytes},
                          {"keys", counts.keys}}},
                        {"seconds", seconds}}
                       .dump(2, ' ', false, Json::error_handler_t::replace)
                << '\n';
  } else {
    for (const auto& finding : report.findings) {
      context.out << severity_name(finding.severity) << "  " << finding.what << "  " << finding.where << ": "
                  << finding.message << '\n';
    }
    context.out << "check: " << status << ": " << counted(report.problems(), "problem") << ", "
                << counted(report.warnings(), "warning") << " (catalog schema " << counts.schema_version << ", "
                << counts.root_versions << " root versions, " << counts.roles << " roles at timestamp version "
                << counts.timestamp_version << ", " << counts.targets << " payloads of "
                << mib_text(counts.target_bytes) << ", " << counts.keys << " keys, in " << seconds_text(seconds)
                << ")\n";
  }
  if (report.could_not_check) {
    return ExitCode::invalid;
  }
  return report.problems() > 0 ? ExitCode::denied : ExitCode::ok;
}

} // namespace

void add_maintenance_commands(CLI::App& app, CommandSet& commands) {
  auto backup_arguments = std::make_shared<BackupArguments>();
  auto* backup_app = app.add_subcommand(
      "backup", "Write a consistent backup of the data directory to one file, while the server runs (it holds the "
                "online private keys: protect it)");
  backup_app->add_option("--out", backup_arguments->out, "The backup file (replaced atomically)")->required();
  backup_app->add_flag("--without-keys", backup_arguments->without_keys,
                       "Leave the online private keys out (keep them elsewhere)");
  commands.add_without_catalog(
      backup_app, [backup_arguments](FileCommandContext& context) { return backup(context, *backup_arguments); });

  auto from = std::make_shared<std::string>();
  auto* restore_app = app.add_subcommand(
      "restore", "Restore a backup into the data directory, which must be empty or absent; everything is verified "
                 "before it appears");
  restore_app->add_option("--from", *from, "The backup file")->required();
  commands.add_without_catalog(restore_app, [from](FileCommandContext& context) { return restore(context, *from); });

  auto* check_app = app.add_subcommand(
      "check", "Verify the catalog, the signed metadata, every payload and the online keys (exit 1: problems found)");
  auto trusted_root = std::make_shared<std::string>();
  check_app->add_option("--trusted-root", *trusted_root,
                        "Walk the root chain from this root (the one shipped to devices), not the directory's own");
  commands.add_without_catalog(check_app,
                               [trusted_root](FileCommandContext& context) { return check(context, *trusted_root); });
}

} // namespace lifeline::server::cli
