// Server-rendered HTML for the dashboard: escaping, the page frame and tables. Every text that
// comes from the catalog or the request goes through escape(); pages load nothing from outside.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline::server::dashboard {

// Text and attribute values: & < > " ' escaped.
std::string escape(std::string_view text);

// Who is looking and where they can go, for the page's header.
struct Frame {
  std::string title;
  std::string signed_in_as;               // empty on the login page
  std::string csrf;                       // for the log-out form
  std::optional<std::string> customer_id; // the customer's pages in the navigation
  bool operator_view = false;             // a link back to all customers
};

std::string page(const Frame& frame, const std::string& main_html);

// A table with a caption and column headers; cells are HTML already (escape text first).
struct Table {
  std::string caption;
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  std::string empty_text = "Nothing to show.";
};
std::string table(const Table& table);

std::string link(const std::string& href, std::string_view text);
std::string percent(std::int64_t part, std::int64_t whole);

// The stylesheet every page uses (served at /dashboard/style.css: the pages' CSP allows no inline style).
std::string_view stylesheet();
// The pages' icon (/dashboard/icon.svg), so browsers do not ask for /favicon.ico.
std::string_view icon();

} // namespace lifeline::server::dashboard
