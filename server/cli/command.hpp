// What every operator command handler receives, and how commands register. Internal to cli/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "server/cli/operator_cli.hpp"

namespace CLI {
class App;
}

namespace lifeline::server::cli {

struct ServerConfig;

struct CommandContext {
  catalog::Catalog& catalog;
  std::ostream& out;
  std::ostream& err;
  util::Date at; // --at, or today
  bool json = false;
  std::filesystem::path data_dir;
  std::int64_t now = 0; // Unix time: midnight of --at when given, else the current time
  std::string actor = "operator";
  std::string catalog_location = {};    // what `catalog` was opened from (a SQLite file or a PostgreSQL URI)
  bool fixed_date = false;              // --at was given: the clock stands still at its midnight
  const ServerConfig* config = nullptr; // the configuration file's settings (or the defaults)

  [[nodiscard]] catalog::AuditContext audit() const { return catalog::AuditContext{at, actor}; }
};

using Handler = std::function<ExitCode(CommandContext&)>;

// What a command on the data directory's files receives (backup, restore, check): for these the
// catalog is neither created nor migrated, and the directory may not exist yet.
struct FileCommandContext {
  std::ostream& out;
  std::ostream& err;
  util::Date at;
  bool json = false;
  std::filesystem::path data_dir;
  std::int64_t now = 0;
  std::string catalog = {}; // the configured PostgreSQL catalog, "" when it is the directory's catalog.db
};

using FileHandler = std::function<ExitCode(FileCommandContext&)>;

// Per-command options that every leaf may take.
struct LeafOptions {
  std::string at;
  bool json = false;
};

struct Leaf {
  CLI::App* app = nullptr;
  const CLI::Option* at_option = nullptr;
  std::shared_ptr<LeafOptions> options;
  Handler handler;
  FileHandler file_handler; // instead of `handler`: no catalog is opened
};

class CommandSet {
 public:
  // Adds `--at DATE` and, when asked, `--json` to `app` and remembers its handler.
  LeafOptions& add(CLI::App* app, Handler handler, bool with_json = true);
  // The same for a command that works on the data directory's files without the catalog.
  LeafOptions& add_without_catalog(CLI::App* app, FileHandler handler, bool with_json = true);
  [[nodiscard]] const std::vector<Leaf>& leaves() const { return m_leaves; }

 private:
  std::vector<Leaf> m_leaves;
};

void add_document_commands(CLI::App& app, CommandSet& commands);
void add_device_commands(CLI::App& app, CommandSet& commands);
void add_entitlement_commands(CLI::App& app, CommandSet& commands);
void add_billing_commands(CLI::App& app, CommandSet& commands);
void add_audit_commands(CLI::App& app, CommandSet& commands);
void add_repository_commands(CLI::App& app, CommandSet& commands);
void add_serve_command(CLI::App& app, CommandSet& commands);
void add_credential_commands(CLI::App& app, CommandSet& commands);
void add_advisory_commands(CLI::App& app, CommandSet& commands);
void add_maintenance_commands(CLI::App& app, CommandSet& commands);
void add_catalog_commands(CLI::App& app, CommandSet& commands);

// Prints a failed Result's error and picks the exit code for it.
ExitCode report_error(CommandContext& context, const util::Error& error);

// Checks one command-line value against its shape; prints why and returns false when it does
// not fit, so that nothing malformed reaches the catalog or the output.
bool check_value(CommandContext& context, std::string_view option, const std::string& value,
                 bool (*is_valid)(std::string_view), std::string_view expected);

} // namespace lifeline::server::cli
