#include "server/dashboard/form.hpp"

#include "util/percent.hpp"

namespace lifeline::server::dashboard {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  return text;
}

} // namespace

std::optional<std::map<std::string, std::string>> parse_form(std::string_view body) {
  if (body.size() > k_max_form_bytes) {
    return std::nullopt;
  }
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    const auto end = body.find('&');
    const auto pair = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    if (pair.empty()) {
      continue;
    }
    const auto equals = pair.find('=');
    const auto name = util::percent_decode(pair.substr(0, equals), util::PlusIs::space);
    const auto value = util::percent_decode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), util::PlusIs::space);
    if (!name || !value || name->empty() || !fields.emplace(*name, *value).second) {
      return std::nullopt;
    }
  }
  return fields;
}

std::map<std::string, std::string> parse_cookies(std::string_view header) {
  std::map<std::string, std::string> cookies;
  while (!header.empty()) {
    const auto end = header.find(';');
    const auto pair = trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      continue;
    }
    cookies.emplace(std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1)));
  }
  return cookies;
}

} // namespace lifeline::server::dashboard
