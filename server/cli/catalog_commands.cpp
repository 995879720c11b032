// catalog migrate: moving a site's catalog from its SQLite file into PostgreSQL
// (docs/scale-out.md), so that several servers can share it.
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/catalog_copy.hpp"
#include "server/cli/command.hpp"
#include "server/cli/server_config.hpp"

namespace lifeline::server::cli {

namespace {

using Json = nlohmann::ordered_json;

ExitCode migrate(FileCommandContext& context, const std::string& to) {
  const auto copy = catalog::copy_sqlite_to_postgres(context.data_dir / "catalog.db", to);
  if (!copy) {
    context.err << "lifeline-server: catalog migrate: " << copy.error().message << '\n';
    return copy.error().kind == util::ErrorKind::invalid_input ? ExitCode::usage : ExitCode::invalid;
  }
  const auto where = redacted_location(to);
  if (context.json) {
    Json tables = Json::object();
    for (const auto& table : copy->tables) {
      tables[table.table] = table.rows;
    }
    context.out << Json{{"to", where}, {"generation", copy->generation}, {"tables", tables}}.dump() << '\n';
    return ExitCode::ok;
  }
  for (const auto& table : copy->tables) {
    context.out << table.table << ": " << table.rows << " rows\n";
  }
  context.out << "catalog migrated to " << where << " (generation " << copy->generation
              << ", every table counted on both sides).\n"
              << "Next: set \"catalog\" in the configuration (or serve --catalog), run `lifeline-server --catalog "
              << where << " --data " << context.data_dir.string()
              << " check`, and keep catalog.db as the rollback until the servers run on PostgreSQL.\n";
  return ExitCode::ok;
}

} // namespace

void add_catalog_commands(CLI::App& app, CommandSet& commands) {
  auto* catalog_app = app.add_subcommand("catalog", "The catalog's storage")->require_subcommand(1);
  auto to = std::make_shared<std::string>();
  auto* migrate_app = catalog_app->add_subcommand(
      "migrate", "Copy the data directory's catalog.db into an empty PostgreSQL database and verify the copy");
  migrate_app->add_option("--to", *to, "The PostgreSQL database (postgresql://...); it must hold no catalog yet")
      ->required();
  commands.add_without_catalog(migrate_app, [to](FileCommandContext& context) { return migrate(context, *to); });
}

} // namespace lifeline::server::cli
