// Where the next page of a listing starts, handed to clients as an opaque string and read back
// as untrusted input. The text is base64url of "v1 LISTING CUSTOMER KEY": which listing wrote it,
// the customer the position is in, and the last device (registered, sequence) or audit entry
// given. A cursor only says where to go on: what the caller may read is decided again on every
// page, and a cursor for another listing or another customer is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/model.hpp"
#include "util/result.hpp"

namespace lifeline::server::service {

enum class Listing { devices, compliance, audit };

struct PageCursor {
  Listing listing = Listing::devices;
  std::string customer;      // "" only in an audit trail of every customer
  catalog::DeviceKey device; // devices and compliance: the last device given
  std::int64_t sequence = 0; // audit: the last entry given
};

std::string encode_cursor(const PageCursor& cursor);
// The cursor that `text` spells, when it is one written for `listing`; an invalid_input error
// that says what is wrong otherwise.
util::Result<PageCursor> decode_cursor(std::string_view text, Listing listing);

// ?limit=N: `fallback` when absent; an invalid_input error saying the range when `text` is not
// a number from 1 to `maximum`.
util::Result<std::int64_t> page_limit(const std::string* text, std::int64_t fallback, std::int64_t maximum);

} // namespace lifeline::server::service
