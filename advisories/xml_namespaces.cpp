#include "advisories/xml_namespaces.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lifeline::advisories {

namespace {

constexpr std::string_view k_xml_uri = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view k_xmlns_uri = "http://www.w3.org/2000/xmlns/";
// Real CVRF documents declare about ten; thousands would only slow every lookup down.
constexpr std::size_t k_max_bindings = 256;

pugi::xml_node first_element(pugi::xml_node node) {
  for (auto child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) {
      return child;
    }
  }
  return {};
}

pugi::xml_node next_element(pugi::xml_node node) {
  for (auto sibling = node.next_sibling(); sibling; sibling = sibling.next_sibling()) {
    if (sibling.type() == pugi::node_element) {
      return sibling;
    }
  }
  return {};
}

struct Binding {
  std::string_view prefix; // "" for the default namespace
  std::string_view uri;
};

class Walk {
 public:
  // Declares the element's bindings, then resolves its own prefix. Returns the failure, if any.
  std::optional<XmlFailure> enter(pugi::xml_node element,
                                  std::unordered_map<const pugi::xml_node_struct*, std::string_view>& uris) {
    const auto fail = [&](std::string message) { return XmlFailure{element.offset_debug(), std::move(message)}; };
    std::size_t declared = 0;
    m_names.clear();
    for (const auto attribute : element.attributes()) {
      const std::string_view name = attribute.name();
      m_names.push_back(name);
      const std::string_view value = attribute.value();
      if (name == "xmlns") {
        m_bindings.push_back({"", value});
        ++declared;
      } else if (name.starts_with("xmlns:")) {
        const auto prefix = name.substr(6);
        if (prefix.empty() || prefix.find(':') != std::string_view::npos) {
          return fail("\"" + std::string(name) + "\" is not a namespace declaration");
        }
        if (value.empty()) {
          return fail("prefix \"" + std::string(prefix) + "\" is bound to an empty namespace name");
        }
        if (prefix == "xmlns" || (prefix == "xml") != (value == k_xml_uri) || value == k_xmlns_uri) {
          return fail("prefix \"" + std::string(prefix) + "\" may not be bound to \"" + std::string(value) + "\"");
        }
        m_bindings.push_back({prefix, value});
        ++declared;
      }
    }
    m_declared.push_back(declared);
    if (m_bindings.size() > k_max_bindings) {
      return fail("more than " + std::to_string(k_max_bindings) + " namespace declarations in scope");
    }
    std::sort(m_names.begin(), m_names.end());
    if (const auto repeated = std::adjacent_find(m_names.begin(), m_names.end()); repeated != m_names.end()) {
      return fail("attribute \"" + std::string(*repeated) + "\" is repeated");
    }
    const std::string_view name = element.name();
    const auto colon = name.find(':');
    const auto prefix = colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
    if (colon != std::string_view::npos &&
        (prefix.empty() || colon + 1 == name.size() || name.find(':', colon + 1) != std::string_view::npos)) {
      return fail("element name \"" + std::string(name) + "\" is not a qualified name");
    }
    const auto bound = std::find_if(m_bindings.rbegin(), m_bindings.rend(),
                                    [&](const Binding& binding) { return binding.prefix == prefix; });
    std::string_view uri;
    if (bound != m_bindings.rend()) {
      uri = bound->uri;
    } else if (prefix == "xml") {
      uri = k_xml_uri;
    } else if (!prefix.empty()) {
      return fail("prefix \"" + std::string(prefix) + "\" of element \"" + std::string(name) + "\" is not declared");
    }
    if (!uri.empty()) {
      uris.emplace(element.internal_object(), uri);
    }
    return std::nullopt;
  }

  void leave() {
    m_bindings.resize(m_bindings.size() - m_declared.back());
    m_declared.pop_back();
  }

 private:
  std::vector<Binding> m_bindings;       // in scope, innermost last
  std::vector<std::size_t> m_declared;   // how many each open element added
  std::vector<std::string_view> m_names; // the current element's attribute names
};

} // namespace

util::Result<XmlNamespaces, XmlFailure> XmlNamespaces::resolve(pugi::xml_node root, std::size_t max_depth) {
  XmlNamespaces namespaces;
  Walk walk;
  std::size_t depth = 1;
  auto node = root;
  if (auto failure = walk.enter(node, namespaces.m_uris)) {
    return std::move(*failure);
  }
  while (true) {
    if (const auto child = first_element(node)) {
      if (depth == max_depth) {
        return XmlFailure{child.offset_debug(), "elements are nested more than " + std::to_string(max_depth) + " deep"};
      }
      node = child;
      ++depth;
      if (auto failure = walk.enter(node, namespaces.m_uris)) {
        return std::move(*failure);
      }
      continue;
    }
    // A leaf: close it and every ancestor whose last child it was, then open the next sibling.
    while (true) {
      walk.leave();
      if (node == root) {
        return namespaces;
      }
      if (const auto sibling = next_element(node)) {
        node = sibling;
        if (auto failure = walk.enter(node, namespaces.m_uris)) {
          return std::move(*failure);
        }
        break;
      }
      node = node.parent();
      --depth;
    }
  }
}

std::string_view XmlNamespaces::uri(pugi::xml_node element) const {
  const auto found = m_uris.find(element.internal_object());
  return found == m_uris.end() ? std::string_view() : found->second;
}

std::string_view XmlNamespaces::local_name(pugi::xml_node element) {
  const std::string_view name = element.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

} // namespace lifeline::advisories
