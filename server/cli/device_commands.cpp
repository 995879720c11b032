// devices register/retire/list and installs record.
#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/identifiers.hpp"
#include "server/cli/command.hpp"
#include "server/cli/render.hpp"

namespace lifeline::server::cli {

namespace {

nlohmann::ordered_json device_json(const catalog::Device& device) {
  return {{"id", device.id},
          {"customer", device.customer},
          {"site", device.site},
          {"product", device.product},
          {"service_pack", device.service_pack},
          {"language", device.language},
          {"registered", device.registered.to_string()},
          {"retired",
           device.retired ? nlohmann::ordered_json(device.retired->to_string()) : nlohmann::ordered_json(nullptr)}};
}

bool valid_registration(CommandContext& context, const catalog::DeviceRegistration& request) {
  return (!request.id || check_value(context, "--id", *request.id, catalog::is_identifier,
                                     "an identifier ([A-Za-z0-9._-], 64 at most)")) &&
         check_value(context, "--customer", request.customer, catalog::is_identifier, "a customer id") &&
         check_value(context, "--site", request.site, catalog::is_site, "a site name (64 bytes at most)") &&
         check_value(context, "--product", request.product, catalog::is_identifier, "a product id") &&
         check_value(context, "--service-pack", request.service_pack, catalog::is_service_pack,
                     "a service pack name (SP4, RTM; 16 characters at most)") &&
         check_value(context, "--language", request.language, catalog::is_language_tag, "a language tag (en-US)");
}

ExitCode register_device(CommandContext& context, const catalog::DeviceRegistration& request) {
  if (!valid_registration(context, request)) {
    return ExitCode::invalid;
  }
  const auto outcome = context.catalog.register_device(request, context.audit());
  if (!outcome) {
    return report_error(context, outcome.error());
  }
  const auto& decision = outcome->decision;
  if (context.json) {
    nlohmann::ordered_json document{{"registered", decision.allowed},
                                    {"reasons", nlohmann::ordered_json::parse(codes_json(decision.refusals))},
                                    {"warnings", nlohmann::ordered_json::parse(codes_json(decision.warnings))},
                                    {"date", context.at.to_string()}};
    if (outcome->device) {
      document["device"] = device_json(*outcome->device);
    }
    context.out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else if (decision.allowed) {
    context.out << "registered device " << outcome->device->id << " for " << request.customer << ", product "
                << request.product << ", site " << request.site << " on " << context.at.to_string() << '\n';
    if (!decision.warnings.empty()) {
      context.out << "  updates stay withheld until this is fixed:\n";
      print_findings(context.out, decision.warnings, "  ");
    }
  } else {
    context.out << "refused: device not registered for " << request.customer << ", product " << request.product
                << " on " << context.at.to_string() << '\n';
    print_findings(context.out, decision.refusals, "  ");
  }
  return decision.allowed ? ExitCode::ok : ExitCode::denied;
}

ExitCode retire_device(CommandContext& context, const std::string& id) {
  if (!check_value(context, "--id", id, catalog::is_identifier, "a device id")) {
    return ExitCode::invalid;
  }
  const auto device = context.catalog.retire_device(id, context.audit());
  if (!device) {
    return report_error(context, device.error());
  }
  if (context.json) {
    context.out << device_json(*device).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else {
    context.out << "retired device " << id << " on " << context.at.to_string() << '\n';
  }
  return ExitCode::ok;
}

ExitCode list_devices(CommandContext& context, const std::string& customer) {
  if (!check_value(context, "--customer", customer, catalog::is_identifier, "a customer id")) {
    return ExitCode::invalid;
  }
  const auto order = context.catalog.find_order(customer);
  if (!order) {
    return report_error(context, order.error());
  }
  if (!*order) {
    return report_error(context, util::make_error(util::ErrorKind::not_found, "unknown customer " + customer));
  }
  const auto devices = context.catalog.list_devices(customer);
  if (!devices) {
    return report_error(context, devices.error());
  }
  if (context.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& device : *devices) {
      list.push_back(device_json(device));
    }
    context.out << list.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    return ExitCode::ok;
  }
  for (const auto& device : *devices) {
    context.out << device.id << "  " << device.product << "  " << device.site << "  " << device.service_pack << "  "
                << device.language << "  registered " << device.registered.to_string();
    if (device.retired) {
      context.out << "  retired " << device.retired->to_string();
    }
    context.out << '\n';
  }
  return ExitCode::ok;
}

ExitCode record_install(CommandContext& context, const std::string& device, const std::string& update) {
  if (!check_value(context, "--device", device, catalog::is_identifier, "a device id") ||
      !check_value(context, "--update", update, catalog::is_kb, "a KB number (KB1234567)")) {
    return ExitCode::invalid;
  }
  const auto outcome = context.catalog.record_install(device, update, context.audit());
  if (!outcome) {
    return report_error(context, outcome.error());
  }
  const DecisionSubject subject{std::nullopt, update, device, std::nullopt, context.at};
  if (context.json) {
    auto document = nlohmann::ordered_json::parse(decision_json(outcome->decision, subject));
    document["recorded"] = outcome->decision.allowed;
    document["consumed_purchase"] = outcome->consumed_purchase;
    document["already_installed"] = outcome->already_installed;
    context.out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else {
    print_decision(context.out, outcome->decision, subject);
    if (outcome->decision.allowed) {
      context.out << (outcome->already_installed ? "  already recorded" : "  install recorded")
                  << (outcome->consumed_purchase ? "; one purchased device consumed\n" : "\n");
    }
  }
  return outcome->decision.allowed ? ExitCode::ok : ExitCode::denied;
}

} // namespace

void add_device_commands(CLI::App& app, CommandSet& commands) {
  auto request = std::make_shared<catalog::DeviceRegistration>();
  auto id = std::make_shared<std::string>();
  auto update = std::make_shared<std::string>();
  auto customer = std::make_shared<std::string>();

  auto* devices = app.add_subcommand("devices", "Devices enrolled for Custom Support")->require_subcommand(1);
  auto* reg = devices->add_subcommand("register", "Register a device (refused past the plan's device cap)");
  reg->add_option("--customer", request->customer, "Customer id")->required();
  reg->add_option("--site", request->site, "Support site listed on the service order")->required();
  reg->add_option("--product", request->product, "Product id")->required();
  reg->add_option("--service-pack", request->service_pack, "Service pack the device runs")->required();
  reg->add_option("--language", request->language, "Product language on the device (en-US)")->required();
  reg->add_option("--id", *id, "Device id (generated when absent)");
  commands.add(reg, [request, id](CommandContext& context) {
    auto copy = *request;
    if (!id->empty()) {
      copy.id = *id;
    }
    return register_device(context, copy);
  });

  auto* retire = devices->add_subcommand("retire", "Retire a device: it frees its place under the cap");
  retire->add_option("--id", *id, "Device id")->required();
  commands.add(retire, [id](CommandContext& context) { return retire_device(context, *id); });

  auto* list = devices->add_subcommand("list", "List a customer's devices");
  list->add_option("--customer", *customer, "Customer id")->required();
  commands.add(list, [customer](CommandContext& context) { return list_devices(context, *customer); });

  auto* installs = app.add_subcommand("installs", "Installs reported by devices")->require_subcommand(1);
  auto* record = installs->add_subcommand(
      "record", "Decide and record an install; consumes an Essentials purchase in the same transaction");
  record->add_option("--device", *id, "Device id")->required();
  record->add_option("--update", *update, "Update (KB)")->required();
  commands.add(record, [id, update](CommandContext& context) { return record_install(context, *id, *update); });
}

} // namespace lifeline::server::cli
