#include "server/http/byte_ranges.hpp"

#include "server/http/field_text.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace lifeline::server::http {

namespace {

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 19 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

struct Spec {
  std::optional<std::uint64_t> first; // absent: a suffix range, the last `last` bytes
  std::uint64_t last = 0;
  bool open = false; // "N-"
};

std::optional<Spec> parse_spec(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    return std::nullopt;
  }
  const auto head = text.substr(0, dash);
  const auto tail = text.substr(dash + 1);
  Spec spec;
  if (head.empty()) {
    const auto suffix = number(tail);
    if (!suffix) {
      return std::nullopt;
    }
    spec.last = *suffix;
    return spec;
  }
  spec.first = number(head);
  if (!spec.first) {
    return std::nullopt;
  }
  if (tail.empty()) {
    spec.open = true;
    return spec;
  }
  const auto last = number(tail);
  if (!last || *last < *spec.first) {
    return std::nullopt;
  }
  spec.last = *last;
  return spec;
}

} // namespace

RangePlan plan_ranges(std::string_view header, std::uint64_t size, std::size_t max_ranges) {
  RangePlan whole;
  header = trim_ows(header);
  constexpr std::string_view k_unit = "bytes=";
  if (header.size() <= k_unit.size() || header.substr(0, k_unit.size()) != k_unit) {
    return whole; // absent, or a unit this server does not serve: ignored (RFC 9110 section 14.2)
  }
  std::vector<Spec> specs;
  for (auto rest = header.substr(k_unit.size()); !rest.empty();) {
    const auto comma = rest.find(',');
    const auto item = trim_ows(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) {
      continue;
    }
    const auto spec = parse_spec(item);
    if (!spec) {
      return whole; // a malformed set is ignored as a whole
    }
    if (specs.size() == max_ranges) {
      return whole;
    }
    specs.push_back(*spec);
  }
  std::vector<ByteRange> ranges;
  for (const auto& spec : specs) {
    if (!spec.first) { // the last N bytes
      if (spec.last > 0 && size > 0) {
        ranges.push_back({size - std::min(spec.last, size), size - 1});
      }
    } else if (*spec.first < size) {
      ranges.push_back({*spec.first, spec.open ? size - 1 : std::min(spec.last, size - 1)});
    }
  }
  if (specs.empty()) {
    return whole;
  }
  if (ranges.empty()) {
    return RangePlan{RangePlan::Kind::unsatisfiable, {}};
  }
  std::sort(ranges.begin(), ranges.end(), [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
  std::vector<ByteRange> merged{ranges.front()};
  for (auto it = std::next(ranges.begin()); it != ranges.end(); ++it) {
    if (it->first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, it->last);
    } else {
      merged.push_back(*it);
    }
  }
  return RangePlan{RangePlan::Kind::partial, std::move(merged)};
}

std::string content_range(const ByteRange& range, std::uint64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" + std::to_string(size);
}

} // namespace lifeline::server::http
