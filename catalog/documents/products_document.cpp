#include <set>

#include "catalog/documents/document.hpp"
#include "catalog/documents/json_reader.hpp"

namespace lifeline::catalog::documents {

namespace {

std::optional<Product> read_product(const nlohmann::json& value, const std::string& pointer,
                                    std::vector<Problem>& problems) {
  ObjectReader reader(value, pointer, problems,
                      {"id", "name", "family", "version", "service_pack", "latest_service_pack", "mainstream_end",
                       "support_end", "custom_support", "prerelease"});
  if (!reader.valid()) {
    return std::nullopt;
  }
  const auto before = problems.size();
  Product product;
  product.id =
      reader.string("id", Presence::required, is_identifier, "an identifier ([A-Za-z0-9._-], 64 at most)").value_or("");
  product.name = reader.string("name", Presence::required).value_or("");
  product.family = reader.string("family", Presence::required).value_or("");
  product.version = reader.string("version", Presence::optional).value_or("");
  product.service_pack = reader.string("service_pack", Presence::required).value_or("");
  product.latest_service_pack = reader.string("latest_service_pack", Presence::required).value_or("");
  const auto mainstream_end = reader.date("mainstream_end", Presence::required);
  const auto support_end = reader.date("support_end", Presence::required);
  product.prerelease = reader.boolean("prerelease", Presence::optional).value_or(false);
  if (mainstream_end && support_end && *support_end < *mainstream_end) {
    reader.problem("support_end", "format",
                   "support_end " + support_end->to_string() + " is before mainstream_end " +
                       mainstream_end->to_string());
  }
  if (const auto* programme = reader.object("custom_support", Presence::optional)) {
    ObjectReader cs(*programme, reader.pointer_of("custom_support"), problems, {"start", "end"});
    const auto start = cs.date("start", Presence::required);
    const auto end = cs.date("end", Presence::required);
    if (start && end && *end < *start) {
      cs.problem("end", "format",
                 "the programme ends (" + end->to_string() + ") before it starts (" + start->to_string() + ")");
    }
    if (product.prerelease) {
      reader.problem("custom_support", "CS-17", "a pre-release product cannot have a Custom Support programme");
    }
    if (start && end) {
      product.custom_support = Programme{*start, *end};
    }
  }
  if (problems.size() != before || !mainstream_end || !support_end) {
    return std::nullopt;
  }
  product.mainstream_end = *mainstream_end;
  product.support_end = *support_end;
  return product;
}

} // namespace

Parsed<std::vector<Product>> parse_products(std::string_view text) {
  Parsed<std::vector<Product>> result;
  const auto document = parse_strict_json(text, result.problems);
  if (!document) {
    return result;
  }
  ObjectReader root(*document, "", result.problems, {"products", "$schema"});
  const auto* products = root.array("products", Presence::required);
  if (products == nullptr) {
    return result;
  }
  std::vector<Product> out;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < products->size(); ++i) {
    const auto pointer = "/products/" + std::to_string(i);
    auto product = read_product((*products)[i], pointer, result.problems);
    if (product && !ids.insert(product->id).second) {
      result.problems.push_back({pointer + "/id", "format", "product " + product->id + " is listed twice"});
    } else if (product) {
      out.push_back(std::move(*product));
    }
  }
  if (products->empty()) {
    result.problems.push_back({"/products", "format", "the document lists no product"});
  }
  if (result.problems.empty()) {
    result.value = std::move(out);
  }
  return result;
}

std::string describe(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& problem : problems) {
    out += (problem.pointer.empty() ? std::string("(document)") : problem.pointer) + ": " + problem.message + " [" +
           problem.rule + "]\n";
  }
  return out;
}

} // namespace lifeline::catalog::documents
