// XML namespaces over pugixml, which has none: every element's prefix is resolved once, through
// the xmlns declarations in scope, so that readers match elements by namespace URI and local
// name, never by prefix.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pugixml.hpp>

#include "util/result.hpp"

namespace lifeline::advisories {

struct XmlFailure {
  std::ptrdiff_t offset = -1; // byte offset of the offending element in the parsed buffer
  std::string message;
};

class XmlNamespaces {
 public:
  // Walks the elements under `root` once, without recursion, and refuses what Namespaces in XML
  // 1.0 forbids (an undeclared prefix, a prefix bound to "", a name with two colons, a repeated
  // attribute) and elements nested deeper than `max_depth`, which no reader has to walk then.
  static util::Result<XmlNamespaces, XmlFailure> resolve(pugi::xml_node root, std::size_t max_depth);

  // The element's namespace URI; "" when it is in no namespace.
  [[nodiscard]] std::string_view uri(pugi::xml_node element) const;
  // The element's name without its prefix.
  [[nodiscard]] static std::string_view local_name(pugi::xml_node element);
  [[nodiscard]] bool is(pugi::xml_node element, std::string_view uri, std::string_view local) const {
    return local_name(element) == local && this->uri(element) == uri;
  }

 private:
  // Only elements in a namespace are stored; the URIs point into the document's attributes.
  std::unordered_map<const pugi::xml_node_struct*, std::string_view> m_uris;
};

} // namespace lifeline::advisories
