// Catalog locations: a SQLite file or a PostgreSQL URI, and how a URI is shown without its
// password.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"

namespace lifeline::catalog {

namespace {

constexpr std::string_view k_hidden = "***";

// Where the passwords of a URI sit: [begin, end) ranges, in order.
std::vector<std::pair<std::size_t, std::size_t>> password_ranges(std::string_view uri) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  const auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) {
    return ranges;
  }
  const auto authority = scheme + 3;
  const auto authority_end = std::min(uri.find_first_of("/?", authority), uri.size());
  // user:password@host
  const auto at = uri.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos && at >= authority) {
    const auto colon = uri.find(':', authority);
    if (colon != std::string_view::npos && colon < at) {
      ranges.emplace_back(colon + 1, at);
    }
  }
  // ?password=...&
  for (auto query = uri.find('?'); query != std::string_view::npos && query < uri.size();) {
    const auto start = query + 1;
    const auto end = std::min(uri.find('&', start), uri.size());
    const auto pair = uri.substr(start, end - start);
    constexpr std::string_view k_key = "password=";
    if (pair.size() >= k_key.size() && std::equal(k_key.begin(), k_key.end(), pair.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      ranges.emplace_back(start + k_key.size(), end);
    }
    query = end < uri.size() ? end : std::string_view::npos;
  }
  return ranges;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) {
    return;
  }
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

} // namespace

bool is_postgres_location(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redacted_location(std::string_view location) {
  std::string shown(location);
  auto ranges = password_ranges(location);
  std::reverse(ranges.begin(), ranges.end());
  for (const auto& [begin, end] : ranges) {
    shown.replace(begin, end - begin, k_hidden);
  }
  return shown;
}

std::string without_secrets(std::string message, std::string_view location) {
  replace_all(message, location, redacted_location(location));
  for (const auto& [begin, end] : password_ranges(location)) {
    replace_all(message, location.substr(begin, end - begin), k_hidden);
  }
  return message;
}

} // namespace lifeline::catalog
