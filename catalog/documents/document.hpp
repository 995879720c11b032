// The operator's documents: products.json, service orders and update manifests
// (docs/documents.md). Parsing validates everything that the document alone can tell;
// a refused document reports each problem with its JSON pointer and the rule it breaks.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/model.hpp"

namespace lifeline::catalog::documents {

// Documents larger than this are refused before parsing.
inline constexpr std::size_t k_max_document_bytes = 8 * 1024 * 1024;

struct Problem {
  std::string pointer; // RFC 6901 JSON pointer of the bad field ("" for the whole document)
  std::string rule;    // "CS-n", or "format" for the document's own shape
  std::string message;
};

template <typename T> struct Parsed {
  std::optional<T> value; // set only when `problems` is empty
  std::vector<Problem> problems;
};

using ProductIndex = std::map<std::string, Product, std::less<>>;

[[nodiscard]] Parsed<std::vector<Product>> parse_products(std::string_view text);
// `products` are the catalog's products: enrolments must name one and fit its programme.
[[nodiscard]] Parsed<ServiceOrder> parse_service_order(std::string_view text, const ProductIndex& products);
[[nodiscard]] Parsed<Update> parse_update_manifest(std::string_view text, const ProductIndex& products);

// "/enrolments/0/start: ... [CS-2]" lines, one per problem.
[[nodiscard]] std::string describe(const std::vector<Problem>& problems);

} // namespace lifeline::catalog::documents
