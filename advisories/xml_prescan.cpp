#include "advisories/xml_prescan.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace lifeline::advisories {

namespace {

// XML 1.0 section 2.2: the characters a document may contain, raw or by reference.
bool is_xml_char(std::uint32_t code) {
  return code == 0x9 || code == 0xa || code == 0xd || (code >= 0x20 && code <= 0xd7ff) ||
         (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

std::string hex_code(std::uint32_t code) {
  static constexpr std::array<char, 16> digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  std::string text;
  for (int shift = 20; shift >= 0; shift -= 4) {
    const auto digit = (code >> static_cast<unsigned>(shift)) & 0xfU;
    if (!text.empty() || digit != 0 || shift < 16) {
      text += digits[digit];
    }
  }
  return "U+" + text;
}

// One UTF-8 sequence at `at`: its code point and length, or nullopt when malformed (overlong
// forms, surrogates and anything past U+10FFFF included).
struct Decoded {
  std::uint32_t code;
  std::size_t length;
};
std::optional<Decoded> decode(std::string_view bytes, std::size_t at) {
  const auto lead = static_cast<unsigned char>(bytes[at]);
  std::size_t extra = 0;
  std::uint32_t code = 0;
  if (lead < 0x80) {
    return Decoded{lead, 1};
  }
  if (lead >= 0xc2 && lead <= 0xdf) {
    extra = 1;
    code = lead & 0x1fU;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    extra = 2;
    code = lead & 0x0fU;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    extra = 3;
    code = lead & 0x07U;
  } else {
    return std::nullopt;
  }
  if (at + extra >= bytes.size()) {
    return std::nullopt;
  }
  for (std::size_t k = 1; k <= extra; ++k) {
    const auto next = static_cast<unsigned char>(bytes[at + k]);
    if ((next & 0xc0U) != 0x80U) {
      return std::nullopt;
    }
    code = (code << 6U) | (next & 0x3fU);
  }
  if ((extra == 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) ||
      (extra == 3 && (code < 0x10000 || code > 0x10ffff))) {
    return std::nullopt;
  }
  return Decoded{code, extra + 1};
}

// A reference starting at `at` (on '&'): its length, or a problem.
struct Reference {
  std::size_t length = 0;
  std::optional<Problem> problem;
};
Reference check_reference(std::string_view bytes, std::size_t at) {
  const auto end = bytes.find(';', at);
  // Longer than "&#x10FFFF;" or any predefined entity plus leading zeros is not worth reading.
  constexpr std::size_t k_longest = 16;
  if (end == std::string_view::npos || end - at > k_longest) {
    return {0, Problem{byte_location(at), "an '&' that starts no reference (write &amp;)"}};
  }
  const auto body = bytes.substr(at + 1, end - at - 1);
  if (body.starts_with('#')) {
    const bool hex = body.size() > 1 && body[1] == 'x';
    const auto digits = body.substr(hex ? 2 : 1);
    std::uint32_t code = 0;
    bool valid = !digits.empty();
    for (const char c : digits) {
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        valid = false;
        break;
      }
      code = code * (hex ? 16U : 10U) + digit;
      if (code > 0x10ffff) {
        valid = false;
        break;
      }
    }
    if (!valid) {
      return {0, Problem{byte_location(at), "malformed character reference &" + std::string(body) + ";"}};
    }
    if (!is_xml_char(code)) {
      return {0, Problem{byte_location(at), "character reference &" + std::string(body) + "; names " + hex_code(code) +
                                                ", which XML does not allow"}};
    }
    return {end - at + 1, std::nullopt};
  }
  if (body == "amp" || body == "lt" || body == "gt" || body == "quot" || body == "apos") {
    return {end - at + 1, std::nullopt};
  }
  return {0, Problem{byte_location(at), "entity reference &" + std::string(body) +
                                            "; is not one of XML's five predefined entities, and no DTD is read"}};
}

} // namespace

std::string byte_location(std::size_t offset) {
  return "byte " + std::to_string(offset);
}

std::optional<Problem> prescan_xml(std::string_view bytes) {
  std::size_t at = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  std::size_t markup_until = 0; // inside a comment, CDATA section or PI up to here: no references
  const auto skip_to = [&](std::size_t from, std::string_view terminator) {
    const auto end = bytes.find(terminator, from);
    return end == std::string_view::npos ? bytes.size() : end + terminator.size();
  };
  while (at < bytes.size()) {
    const auto decoded = decode(bytes, at);
    if (!decoded) {
      return Problem{byte_location(at), "invalid UTF-8"};
    }
    if (!is_xml_char(decoded->code)) {
      return Problem{byte_location(at), "character " + hex_code(decoded->code) + " is not allowed in XML"};
    }
    if (at >= markup_until) {
      const auto rest = bytes.substr(at);
      if (rest.starts_with("<!--")) {
        markup_until = skip_to(at + 4, "-->");
      } else if (rest.starts_with("<![CDATA[")) {
        markup_until = skip_to(at + 9, "]]>");
      } else if (rest.starts_with("<?")) {
        markup_until = skip_to(at + 2, "?>");
      } else if (rest.starts_with("<!DOCTYPE")) {
        return Problem{byte_location(at), "document type declarations are refused: no entity is expanded or fetched"};
      } else if (rest.starts_with('&')) {
        auto reference = check_reference(bytes, at);
        if (reference.problem) {
          return std::move(reference.problem);
        }
        at += reference.length;
        continue;
      }
    }
    at += decoded->length;
  }
  return std::nullopt;
}

} // namespace lifeline::advisories
