// Rows for spreadsheets: RFC 4180 CSV with CRLF line ends. A cell that a spreadsheet would run
// as a formula (=, +, - or @ first, or a tab or carriage return that some strip first) is
// written with a leading apostrophe: exports carry text that customers and advisories chose.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lifeline::util {

// One cell, quoted when it holds a comma, a double quote, CR or LF (quotes doubled).
std::string csv_cell(std::string_view text);
// One record: the cells joined by commas, ended by CRLF.
std::string csv_line(const std::vector<std::string>& cells);

} // namespace lifeline::util
