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

// One open object or array while parsing: enough to name where a refusal happened as a JSON
// pointer (RFC 6901), since the parser's callback gives no position.
struct Frame {
  bool array = false;
  std::size_t index = 0; // arrays: the element being read
  std::string key;       // objects: the member being read
  std::set<std::string> keys;
};

std::string pointer_of(const std::vector<Frame>& frames) {
  std::string pointer;
  for (const auto& frame : frames) {
    pointer += '/';
    if (frame.array) {
      pointer += std::to_string(frame.index);
      continue;
    }
    for (const char c : frame.key) {
      pointer += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    }
  }
  return pointer.empty() ? "/" : pointer;
}

// A value of the innermost container is complete: the next array element gets the next index.
void value_done(std::vector<Frame>& frames) {
  if (!frames.empty() && frames.back().array) {
    ++frames.back().index;
  }
}

} // namespace

template <typename Json> Result<Json> parse_strict_json(std::string_view text, int max_depth) {
  std::vector<Frame> frames;
  const typename Json::parser_callback_t guard = [&frames, max_depth](int depth, nlohmann::json::parse_event_t event,
                                                                      Json& parsed) {
    if (depth > max_depth) {
      throw Refused("nesting deeper than " + std::to_string(max_depth) + " levels at " + pointer_of(frames));
    }
    switch (event) {
    case nlohmann::json::parse_event_t::object_start:
      frames.push_back(Frame{});
      break;
    case nlohmann::json::parse_event_t::array_start:
      frames.push_back(Frame{true, 0, {}, {}});
      break;
    case nlohmann::json::parse_event_t::object_end:
    case nlohmann::json::parse_event_t::array_end:
      frames.pop_back();
      value_done(frames);
      break;
    case nlohmann::json::parse_event_t::key:
      frames.back().key = parsed.template get<std::string>();
      if (!frames.back().keys.insert(frames.back().key).second) {
        throw Refused("duplicate key \"" + frames.back().key + "\" at " + pointer_of(frames));
      }
      break;
    case nlohmann::json::parse_event_t::value:
      value_done(frames);
      break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), guard);
  } catch (const nlohmann::json::parse_error& error) {
    // what() names line and column; the byte offset is what a hex editor wants.
    return make_error(ErrorKind::invalid_input,
                      std::string("not valid JSON: ") + error.what() + " (byte " + std::to_string(error.byte) + ")");
  } catch (const nlohmann::json::exception& error) {
    // out_of_range for numbers too large to represent (found by fuzzing).
    return make_error(ErrorKind::invalid_input, std::string("not valid JSON: ") + error.what());
  } catch (const Refused& error) {
    return make_error(ErrorKind::invalid_input, error.what());
  }
}

template Result<nlohmann::json> parse_strict_json<nlohmann::json>(std::string_view, int);
template Result<nlohmann::ordered_json> parse_strict_json<nlohmann::ordered_json>(std::string_view, int);

} // namespace lifeline::util
