// advisories import: MSRC CVRF and CSAF 2.0 documents into the catalog, each all-or-nothing;
// one refused file does not stop the others (docs/advisories.md).
#include <exception>
#include <ostream>
#include <set>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "advisories/import.hpp"
#include "server/cli/command.hpp"
#include "util/file.hpp"

namespace lifeline::server::cli {

namespace {

using Json = nlohmann::ordered_json;
constexpr std::size_t k_unmapped_shown = 5;
constexpr std::size_t k_notes_shown = 5;

struct ImportOptions {
  std::vector<std::string> files;
  std::string mapping;
  bool dry_run = false;
};

// One file's outcome, for the table and for --json.
struct FileReport {
  std::string file;
  std::vector<advisories::Problem> problems; // refused when not empty
  std::optional<advisories::ImportPlan> plan;
  catalog::AdvisoryImportOutcome outcome;
};

Json report_json(const FileReport& report) {
  Json json{{"file", report.file}, {"imported", report.problems.empty()}};
  if (!report.problems.empty()) {
    Json problems = Json::array();
    for (const auto& problem : report.problems) {
      problems.push_back({{"location", problem.location}, {"message", problem.message}});
    }
    json["problems"] = problems;
    return json;
  }
  const auto& plan = *report.plan;
  const auto& record = plan.record;
  json["format"] = record.format;
  json["source"] = record.source;
  json["id"] = record.id;
  json["revision"] = record.revision;
  json["current_release"] = record.current_release.to_string();
  json["status"] = catalog::to_string(report.outcome.status);
  json["created"] = report.outcome.created;
  json["updated"] = report.outcome.updated;
  json["unchanged"] = report.outcome.unchanged;
  Json updates = Json::array();
  for (const auto& update : plan.updates) {
    updates.push_back(update.kb);
  }
  json["updates"] = updates;
  json["skipped_kbs"] = plan.skipped_kbs;
  Json unmapped = Json::array();
  for (const auto& product : plan.unmapped) {
    unmapped.push_back({{"id", product.id}, {"name", product.name}});
  }
  json["unmapped_products"] = unmapped;
  json["notes"] = plan.notes;
  return json;
}

void print_report(std::ostream& out, std::ostream& err, const FileReport& report, bool dry_run) {
  if (!report.problems.empty()) {
    err << report.file << ": refused, nothing imported:\n";
    for (const auto& problem : report.problems) {
      err << "  " << problem.location << ": " << problem.message << '\n';
    }
    return;
  }
  const auto& plan = *report.plan;
  const auto& record = plan.record;
  out << report.file << ": " << record.format << " " << record.source << " " << record.id << " revision "
      << record.revision << " of " << record.current_release.to_string() << ": "
      << catalog::to_string(report.outcome.status) << (dry_run ? " (dry run, nothing kept)" : "") << "; "
      << report.outcome.created << " updates created, " << report.outcome.updated << " updated, "
      << report.outcome.unchanged << " unchanged";
  if (!plan.skipped_kbs.empty()) {
    out << "; " << plan.skipped_kbs.size() << " KBs fix no mapped product";
  }
  out << '\n';
  if (!plan.unmapped.empty()) {
    out << "  " << plan.unmapped.size() << " products map to no Lifeline product:";
    for (std::size_t i = 0; i < plan.unmapped.size() && i < k_unmapped_shown; ++i) {
      out << (i == 0 ? " " : "; ") << plan.unmapped[i].id << " " << plan.unmapped[i].name;
    }
    out << (plan.unmapped.size() > k_unmapped_shown ? "; ... (--json lists all)\n" : "\n");
  }
  for (std::size_t i = 0; i < plan.notes.size() && i < k_notes_shown; ++i) {
    out << "  note: " << plan.notes[i] << '\n';
  }
  if (plan.notes.size() > k_notes_shown) {
    out << "  ... " << plan.notes.size() - k_notes_shown << " more notes (--json lists all)\n";
  }
}

FileReport import_file(CommandContext& context, const std::string& file, const advisories::ProductMapping& mapping,
                       const std::set<std::string>& known_products, bool dry_run) {
  FileReport report{file, {}, std::nullopt, {}};
  const auto bytes = util::read_file(file, advisories::k_max_document_bytes);
  if (!bytes) {
    report.problems.push_back(advisories::Problem{"/", bytes.error().message});
    return report;
  }
  auto parsed = advisories::parse_advisory(*bytes);
  if (!parsed.advisory) {
    report.problems = std::move(parsed.problems);
    return report;
  }
  report.plan = advisories::plan_import(*parsed.advisory, mapping, known_products);
  const auto outcome =
      context.catalog.import_advisory(report.plan->record, report.plan->updates, context.audit(), dry_run);
  if (!outcome) {
    report.problems.push_back(advisories::Problem{"/", "the catalog refused it: " + outcome.error().message});
    report.plan.reset();
    return report;
  }
  report.outcome = *outcome;
  return report;
}

ExitCode import_advisories(CommandContext& context, const ImportOptions& options) {
  const auto mapping_file =
      options.mapping.empty() ? (context.data_dir / "product-mapping.json").string() : options.mapping;
  const auto mapping_text = util::read_file(mapping_file, advisories::k_max_mapping_bytes);
  if (!mapping_text) {
    context.err << "lifeline-server: no product mapping at " << mapping_file
                << " (pass --mapping FILE; its format is in docs/advisories.md): " << mapping_text.error().message
                << '\n';
    return ExitCode::invalid;
  }
  const auto mapping = advisories::ProductMapping::parse(*mapping_text);
  if (!mapping) {
    return report_error(context, mapping.error());
  }
  const auto products = context.catalog.list_products();
  if (!products) {
    return report_error(context, products.error());
  }
  std::set<std::string> known;
  for (const auto& product : *products) {
    known.insert(product.id);
  }
  Json documents = Json::array();
  bool refused = false;
  for (const auto& file : options.files) {
    FileReport report{file, {}, std::nullopt, {}};
    try {
      report = import_file(context, file, *mapping, known, options.dry_run);
    } catch (const std::exception& failure) {
      // Whatever went wrong with one file (memory, say) is that file's refusal; the others go on.
      report = FileReport{
          file, {advisories::Problem{"/", std::string("not imported: ") + failure.what()}}, std::nullopt, {}};
    }
    refused = refused || !report.problems.empty();
    if (context.json) {
      documents.push_back(report_json(report));
    } else {
      print_report(context.out, context.err, report, options.dry_run);
    }
  }
  if (context.json) {
    context.out << Json{{"dry_run", options.dry_run}, {"documents", documents}}.dump(2, ' ', false,
                                                                                     Json::error_handler_t::replace)
                << '\n';
  }
  return refused ? ExitCode::invalid : ExitCode::ok;
}

} // namespace

void add_advisory_commands(CLI::App& app, CommandSet& commands) {
  auto* advisories = app.add_subcommand("advisories", "Security advisories: MSRC CVRF and CSAF 2.0 documents");
  advisories->require_subcommand(1);
  auto options = std::make_shared<ImportOptions>();
  auto* import = advisories->add_subcommand(
      "import", "Create or update catalog updates from advisory documents (format detected from content)");
  import->add_option("files", options->files, "CVRF (XML) or CSAF (JSON) documents")->required();
  import->add_option("--mapping", options->mapping,
                     "Product mapping (JSON; default: DATA/product-mapping.json, docs/advisories.md)");
  import->add_flag("--dry-run", options->dry_run, "Report what would change; keep nothing");
  commands.add(import, [options](CommandContext& context) { return import_advisories(context, *options); });
}

} // namespace lifeline::server::cli
