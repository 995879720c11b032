#include "catalog/documents/json_reader.hpp"

#include "util/strict_json.hpp"

#include <algorithm>
#include <set>

namespace lifeline::catalog::documents {

namespace {

using nlohmann::json;

std::string type_name(const json& value) {
  return value.type_name();
}

} // namespace

std::optional<json> parse_strict_json(std::string_view text, std::vector<Problem>& problems) {
  if (text.size() > k_max_document_bytes) {
    problems.push_back({"", "format", "document is larger than " + std::to_string(k_max_document_bytes) + " bytes"});
    return std::nullopt;
  }
  auto parsed = util::parse_strict_json<json>(text, k_max_json_depth);
  if (!parsed) {
    problems.push_back({"", "format", parsed.error().message});
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

ObjectReader::ObjectReader(const json& value, std::string pointer, std::vector<Problem>& problems,
                           std::initializer_list<std::string_view> known_fields)
    : m_pointer(std::move(pointer)), m_problems(problems) {
  if (!value.is_object()) {
    m_problems.push_back({m_pointer, "format", "expected an object, found " + type_name(value)});
    return;
  }
  m_object = &value;
  for (const auto& [key, _] : value.items()) {
    if (std::find(known_fields.begin(), known_fields.end(), key) == known_fields.end()) {
      m_problems.push_back({pointer_of(key), "format", "unknown field \"" + key + "\""});
    }
  }
}

std::string ObjectReader::pointer_of(std::string_view field) const {
  return m_pointer + "/" + escape_pointer_token(field);
}

void ObjectReader::problem(std::string_view field, std::string rule, std::string message) {
  m_problems.push_back({field.empty() ? m_pointer : pointer_of(field), std::move(rule), std::move(message)});
}

bool ObjectReader::has(std::string_view field) const {
  if (m_object == nullptr) {
    return false;
  }
  const auto it = m_object->find(field);
  return it != m_object->end() && !it->is_null();
}

const json* ObjectReader::find(std::string_view field, Presence presence, std::string_view expected) {
  if (m_object == nullptr) {
    return nullptr;
  }
  const auto it = m_object->find(field);
  if (it == m_object->end() || it->is_null()) {
    if (presence == Presence::required) {
      problem(field, "format", "required field is missing; expected " + std::string(expected));
    }
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> ObjectReader::string(std::string_view field, Presence presence,
                                                bool (*is_valid)(std::string_view), std::string_view expected) {
  const auto* value = find(field, presence, expected);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    problem(field, "format", "expected " + std::string(expected) + ", found " + type_name(*value));
    return std::nullopt;
  }
  auto text = value->get<std::string>();
  if (text.empty() || (is_valid != nullptr && !is_valid(text)) || (is_valid == nullptr && !is_label(text))) {
    problem(field, "format", "\"" + text + "\" is not " + std::string(expected));
    return std::nullopt;
  }
  return text;
}

std::optional<Date> ObjectReader::date(std::string_view field, Presence presence) {
  const auto* value = find(field, presence, "an ISO 8601 date (YYYY-MM-DD)");
  if (value == nullptr) {
    return std::nullopt;
  }
  std::optional<Date> date;
  if (value->is_string()) {
    date = Date::parse(value->get<std::string>());
  }
  if (!date) {
    problem(field, "format", "expected an ISO 8601 calendar date (YYYY-MM-DD), found " + value->dump());
  }
  return date;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view field, Presence presence, std::int64_t min,
                                                  std::int64_t max) {
  const auto* value = find(field, presence, "an integer");
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number_integer()) {
    problem(field, "format", "expected an integer, found " + value->dump());
    return std::nullopt;
  }
  if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    problem(field, "format",
            "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                value->dump());
    return std::nullopt;
  }
  const auto number = value->get<std::int64_t>();
  if (number < min || number > max) {
    problem(field, "format",
            "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                std::to_string(number));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> ObjectReader::boolean(std::string_view field, Presence presence) {
  const auto* value = find(field, presence, "true or false");
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_boolean()) {
    problem(field, "format", "expected true or false, found " + value->dump());
    return std::nullopt;
  }
  return value->get<bool>();
}

const json* ObjectReader::array(std::string_view field, Presence presence) {
  const auto* value = find(field, presence, "an array");
  if (value != nullptr && !value->is_array()) {
    problem(field, "format", "expected an array, found " + type_name(*value));
    return nullptr;
  }
  return value;
}

const json* ObjectReader::object(std::string_view field, Presence presence) {
  const auto* value = find(field, presence, "an object");
  if (value != nullptr && !value->is_object()) {
    problem(field, "format", "expected an object, found " + type_name(*value));
    return nullptr;
  }
  return value;
}

std::optional<std::vector<std::string>> ObjectReader::string_array(std::string_view field, Presence presence,
                                                                   bool (*is_valid)(std::string_view),
                                                                   std::string_view expected) {
  const auto* values = array(field, presence);
  if (values == nullptr) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < values->size(); ++i) {
    const auto& item = (*values)[i];
    const auto pointer = pointer_of(field) + "/" + std::to_string(i);
    if (!item.is_string() || !is_valid(item.get<std::string>())) {
      m_problems.push_back({pointer, "format", "expected " + std::string(expected) + ", found " + item.dump()});
      ok = false;
      continue;
    }
    const auto text = item.get<std::string>();
    if (std::find(out.begin(), out.end(), text) != out.end()) {
      m_problems.push_back({pointer, "format", "\"" + text + "\" is listed twice"});
      ok = false;
      continue;
    }
    out.push_back(text);
  }
  return ok ? std::optional(out) : std::nullopt;
}

} // namespace lifeline::catalog::documents
