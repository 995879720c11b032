#include "util/strict_json.hpp"

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace lifeline::util {

namespace {

struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace

template <typename Json> Result<Json> parse_strict_json(std::string_view text, int max_depth) {
  std::vector<std::set<std::string>> keys;
  const typename Json::parser_callback_t guard = [&keys, max_depth](int depth, nlohmann::json::parse_event_t event,
                                                                    Json& parsed) {
    if (depth > max_depth) {
      throw Refused("nesting deeper than " + std::to_string(max_depth) + " levels");
    }
    switch (event) {
    case nlohmann::json::parse_event_t::object_start:
      keys.emplace_back();
      break;
    case nlohmann::json::parse_event_t::object_end:
      keys.pop_back();
      break;
    case nlohmann::json::parse_event_t::key:
      if (!keys.back().insert(parsed.template get<std::string>()).second) {
        throw Refused("duplicate key \"" + parsed.template get<std::string>() + "\"");
      }
      break;
    default:
      break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), guard);
  } catch (const nlohmann::json::exception& error) {
    // parse_error, and out_of_range for numbers too large to represent (found by fuzzing).
    return make_error(ErrorKind::invalid_input, std::string("not valid JSON: ") + error.what());
  } catch (const Refused& error) {
    return make_error(ErrorKind::invalid_input, error.what());
  }
}

template Result<nlohmann::json> parse_strict_json<nlohmann::json>(std::string_view, int);
template Result<nlohmann::ordered_json> parse_strict_json<nlohmann::ordered_json>(std::string_view, int);

} // namespace lifeline::util
