#include "catalog/target_attributes.hpp"

#include <nlohmann/json.hpp>

namespace lifeline::catalog {

std::string target_custom_json(const Update& update, const std::string& product) {
  nlohmann::ordered_json severity = nlohmann::ordered_json::object();
  for (const auto& rating : update.products) {
    severity[rating.product] = rating.severity ? nlohmann::ordered_json(to_string(*rating.severity)) : nullptr;
  }
  const auto optional = [](const std::optional<std::string>& value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
  };
  const nlohmann::ordered_json attributes{{"kb", update.id},
                                          {"kind", to_string(update.kind)},
                                          {"title", update.title},
                                          {"product", product},
                                          {"severity", severity},
                                          {"cves", update.cves},
                                          {"supersedes", update.supersedes},
                                          {"requires_service_pack", optional(update.requires_service_pack)},
                                          {"language", optional(update.language)},
                                          {"released", update.released.to_string()},
                                          {"not_regression_tested", !update.regression_tested}};
  return nlohmann::ordered_json{{"lifeline", attributes}}.dump();
}

std::string target_path(const Update& update, const std::string& product, const std::string& file_name) {
  return product + "/" + update.id + "/" + file_name;
}

} // namespace lifeline::catalog
