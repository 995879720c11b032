// Strict JSON input for documents: duplicate keys, excessive nesting and unknown fields are
// refused, and every field is read with its type and its JSON pointer. Internal to documents/.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/documents/document.hpp"
#include "catalog/identifiers.hpp"

namespace lifeline::catalog::documents {

inline constexpr int k_max_json_depth = 32;

// Parses `text`; on failure adds one problem and returns nullopt.
std::optional<nlohmann::json> parse_strict_json(std::string_view text, std::vector<Problem>& problems);

enum class Presence { required, optional };

std::string escape_pointer_token(std::string_view token);

// Reads the fields of one JSON object, reporting problems under its pointer.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& value, std::string pointer, std::vector<Problem>& problems,
               std::initializer_list<std::string_view> known_fields);

  [[nodiscard]] bool valid() const { return m_object != nullptr; }
  [[nodiscard]] std::string pointer_of(std::string_view field) const;
  [[nodiscard]] const std::string& pointer() const { return m_pointer; }

  std::optional<std::string> string(std::string_view field, Presence presence,
                                    bool (*is_valid)(std::string_view) = nullptr,
                                    std::string_view expected = "a non-empty string");
  std::optional<Date> date(std::string_view field, Presence presence);
  std::optional<std::int64_t> integer(std::string_view field, Presence presence, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(std::string_view field, Presence presence);
  // Arrays and objects are returned for the caller to walk; nullptr when absent or wrong.
  const nlohmann::json* array(std::string_view field, Presence presence);
  const nlohmann::json* object(std::string_view field, Presence presence);
  // An array of unique strings, each checked by `is_valid`.
  std::optional<std::vector<std::string>> string_array(std::string_view field, Presence presence,
                                                       bool (*is_valid)(std::string_view), std::string_view expected);
  // True when the field is present and not null.
  [[nodiscard]] bool has(std::string_view field) const;

  void problem(std::string_view field, std::string rule, std::string message);

 private:
  const nlohmann::json* find(std::string_view field, Presence presence, std::string_view expected);

  const nlohmann::json* m_object = nullptr;
  std::string m_pointer;
  std::vector<Problem>& m_problems;
};

} // namespace lifeline::catalog::documents
