#include "cli/table.hpp"

#include <algorithm>
#include <ostream>

namespace lifeline::cli {

namespace {

std::string csv_cell(const std::string& text) {
  std::string cell =
      !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos ? "'" + text : text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    return cell;
  }
  std::string quoted = "\"";
  for (const char c : cell) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return quoted + "\"";
}

void csv_line(std::ostream& out, const Row& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    out << (i > 0 ? "," : "") << csv_cell(row[i]);
  }
  out << "\r\n";
}

} // namespace

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
  csv_line(out, header);
  for (const auto& row : rows) {
    csv_line(out, row);
  }
}

} // namespace lifeline::cli
