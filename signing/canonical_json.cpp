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

void write(const nlohmann::ordered_json& value, std::string& out) {
  switch (value.type()) {
  case nlohmann::json::value_t::null:
    out += "null";
    break;
  case nlohmann::json::value_t::boolean:
    out += value.get<bool>() ? "true" : "false";
    break;
  case nlohmann::json::value_t::number_integer:
    out += std::to_string(value.get<std::int64_t>());
    break;
  case nlohmann::json::value_t::number_unsigned:
    out += std::to_string(value.get<std::uint64_t>());
    break;
  case nlohmann::json::value_t::string:
    write_string(value.get_ref<const std::string&>(), out);
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
    std::vector<std::string> keys;
    for (auto it = value.begin(); it != value.end(); ++it) {
      keys.push_back(it.key());
    }
    std::sort(keys.begin(), keys.end());
    out += '{';
    bool first = true;
    for (const auto& key : keys) {
      out += first ? "" : ",";
      first = false;
      write_string(key, out);
      out += ':';
      write(value.at(key), out);
    }
    out += '}';
    break;
  }
  default:
    throw NotCanonical{std::string("canonical JSON has no ") + value.type_name() + " values"};
  }
}

} // namespace

util::Result<std::string> canonical_json(const nlohmann::ordered_json& value) {
  std::string out;
  try {
    write(value, out);
  } catch (const NotCanonical& error) {
    return util::make_error(util::ErrorKind::invalid_input, error.message);
  }
  return out;
}

} // namespace lifeline::signing
