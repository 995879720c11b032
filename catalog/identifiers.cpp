#include "catalog/identifiers.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace lifeline::catalog {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

} // namespace

bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
      code = c & 0x1fU;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      code = c & 0x0fU;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      code = c & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0U) != 0x80U) {
        return false;
      }
      code = (code << 6U) | (next & 0x3fU);
    }
    if ((extra == 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) ||
        (extra == 3 && (code < 0x10000 || code > 0x10ffff))) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || text.size() > k_max_identifier || !is_alnum(text.front())) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool is_kb(std::string_view text) {
  return text.size() >= 3 && text.size() <= 12 && text.starts_with("KB") &&
         std::all_of(text.begin() + 2, text.end(), is_digit);
}

bool is_cve(std::string_view text) {
  if (text.size() < 13 || text.size() > 32 || !text.starts_with("CVE-") || text[8] != '-') {
    return false;
  }
  return std::all_of(text.begin() + 4, text.begin() + 8, is_digit) &&
         std::all_of(text.begin() + 9, text.end(), is_digit);
}

bool is_email(std::string_view text) {
  const auto at = text.find('@');
  if (text.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 >= text.size() ||
      text.find('@', at + 1) != std::string_view::npos || text.find('.', at) == std::string_view::npos) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return is_alnum(c) || std::string_view("@.!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
  });
}

bool is_language_tag(std::string_view text) {
  // BCP 47 shape: a 2-8 letter primary subtag, then 1-8 character subtags.
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    const auto end = std::min(text.find('-', start), text.size());
    const auto subtag = text.substr(start, end - start);
    if (subtag.empty() || subtag.size() > 8 || (first && subtag.size() < 2) ||
        !std::all_of(subtag.begin(), subtag.end(),
                     [first](char c) { return first ? (is_alnum(c) && !is_digit(c)) : is_alnum(c); })) {
      return false;
    }
    first = false;
    start = end + 1;
  }
  return text.size() <= 35;
}

bool is_label(std::string_view text) {
  return !text.empty() && text.size() <= 512 && is_utf8(text) && std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

bool is_site(std::string_view text) {
  return text.size() <= k_max_identifier && is_label(text);
}

bool is_service_pack(std::string_view text) {
  return !text.empty() && text.size() <= 16 &&
         std::all_of(text.begin(), text.end(), [](char c) { return is_alnum(c) || c == ' ' || c == '.' || c == '-'; });
}

std::string normalise_email(std::string_view email) {
  std::string out(email);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

} // namespace lifeline::catalog
