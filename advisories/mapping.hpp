// The operator's product mapping: which advisory products are which Lifeline products
// (docs/advisories.md). MSRC product ids are global and stable, so they map directly; names map
// products of any publisher (compared without case and with runs of spaces as one). Products
// that map to nothing are reported by the import, never invented.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/advisory.hpp"
#include "util/result.hpp"

namespace lifeline::advisories {

constexpr std::size_t k_max_mapping_bytes = 4U << 20U;

class ProductMapping {
 public:
  // The mapping file's text; problems name the JSON pointer of each bad entry.
  static util::Result<ProductMapping> parse(std::string_view text);

  // The Lifeline product of one of the document's products.
  [[nodiscard]] std::optional<std::string> map(bool msrc_document, const AdvisoryProduct& product) const;
  // Every Lifeline product the mapping names.
  [[nodiscard]] std::vector<std::string> products() const;

 private:
  std::map<std::string, std::string> m_msrc_ids; // MSRC product id -> Lifeline product
  std::map<std::string, std::string> m_names;    // normalised name -> Lifeline product
};

// MSRC documents carry MSRC's global product ids: the CVRF publisher's contact or the CSAF
// publisher's namespace is Microsoft's.
bool is_msrc(const Advisory& advisory);

} // namespace lifeline::advisories
