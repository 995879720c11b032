#include "cli/table.hpp"

#include <algorithm>
#include <ostream>

#include "util/csv.hpp"

namespace lifeline::cli {

void print_table(std::ostream& out, const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    widths[i] = header[i].size();
    for (const auto& row : rows) {
      widths[i] = std::max(widths[i], i < row.size() ? row[i].size() : 0);
    }
  }
  const auto line = [&](const Row& row) {
    std::string text;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const auto cell = i < row.size() ? row[i] : std::string();
      text += i + 1 < header.size() ? cell + std::string(widths[i] - cell.size() + 2, ' ') : cell;
    }
    out << text << '\n';
  };
  line(header);
  for (const auto& row : rows) {
    line(row);
  }
}

void print_csv(std::ostream& out, const Row& header, const std::vector<Row>& rows) {
  out << util::csv_line(header);
  for (const auto& row : rows) {
    out << util::csv_line(row);
  }
}

} // namespace lifeline::cli
