#include "server/service/page_cursor.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "catalog/identifiers.hpp"
#include "util/base64url.hpp"

namespace lifeline::server::service {

namespace {

constexpr std::size_t k_max_cursor = 200; // characters: an identifier, a date and a number fit well within

std::string_view name_of(Listing listing) {
  switch (listing) {
  case Listing::devices:
    return "devices";
  case Listing::compliance:
    return "compliance";
  case Listing::audit:
    return "audit";
  }
  return "?";
}

util::Error refused(const std::string& why) {
  return util::make_error(util::ErrorKind::invalid_input, "cursor " + why);
}

// A decimal number with no sign, padding or leading zero, from 0 to 10^18 - 1.
bool sequence_of(std::string_view text, std::int64_t& value) {
  if (text.empty() || text.size() > 18 || (text.size() > 1 && text.front() == '0') ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc();
}

std::vector<std::string_view> fields_of(std::string_view text) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto space = text.find(' ', start);
    fields.push_back(text.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
    if (space == std::string_view::npos) {
      return fields;
    }
    start = space + 1;
  }
}

} // namespace

std::string encode_cursor(const PageCursor& cursor) {
  std::string text = "v1 " + std::string(name_of(cursor.listing)) + " " + cursor.customer + " ";
  if (cursor.listing == Listing::audit) {
    text += std::to_string(cursor.sequence);
  } else {
    text += cursor.device.registered.to_string() + " " + std::to_string(cursor.device.sequence);
  }
  return util::to_base64url(text);
}

util::Result<PageCursor> decode_cursor(std::string_view text, Listing listing) {
  if (text.empty() || text.size() > k_max_cursor) {
    return refused("must be the next_cursor of a previous page");
  }
  const auto decoded = util::from_base64url(text);
  if (!decoded) {
    return refused("is not one this server wrote: not base64url");
  }
  const auto fields = fields_of(*decoded);
  const bool audit = listing == Listing::audit;
  if (fields.size() != (audit ? 4U : 5U) || fields[0] != "v1") {
    return refused("is not one this server wrote");
  }
  if (fields[1] != name_of(listing)) {
    return refused("belongs to another listing (" + std::string(fields[1].substr(0, 16)) + ")");
  }
  PageCursor cursor;
  cursor.listing = listing;
  cursor.customer = std::string(fields[2]);
  if (!catalog::is_identifier(cursor.customer) && !(audit && cursor.customer.empty())) {
    return refused("names no customer");
  }
  if (audit) {
    if (!sequence_of(fields[3], cursor.sequence)) {
      return refused("names no audit entry");
    }
    return cursor;
  }
  const auto registered = util::Date::parse(fields[3]);
  if (!registered || registered->to_string() != fields[3] || !sequence_of(fields[4], cursor.device.sequence)) {
    return refused("names no device");
  }
  cursor.device.registered = *registered;
  return cursor;
}

util::Result<std::int64_t> page_limit(const std::string* text, std::int64_t fallback, std::int64_t maximum) {
  if (text == nullptr) {
    return fallback;
  }
  std::int64_t value = 0;
  if (!sequence_of(*text, value) || value < 1 || value > maximum) {
    return util::make_error(util::ErrorKind::invalid_input,
                            "limit must be a number from 1 to " + std::to_string(maximum));
  }
  return value;
}

} // namespace lifeline::server::service
