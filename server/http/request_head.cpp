#include "server/http/request_head.hpp"

#include "server/http/field_text.hpp"
#include "server/http/router.hpp"

#include <algorithm>
#include <array>

#include "util/percent.hpp"

namespace lifeline::server::http {

namespace {

void add_query(std::string_view text, std::map<std::string, std::string>& query, bool& valid) {
  while (!text.empty()) {
    const auto end = text.find('&');
    const auto pair = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (pair.empty()) {
      continue;
    }
    const auto equals = pair.find('=');
    auto name = util::percent_decode(pair.substr(0, equals), util::PlusIs::space);
    auto value = util::percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
                                      util::PlusIs::space);
    if (!name || !value) {
      valid = false;
      return;
    }
    query.emplace(std::move(*name), std::move(*value));
  }
}

} // namespace

std::optional<RequestTarget> parse_target(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
      const auto slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (target.empty() || target.front() != '/') {
    return std::nullopt;
  }
  const auto mark = target.find('?');
  auto path = util::percent_decode(target.substr(0, mark), util::PlusIs::plus);
  if (!path || path->find('\0') != std::string::npos) {
    return std::nullopt;
  }
  RequestTarget out{std::move(*path), {}};
  bool valid = true;
  if (mark != std::string_view::npos) {
    add_query(target.substr(mark + 1), out.query, valid);
  }
  return valid ? std::optional<RequestTarget>(std::move(out)) : std::nullopt;
}

std::optional<HeadRefusal> check_raw_head(std::string_view head) {
  for (auto at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
    if (at + 2 < head.size() && (head[at + 2] == ' ' || head[at + 2] == '\t')) {
      return HeadRefusal{400, "a header field continues on the next line (obs-fold): send each field on one line"};
    }
  }
  return std::nullopt;
}

std::optional<HeadRefusal> check_fields(const std::vector<std::pair<std::string, std::string>>& fields,
                                        std::size_t max_fields) {
  if (fields.size() > max_fields) {
    return HeadRefusal{431, "the request has " + std::to_string(fields.size()) + " header fields; at most " +
                                std::to_string(max_fields) + " are accepted"};
  }
  static constexpr std::array<std::string_view, 7> k_single{"authorization", "content-length", "content-type", "host",
                                                            "range",         "expect",         "cookie"};
  for (const auto name : k_single) {
    const auto count =
        std::count_if(fields.begin(), fields.end(), [&](const auto& field) { return field.first == name; });
    if (count > 1) {
      return HeadRefusal{400, "the " + std::string(name) + " header field appears " + std::to_string(count) +
                                  " times; send it once"};
    }
  }
  for (const auto& [name, value] : fields) {
    // Plain digits, short enough that no parser along the way can read it another way.
    if (name == "content-length" &&
        (value.empty() || value.size() > 18 ||
         !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))) {
      return HeadRefusal{400, "Content-Length must be a plain decimal number of at most 18 digits"};
    }
  }
  return std::nullopt;
}

bool media_type_is(std::string_view content_type, std::string_view type) {
  return iequals(trim_ows(content_type.substr(0, content_type.find(';'))), type);
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view k_scheme = "bearer";
  if (authorization.size() <= k_scheme.size() || !iequals(authorization.substr(0, k_scheme.size()), k_scheme) ||
      authorization[k_scheme.size()] != ' ') {
    return std::nullopt;
  }
  return trim_ows(authorization.substr(k_scheme.size()));
}

} // namespace lifeline::server::http
