// Range requests on a file (RFC 9110 section 14): which bytes a `Range: bytes=...` header asks
// for, once overlapping and adjacent ranges are merged and ends past the file are clamped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline::server::http {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0; // inclusive
  [[nodiscard]] std::uint64_t length() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

struct RangePlan {
  enum class Kind {
    whole,        // no Range, one the server ignores (another unit, bad syntax, too many), or all of it
    partial,      // 206: one range, or several as multipart/byteranges
    unsatisfiable // 416: no range starts inside the file
  };
  Kind kind = Kind::whole;
  std::vector<ByteRange> ranges; // partial: ascending, disjoint, not adjacent
};

// The plan for `header` (the Range field's value, "" when absent) on `size` bytes. More than
// `max_ranges` ranges, before or after merging, are ignored (the whole file), as RFC 9110
// section 14.2 allows: a flood of ranges costs the server more than the file itself.
RangePlan plan_ranges(std::string_view header, std::uint64_t size, std::size_t max_ranges);

// "bytes FIRST-LAST/SIZE", the Content-Range of one part.
std::string content_range(const ByteRange& range, std::uint64_t size);

} // namespace lifeline::server::http
