#include "catalog/advisory_record.hpp"

#include <algorithm>
#include <cctype>

namespace lifeline::catalog {

namespace {

// "1.10.2" -> fields compared as numbers when both are digits, as text otherwise.
int compare_numbers(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    const auto end_a = std::min(a.find('.', i), a.size());
    const auto end_b = std::min(b.find('.', j), b.size());
    const auto field_a = i < a.size() ? a.substr(i, end_a - i) : std::string();
    const auto field_b = j < b.size() ? b.substr(j, end_b - j) : std::string();
    const auto digits = [](const std::string& text) {
      return !text.empty() && text.size() < 18 &&
             std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    };
    if (digits(field_a) && digits(field_b)) {
      const auto x = std::stoll(field_a);
      const auto y = std::stoll(field_b);
      if (x != y) {
        return x < y ? -1 : 1;
      }
    } else if (field_a != field_b) {
      return field_a < field_b ? -1 : 1;
    }
    i = end_a + 1;
    j = end_b + 1;
  }
  return 0;
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
