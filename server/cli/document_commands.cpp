// products apply, orders apply, updates add/list: the operator's documents.
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/documents/document.hpp"
#include "server/cli/command.hpp"
#include "util/file.hpp"

namespace lifeline::server::cli {

namespace {

using catalog::documents::Parsed;
using catalog::documents::Problem;

nlohmann::ordered_json summary_json(const catalog::ApplySummary& summary) {
  return {{"created", summary.created},
          {"updated", summary.updated},
          {"unchanged", summary.unchanged},
          {"removed", summary.removed}};
}

ExitCode refuse(CommandContext& context, const std::string& file, const std::vector<Problem>& problems) {
  if (context.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& problem : problems) {
      list.push_back({{"pointer", problem.pointer}, {"rule", problem.rule}, {"message", problem.message}});
    }
    context.out << nlohmann::ordered_json{{"applied", false}, {"file", file}, {"problems", list}}.dump(
                       2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << '\n';
  }
  context.err << "lifeline-server: " << file << " refused, nothing applied:\n"
              << catalog::documents::describe(problems);
  return ExitCode::invalid;
}

ExitCode print_summary(CommandContext& context, const std::string& what, const std::string& file,
                       const catalog::ApplySummary& summary) {
  if (context.json) {
    context.out << nlohmann::ordered_json{{"applied", true}, {"file", file}, {"summary", summary_json(summary)}}.dump(
                       2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << '\n';
  } else {
    context.out << what << " applied from " << file << ": " << summary.created << " created, " << summary.updated
                << " updated, " << summary.unchanged << " unchanged";
    if (summary.removed > 0) {
      context.out << ", " << summary.removed << " contacts removed";
    }
    context.out << '\n';
  }
  return ExitCode::ok;
}

std::optional<catalog::documents::ProductIndex> product_index(CommandContext& context, ExitCode& failure) {
  auto products = context.catalog.list_products();
  if (!products) {
    failure = report_error(context, products.error());
    return std::nullopt;
  }
  catalog::documents::ProductIndex index;
  for (auto& product : *products) {
    index.emplace(product.id, std::move(product));
  }
  return index;
}

// Reads, parses and applies one document: the shape shared by every `apply`.
template <typename Parse, typename Apply>
ExitCode apply_document(CommandContext& context, const std::string& what, const std::string& file, Parse parse,
                        Apply apply) {
  const auto text = util::read_file(file, catalog::documents::k_max_document_bytes);
  if (!text) {
    return report_error(context, text.error());
  }
  auto parsed = parse(*text);
  if (!parsed.value) {
    return refuse(context, file, parsed.problems);
  }
  const auto outcome = apply(*parsed.value);
  if (!outcome) {
    return report_error(context, outcome.error().with_context(file + " not applied"));
  }
  if (!outcome->applied()) {
    return refuse(context, file, outcome->problems);
  }
  return print_summary(context, what, file, outcome->summary);
}

ExitCode apply_products(CommandContext& context, const std::string& file) {
  return apply_document(
      context, "products", file, [](const std::string& text) { return catalog::documents::parse_products(text); },
      [&](const std::vector<catalog::Product>& products) {
        return context.catalog.apply_products(products, context.audit());
      });
}

ExitCode apply_order(CommandContext& context, const std::string& file) {
  ExitCode failure = ExitCode::ok;
  const auto products = product_index(context, failure);
  if (!products) {
    return failure;
  }
  return apply_document(
      context, "service order", file,
      [&](const std::string& text) { return catalog::documents::parse_service_order(text, *products); },
      [&](const catalog::ServiceOrder& order) { return context.catalog.apply_order(order, context.audit()); });
}

ExitCode add_update(CommandContext& context, const std::string& file) {
  ExitCode failure = ExitCode::ok;
  const auto products = product_index(context, failure);
  if (!products) {
    return failure;
  }
  return apply_document(
      context, "update manifest", file,
      [&](const std::string& text) { return catalog::documents::parse_update_manifest(text, *products); },
      [&](const catalog::Update& update) { return context.catalog.add_update(update, context.audit()); });
}

} // namespace

void add_document_commands(CLI::App& app, CommandSet& commands) {
  auto file = std::make_shared<std::string>();

  auto* products = app.add_subcommand("products", "Products and their lifecycle")->require_subcommand(1);
  auto* products_apply = products->add_subcommand("apply", "Apply a products.json document (all or nothing)");
  products_apply->add_option("FILE", *file, "products.json")->required();
  commands.add(products_apply, [file](CommandContext& context) { return apply_products(context, *file); });

  auto* orders = app.add_subcommand("orders", "Customers' service orders")->require_subcommand(1);
  auto* orders_apply = orders->add_subcommand("apply", "Apply one customer's service order (all or nothing)");
  orders_apply->add_option("FILE", *file, "order-<customer>.json")->required();
  commands.add(orders_apply, [file](CommandContext& context) { return apply_order(context, *file); });

  auto* updates = app.add_subcommand("updates", "Security updates and hotfixes")->require_subcommand(1);
  auto* updates_add = updates->add_subcommand("add", "Add or revise an update from its manifest");
  updates_add->add_option("MANIFEST", *file, "update manifest (JSON)")->required();
  commands.add(updates_add, [file](CommandContext& context) { return add_update(context, *file); });
}

} // namespace lifeline::server::cli
