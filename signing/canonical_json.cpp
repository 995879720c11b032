#include "signing/canonical_json.hpp"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

namespace lifeline::signing {

namespace {

struct NotCanonical {
  std::string message;
};

void write_string(const std::string& text, std::string& out) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
}

template <typename Json> void write(const Json& value, std::string& out) {
  switch (value.type()) {
  case nlohmann::json::value_t::null:
    out += "null";
    break;
  case nlohmann::json::value_t::boolean:
    out += value.template get<bool>() ? "true" : "false";
    break;
  case nlohmann::json::value_t::number_integer:
    out += std::to_string(value.template get<std::int64_t>());
    break;
  case nlohmann::json::value_t::number_unsigned:
    out += std::to_string(value.template get<std::uint64_t>());
    break;
  case nlohmann::json::value_t::string:
    write_string(value.template get_ref<const std::string&>(), out);
    break;
  case nlohmann::json::value_t::array: {
    out += '[';
    bool first = true;
    for (const auto& item : value) {
      out += first ? "" : ",";
      first = false;
      write(item, out);
    }
    out += ']';
    break;
  }
  case nlohmann::json::value_t::object: {
    // std::string orders by unsigned bytes (char_traits<char>), which is code-point order.
    // Sorting (key, value) pairs keeps this O(n log n) for large objects too.
    std::vector<std::pair<const std::string*, const Json*>> members;
    members.reserve(value.size());
    for (auto it = value.begin(); it != value.end(); ++it) {
      members.emplace_back(&it.key(), &it.value());
    }
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
    out += '{';
    bool first = true;
    for (const auto& [key, member] : members) {
      out += first ? "" : ",";
      first = false;
      write_string(*key, out);
      out += ':';
      write(*member, out);
    }
    out += '}';
    break;
  }
  default:
    throw NotCanonical{std::string("canonical JSON has no ") + value.type_name() + " values"};
  }
}

} // namespace

template <typename Json> util::Result<std::string> encode(const Json& value) {
  std::string out;
  try {
    write(value, out);
  } catch (const NotCanonical& error) {
    return util::make_error(util::ErrorKind::invalid_input, error.message);
  }
  return out;
}

util::Result<std::string> canonical_json(const nlohmann::ordered_json& value) {
  return encode(value);
}
util::Result<std::string> canonical_json(const nlohmann::json& value) {
  return encode(value);
}

} // namespace lifeline::signing
