#include "advisories/kb_number.hpp"

#include <algorithm>

namespace lifeline::advisories {

namespace {

constexpr std::size_t k_min_digits = 4;
constexpr std::size_t k_max_digits = 10;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_kb_prefix(std::string_view text, std::size_t at) {
  return at + 2 <= text.size() && (text[at] == 'K' || text[at] == 'k') && (text[at + 1] == 'B' || text[at + 1] == 'b');
}

// The whole run of digits at `at` when it has 4 to 10 of them; "" otherwise.
std::string_view digits_at(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && is_digit(text[end])) {
    ++end;
  }
  const auto count = end - at;
  return count >= k_min_digits && count <= k_max_digits ? text.substr(at, count) : std::string_view();
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The host of an http(s) URL, in lower case, without user info or port; "" when there is none.
std::string host_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  std::string scheme;
  std::transform(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(scheme_end), std::back_inserter(scheme), lower);
  if (scheme != "https" && scheme != "http") {
    return {};
  }
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) {
    return {}; // an IPv6 literal is no Microsoft host
  }
  authority = authority.substr(0, authority.find(':'));
  std::string host;
  std::transform(authority.begin(), authority.end(), std::back_inserter(host), lower);
  return host;
}

bool is_microsoft_host(std::string_view host) {
  return host == "support.microsoft.com" || (host.size() > 14 && host.ends_with(".microsoft.com"));
}

} // namespace

std::optional<std::string> kb_number(std::string_view text) {
  if (is_kb_prefix(text, 0)) {
    text.remove_prefix(2);
  }
  const auto digits = digits_at(text, 0);
  if (digits.empty() || digits.size() != text.size()) {
    return std::nullopt;
  }
  return "KB" + std::string(digits);
}

std::string kb_in_text(std::string_view text) {
  for (std::size_t at = 0; at + 2 < text.size(); ++at) {
    const bool word_start = at == 0 || !is_alnum(text[at - 1]);
    if (word_start && is_kb_prefix(text, at)) {
      if (const auto digits = digits_at(text, at + 2); !digits.empty()) {
        return "KB" + std::string(digits);
      }
    }
  }
  return {};
}

std::string kb_in_url(std::string_view url) {
  if (is_microsoft_host(host_of(url))) {
    // The path starts after the authority; "/help/" in a query or fragment is still the page's.
    const auto path_start = url.find('/', url.find("://") + 3);
    constexpr std::string_view k_help = "/help/";
    for (auto at = url.find(k_help, path_start); path_start != std::string_view::npos && at != std::string_view::npos;
         at = url.find(k_help, at + 1)) {
      if (const auto digits = digits_at(url, at + k_help.size()); !digits.empty()) {
        const auto after = at + k_help.size() + digits.size();
        if (after == url.size() || url[after] == '/' || url[after] == '?' || url[after] == '#') {
          return "KB" + std::string(digits);
        }
      }
    }
  }
  return kb_in_text(url);
}

} // namespace lifeline::advisories
