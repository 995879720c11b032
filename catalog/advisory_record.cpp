#include "catalog/advisory_record.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace lifeline::catalog {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::vector<std::string_view> fields(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dot = text.find('.');
    parts.push_back(text.substr(0, dot));
    if (dot == std::string_view::npos) {
      return parts;
    }
    text.remove_prefix(dot + 1);
  }
}

// Semantic versioning's rule for one identifier: numbers by value (of any length: no overflow),
// a number before a word, words as text.
int compare_identifier(std::string_view a, std::string_view b) {
  const bool number_a = all_digits(a);
  const bool number_b = all_digits(b);
  if (number_a && number_b) {
    a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
    b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
    if (a.size() != b.size()) {
      return a.size() < b.size() ? -1 : 1;
    }
  } else if (number_a != number_b) {
    return number_a ? -1 : 1;
  }
  return a == b ? 0 : (a < b ? -1 : 1);
}

// Dotted fields in order; a missing field counts as 0 ("1.0" equals "1.0.0").
int compare_dotted(std::string_view a, std::string_view b, bool missing_is_zero) {
  const auto x = fields(a);
  const auto y = fields(b);
  for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    if (i >= x.size() || i >= y.size()) {
      if (!missing_is_zero) {
        return i >= x.size() ? -1 : 1; // more pre-release fields sort later
      }
    }
    const auto field_a = i < x.size() ? x[i] : std::string_view("0");
    const auto field_b = i < y.size() ? y[i] : std::string_view("0");
    if (const auto order = compare_identifier(field_a, field_b); order != 0) {
      return order;
    }
  }
  return 0;
}

// Revision numbers as MSRC ("8", "1.10") and CSAF (integers or semantic versions, "1.0.0-rc.1")
// write them: build metadata ignored, a pre-release before its release.
int compare_numbers(std::string_view a, std::string_view b) {
  a = a.substr(0, a.find('+'));
  b = b.substr(0, b.find('+'));
  const auto dash_a = a.find('-');
  const auto dash_b = b.find('-');
  if (const auto order = compare_dotted(a.substr(0, dash_a), b.substr(0, dash_b), true); order != 0) {
    return order;
  }
  if (dash_a == std::string_view::npos || dash_b == std::string_view::npos) {
    return dash_a == dash_b ? 0 : (dash_a == std::string_view::npos ? 1 : -1);
  }
  return compare_dotted(a.substr(dash_a + 1), b.substr(dash_b + 1), false);
}

} // namespace

std::string to_string(AdvisoryStatus status) {
  switch (status) {
  case AdvisoryStatus::new_document:
    return "new";
  case AdvisoryStatus::new_revision:
    return "revised";
  case AdvisoryStatus::same_revision:
    return "unchanged";
  case AdvisoryStatus::reapplied:
    return "reapplied";
  case AdvisoryStatus::older_revision:
    return "older";
  }
  return "unknown";
}

int compare_revisions(const AdvisoryRecord& a, const AdvisoryRecord& b) {
  if (a.current_release != b.current_release) {
    return a.current_release < b.current_release ? -1 : 1;
  }
  return compare_numbers(a.revision, b.revision);
}

} // namespace lifeline::catalog
