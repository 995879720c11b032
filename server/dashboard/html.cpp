#include "server/dashboard/html.hpp"

#include <cstdint>

namespace lifeline::server::dashboard {

std::string escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      escaped += "&amp;";
      break;
    case '<':
      escaped += "&lt;";
      break;
    case '>':
      escaped += "&gt;";
      break;
    case '"':
      escaped += "&quot;";
      break;
    case '\'':
      escaped += "&#39;";
      break;
    default:
      escaped.push_back(c);
    }
  }
  return escaped;
}

std::string page(const Frame& frame, const std::string& main_html) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      escape(frame.title) +
      " · Lifeline</title>\n<link rel=\"stylesheet\" href=\"/dashboard/style.css\">\n<link rel=\"icon\" "
      "type=\"image/svg+xml\" href=\"/dashboard/icon.svg\">\n</head>\n<body>\n"
      "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header>\n<p class=\"brand\">Lifeline</p>\n";
  if (!frame.signed_in_as.empty()) {
    html += "<nav aria-label=\"Dashboard\">\n<ul>\n";
    if (frame.operator_view) {
      html += "<li>" + link("/dashboard/customers", "All customers") + "</li>\n";
    }
    if (frame.customer_id) {
      const auto base = "/dashboard/customers/" + *frame.customer_id;
      html += "<li>" + link(base, "Overview") + "</li>\n<li>" + link(base + "/devices", "Devices") + "</li>\n<li>" +
              link(base + "/audit", "Audit") + "</li>\n";
    }
    html += "</ul>\n</nav>\n<form class=\"logout\" method=\"post\" action=\"/dashboard/logout\">\n<span>Signed in as " +
            escape(frame.signed_in_as) + "</span>\n<input type=\"hidden\" name=\"csrf\" value=\"" + escape(frame.csrf) +
            "\">\n<button type=\"submit\">Log out</button>\n</form>\n";
  }
  html += "</header>\n<main id=\"main\">\n" + main_html + "</main>\n</body>\n</html>\n";
  return html;
}

std::string table(const Table& table) {
  std::string html = "<table>\n<caption>" + escape(table.caption) + "</caption>\n<thead><tr>";
  for (const auto& header : table.headers) {
    html += "<th scope=\"col\">" + escape(header) + "</th>";
  }
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      html += (i == 0 ? "<th scope=\"row\">" : "<td>") + row[i] + (i == 0 ? "</th>" : "</td>");
    }
    html += "</tr>\n";
  }
  if (table.rows.empty()) {
    html +=
        "<tr><td colspan=\"" + std::to_string(table.headers.size()) + "\">" + escape(table.empty_text) + "</td></tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

std::string link(const std::string& href, std::string_view text) {
  return "<a href=\"" + escape(href) + "\">" + escape(text) + "</a>";
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) {
    return "–";
  }
  return std::to_string(part * 100 / whole) + " %";
}

std::string_view icon() {
  return R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0a5bb5"/><path d="M3 9h3l2-5 2 8 2-3h1" fill="none" stroke="#fff" stroke-width="1.6"/></svg>)svg";
}

std::string_view stylesheet() {
  return R"css(:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0a5bb5;
  --plan: #0a5bb5; --actual: #2da44e; --over: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 8px 24px;
  border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; margin: 0; }
nav ul, ul.pages { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
.logout { margin-left: auto; display: flex; gap: 8px; align-items: center; color: var(--muted); }
main { padding: 16px 24px 48px; max-width: 1200px; }
a { color: var(--accent); }
a:focus, button:focus, input:focus { outline: 3px solid var(--ink); outline-offset: 2px; }
table { border-collapse: collapse; margin: 8px 0 24px; min-width: 50%; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
td.number, th.number { text-align: right; }
.error { color: var(--over); font-weight: 600; }
.muted { color: var(--muted); }
form.login { display: grid; gap: 8px; max-width: 32em; }
input[type=password], input[type=number] { font: inherit; padding: 6px; }
button { font: inherit; padding: 4px 12px; }
svg.burndown { max-width: 100%; height: auto; }
.burndown .axis { stroke: var(--muted); }
.burndown .grid { stroke: var(--line); }
.burndown .planned { fill: none; stroke: var(--plan); stroke-width: 3; }
.burndown .actual { fill: var(--actual); }
.burndown .over { fill: var(--over); }
.burndown text { fill: var(--ink); font-size: 12px; }
.state-entitled-missing, .state-prerequisite-missing { color: var(--over); font-weight: 600; }
.state-installed { color: #1a7f37; }
)css";
}

} // namespace lifeline::server::dashboard
