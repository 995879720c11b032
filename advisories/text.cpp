#include "advisories/text.hpp"

#include <array>

#include "catalog/identifiers.hpp"

namespace lifeline::advisories {

namespace {

bool is_c0_or_del(unsigned char byte) {
  return byte < 0x20U || byte == 0x7fU;
}

// U+0080 to U+009F in UTF-8: C2 80 to C2 9F.
bool is_c1_at(std::string_view text, std::size_t at) {
  return at + 1 < text.size() && static_cast<unsigned char>(text[at]) == 0xc2U &&
         static_cast<unsigned char>(text[at + 1]) >= 0x80U && static_cast<unsigned char>(text[at + 1]) <= 0x9fU;
}

void append_escape(std::string& out, unsigned char code) {
  static constexpr std::array<char, 16> k_hex{'0', '1', '2', '3', '4', '5', '6', '7',
                                              '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  out += "\\u00";
  out += k_hex[code >> 4U];
  out += k_hex[code & 0xfU];
}

} // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  auto cut = text.size();
  if (cut > max_bytes) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0U) == 0x80U) {
      --cut;
    }
  }
  std::string out;
  out.reserve(cut + 3);
  for (std::size_t at = 0; at < cut; ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (is_c0_or_del(byte)) {
      append_escape(out, byte);
    } else if (is_c1_at(text, at)) {
      append_escape(out, static_cast<unsigned char>(text[at + 1]));
      ++at;
    } else {
      out += text[at];
    }
  }
  if (cut < text.size()) {
    out += "...";
  }
  return out;
}

std::string quote_text(std::string_view text, std::size_t max_bytes) {
  return "\"" + printable(text, max_bytes) + "\"";
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string collapse_space(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    const bool c1 = is_c1_at(text, at);
    if (byte == ' ' || is_c0_or_del(byte) || c1) {
      space = true;
      at += c1 ? 1 : 0;
      continue;
    }
    if (space && !out.empty()) {
      out += ' ';
    }
    space = false;
    out += text[at];
  }
  return out;
}

bool is_clean_label(std::string_view text) {
  if (!catalog::is_label(text)) {
    return false;
  }
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (is_c1_at(text, at)) {
      return false;
    }
  }
  return true;
}

} // namespace lifeline::advisories
