#include "util/config_file.hpp"

#include <set>

#include "util/file.hpp"
#include "util/strict_json.hpp"

namespace lifeline::util {

namespace {

constexpr std::size_t k_max_config_bytes = 1 << 20;
constexpr int k_max_config_depth = 8;

} // namespace

struct ConfigFile::State {
  std::string file;
  std::string where; // JSON pointer of this object in the file
  const nlohmann::json* object = nullptr;
  std::shared_ptr<nlohmann::json> document; // owns what `object` points into
  std::shared_ptr<std::string> problem;     // the first problem, shared with nested objects
  std::set<std::string> asked;

  const nlohmann::json* setting(std::string_view key) {
    asked.emplace(key);
    const std::string name(key);
    return object->contains(name) ? &object->at(name) : nullptr;
  }
  void refuse(std::string_view key, std::string_view why) {
    if (problem->empty()) {
      *problem = where + "/" + std::string(key) + " " + std::string(why);
    }
  }
};

ConfigFile::ConfigFile(std::unique_ptr<State> state) : m_state(std::move(state)) {}
ConfigFile::ConfigFile(ConfigFile&&) noexcept = default;
ConfigFile& ConfigFile::operator=(ConfigFile&&) noexcept = default;
ConfigFile::~ConfigFile() = default;

Result<ConfigFile> ConfigFile::load(const std::filesystem::path& file) {
  const auto text = read_file(file, k_max_config_bytes);
  if (!text) {
    return text.error();
  }
  auto json = parse_strict_json<nlohmann::json>(*text, k_max_config_depth);
  if (!json) {
    return json.error().with_context(file.string());
  }
  if (!json->is_object()) {
    return make_error(ErrorKind::invalid_input, file.string() + ": the configuration is a JSON object");
  }
  auto state = std::make_unique<State>();
  state->file = file.string();
  state->document = std::make_shared<nlohmann::json>(std::move(*json));
  state->object = state->document.get();
  state->problem = std::make_shared<std::string>();
  return ConfigFile(std::move(state));
}

bool ConfigFile::has(std::string_view key) const {
  return m_state->object->contains(std::string(key));
}

void ConfigFile::text(std::string_view key, std::string& out, Check valid, std::string_view expected, bool required) {
  const auto* value = m_state->setting(key);
  if (value == nullptr) {
    if (required) {
      m_state->refuse(key, "must be set: " + std::string(expected));
    }
    return;
  }
  const auto* text = value->get_ptr<const std::string*>();
  if (text == nullptr || !valid(*text)) {
    m_state->refuse(key, "must be " + std::string(expected));
    return;
  }
  out = *text;
}

void ConfigFile::integer(std::string_view key, std::int64_t& out, std::int64_t low, std::int64_t high) {
  const auto* value = m_state->setting(key);
  if (value == nullptr) {
    return;
  }
  const auto number = value->is_number_integer() ? value->get<std::int64_t>() : low - 1;
  if (number < low || number > high) {
    m_state->refuse(key, "must be an integer from " + std::to_string(low) + " to " + std::to_string(high));
    return;
  }
  out = number;
}

void ConfigFile::boolean(std::string_view key, bool& out) {
  const auto* value = m_state->setting(key);
  if (value == nullptr) {
    return;
  }
  if (!value->is_boolean()) {
    m_state->refuse(key, "must be true or false");
    return;
  }
  out = value->get<bool>();
}

void ConfigFile::text_list(std::string_view key, std::vector<std::string>& out, Check valid,
                           std::string_view expected) {
  const auto* value = m_state->setting(key);
  if (value == nullptr) {
    return;
  }
  std::vector<std::string> items;
  bool ok = value->is_array() && value->size() <= 1024;
  for (std::size_t i = 0; ok && i < value->size(); ++i) {
    const auto* item = value->at(i).get_ptr<const std::string*>();
    ok = item != nullptr && valid(*item);
    if (ok) {
      items.push_back(*item);
    }
  }
  if (!ok) {
    m_state->refuse(key, "must be a list of " + std::string(expected));
    return;
  }
  out = std::move(items);
}

std::vector<ConfigFile> ConfigFile::object_list(std::string_view key, std::string_view expected) {
  std::vector<ConfigFile> objects;
  const auto* value = m_state->setting(key);
  if (value == nullptr) {
    return objects;
  }
  if (!value->is_array() || value->size() > 1024) {
    m_state->refuse(key, "must be a list of " + std::string(expected));
    return objects;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    const auto& item = value->at(i);
    const auto index = std::string(key) + "/" + std::to_string(i);
    if (!item.is_object()) {
      m_state->refuse(index, "must be " + std::string(expected));
      return {};
    }
    auto state = std::make_unique<State>();
    state->file = m_state->file;
    state->where = m_state->where + "/" + index;
    state->object = &item;
    state->document = m_state->document;
    state->problem = m_state->problem;
    objects.push_back(ConfigFile(std::move(state)));
  }
  return objects;
}

void ConfigFile::refuse(std::string_view key, std::string_view why) {
  m_state->refuse(key, why);
}

Result<void> ConfigFile::finish() {
  // A misspelt setting first: it usually explains the problems the getters found.
  for (auto it = m_state->object->begin(); it != m_state->object->end(); ++it) {
    if (!m_state->asked.contains(it.key())) {
      return make_error(ErrorKind::invalid_input,
                        m_state->file + ": " + m_state->where + "/" + it.key() + " is not a known setting");
    }
  }
  if (!m_state->problem->empty()) {
    return make_error(ErrorKind::invalid_input, m_state->file + ": " + *m_state->problem);
  }
  return {};
}

bool is_config_path(std::string_view text) {
  return !text.empty() && text.size() <= 4096 && text.find('\0') == std::string_view::npos;
}

bool is_http_url(std::string_view text) {
  return (text.starts_with("https://") || text.starts_with("http://")) && text.size() <= 2048 &&
         text.find_first_of(" \t\r\n") == std::string_view::npos;
}

} // namespace lifeline::util
