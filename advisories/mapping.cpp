#include "advisories/mapping.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "catalog/identifiers.hpp"
#include "util/strict_json.hpp"

namespace lifeline::advisories {

namespace {

constexpr int k_max_depth = 8;

std::string normalised(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isspace(byte) != 0) {
      if (!out.empty() && out.back() != ' ') {
        out.push_back(' ');
      }
    } else {
      out.push_back(static_cast<char>(std::tolower(byte)));
    }
  }
  if (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

bool is_msrc_product_id(std::string_view id) {
  // "10048", or a component on a platform: "10336-9316".
  return !id.empty() && id.size() <= 32 && id.front() != '-' && id.back() != '-' &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

util::Error invalid(const std::string& pointer, const std::string& message) {
  return util::make_error(util::ErrorKind::invalid_input, "product mapping " + pointer + ": " + message);
}

} // namespace

util::Result<ProductMapping> ProductMapping::parse(std::string_view text) {
  if (text.size() > k_max_mapping_bytes) {
    return invalid("/", "larger than " + std::to_string(k_max_mapping_bytes) + " bytes");
  }
  const auto document = util::parse_strict_json<nlohmann::json>(text, k_max_depth);
  if (!document) {
    return invalid("/", document.error().message);
  }
  if (!document->is_object() || document->size() != 1 || !document->contains("products") ||
      !document->at("products").is_array()) {
    return invalid("/", "must be an object with one member, \"products\", an array");
  }
  ProductMapping mapping;
  const auto& entries = document->at("products");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto pointer = "/products/" + std::to_string(i);
    const auto& entry = entries.at(i);
    if (!entry.is_object()) {
      return invalid(pointer, "must be an object");
    }
    for (const auto& [key, value] : entry.items()) {
      if (key != "product" && key != "msrc_product_ids" && key != "names") {
        return invalid(pointer + "/" + key, "unknown member (product, msrc_product_ids, names)");
      }
    }
    if (!entry.contains("product") || !entry.at("product").is_string() ||
        !catalog::is_identifier(entry.at("product").get_ref<const std::string&>())) {
      return invalid(pointer + "/product", "must be a Lifeline product id");
    }
    const auto& lifeline_product = entry.at("product").get_ref<const std::string&>();
    const auto read_list = [&](const char* name, auto&& valid, const char* expected,
                               std::map<std::string, std::string>& into, bool normalise) -> util::Result<void> {
      if (!entry.contains(name)) {
        return {};
      }
      const auto& list = entry.at(name);
      if (!list.is_array()) {
        return invalid(pointer + "/" + name, "must be an array");
      }
      for (std::size_t j = 0; j < list.size(); ++j) {
        const auto& item = list.at(j);
        const auto item_pointer = pointer + "/" + name + "/" + std::to_string(j);
        if (!item.is_string() || !valid(item.get_ref<const std::string&>())) {
          return invalid(item_pointer, std::string("must be ") + expected);
        }
        const auto key = normalise ? normalised(item.get_ref<const std::string&>()) : item.get<std::string>();
        const auto [at, added] = into.emplace(key, lifeline_product);
        if (!added && at->second != lifeline_product) {
          return invalid(item_pointer, "already maps to " + at->second);
        }
      }
      return {};
    };
    if (auto read = read_list("msrc_product_ids", is_msrc_product_id, "an MSRC product id (digits, or digits-digits)",
                              mapping.m_msrc_ids, false);
        !read) {
      return read.error();
    }
    if (auto read = read_list("names", catalog::is_label, "a product name (one printable line)", mapping.m_names, true);
        !read) {
      return read.error();
    }
  }
  return mapping;
}

std::optional<std::string> ProductMapping::map(bool msrc_document, const AdvisoryProduct& product) const {
  if (msrc_document) {
    if (const auto found = m_msrc_ids.find(product.id); found != m_msrc_ids.end()) {
      return found->second;
    }
  }
  if (const auto found = m_names.find(normalised(product.name)); found != m_names.end()) {
    return found->second;
  }
  return std::nullopt;
}

std::vector<std::string> ProductMapping::products() const {
  std::set<std::string> all;
  for (const auto& [key, product] : m_msrc_ids) {
    all.insert(product);
  }
  for (const auto& [key, product] : m_names) {
    all.insert(product);
  }
  return {all.begin(), all.end()};
}

bool is_msrc(const Advisory& advisory) {
  auto publisher = advisory.publisher;
  std::transform(publisher.begin(), publisher.end(), publisher.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return publisher.find("microsoft.com") != std::string::npos;
}

} // namespace lifeline::advisories
