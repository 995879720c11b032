// Rows for people (aligned columns) and for spreadsheets (RFC 4180 CSV, util/csv.hpp: a cell a
// spreadsheet would run as a formula gets a leading apostrophe).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace lifeline::cli {

using Row = std::vector<std::string>;

void print_table(std::ostream& out, const Row& header, const std::vector<Row>& rows);
void print_csv(std::ostream& out, const Row& header, const std::vector<Row>& rows);

} // namespace lifeline::cli
