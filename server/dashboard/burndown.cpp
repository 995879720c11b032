#include "server/dashboard/burndown.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "server/dashboard/html.hpp"

namespace lifeline::server::dashboard {

namespace {

constexpr int k_width = 640;
constexpr int k_height = 300;
constexpr int k_left = 56;
constexpr int k_right = 16;
constexpr int k_top = 16;
constexpr int k_bottom = 56;

// The smallest of 1, 2, 5 x 10^n at least `value`: round axis labels.
std::int64_t nice_ceiling(std::int64_t value) {
  std::int64_t step = 1;
  while (true) {
    for (const std::int64_t factor : {1, 2, 5}) {
      if (step * factor >= value) {
        return step * factor;
      }
    }
    step *= 10;
  }
}

std::string number(double value) {
  const auto rounded = static_cast<std::int64_t>(value * 10 + (value < 0 ? -0.5 : 0.5));
  auto text = std::to_string(rounded / 10);
  if (rounded % 10 != 0) {
    text += "." + std::to_string(std::abs(rounded % 10));
  }
  return text;
}

} // namespace

std::string burndown_svg(const std::string& product_name, const std::vector<service::QuarterProgress>& quarters) {
  std::int64_t highest = 1;
  for (const auto& quarter : quarters) {
    highest = std::max({highest, quarter.planned, quarter.active});
  }
  const auto top = nice_ceiling(highest);
  // Gridlines on whole devices: 1, 2 or 5 x 10^n splits into 1, 2 or 5 equal steps.
  const std::int64_t ticks = top % 5 == 0 ? 5 : (top % 2 == 0 ? 2 : 1);
  const double plot_width = k_width - k_left - k_right;
  const double plot_height = k_height - k_top - k_bottom;
  const auto count = std::max<std::size_t>(1, quarters.size());
  const double slot = plot_width / static_cast<double>(count);
  const auto y = [&](std::int64_t devices) {
    return k_top + plot_height - plot_height * static_cast<double>(devices) / static_cast<double>(top);
  };
  const auto id = "burndown-" + escape(quarters.empty() ? std::string("none") : quarters.front().product);

  std::string svg = "<svg class=\"burndown\" role=\"img\" viewBox=\"0 0 " + std::to_string(k_width) + " " +
                    std::to_string(k_height) + "\" width=\"" + std::to_string(k_width) + "\" height=\"" +
                    std::to_string(k_height) + "\" aria-labelledby=\"" + id + "-title\" aria-describedby=\"" + id +
                    "-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"" + id + "-title\">Migration of " +
                    escape(product_name) + ": planned against active devices per quarter</title>\n<desc id=\"" + id +
                    "-desc\">";
  for (const auto& quarter : quarters) {
    svg += "Quarter " + std::to_string(quarter.quarter) + ": " + std::to_string(quarter.planned) + " planned, " +
           std::to_string(quarter.active) + " active. ";
  }
  svg += "</desc>\n";
  for (std::int64_t tick = 0; tick <= ticks; ++tick) {
    const auto devices = top * tick / ticks;
    const auto at = number(y(devices));
    svg += "<line class=\"grid\" x1=\"" + std::to_string(k_left) + "\" x2=\"" + std::to_string(k_width - k_right) +
           "\" y1=\"" + at + "\" y2=\"" + at + "\"/>\n<text x=\"" + std::to_string(k_left - 6) + "\" y=\"" + at +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + std::to_string(devices) + "</text>\n";
  }
  std::string planned_points;
  for (std::size_t i = 0; i < quarters.size(); ++i) {
    const auto& quarter = quarters[i];
    const double x = k_left + slot * static_cast<double>(i);
    const double bar_width = slot * 0.6;
    const double bar_x = x + (slot - bar_width) / 2;
    const auto within = std::min(quarter.active, quarter.planned);
    svg += "<rect class=\"actual\" x=\"" + number(bar_x) + "\" y=\"" + number(y(within)) + "\" width=\"" +
           number(bar_width) + "\" height=\"" + number(y(0) - y(within)) + "\"/>\n";
    if (quarter.over_plan > 0) {
      svg += "<rect class=\"over\" x=\"" + number(bar_x) + "\" y=\"" + number(y(quarter.active)) + "\" width=\"" +
             number(bar_width) + "\" height=\"" + number(y(within) - y(quarter.active)) + "\"/>\n";
    }
    // The plan holds for the whole quarter: a step, flat across the slot.
    planned_points +=
        number(x) + "," + number(y(quarter.planned)) + " " + number(x + slot) + "," + number(y(quarter.planned)) + " ";
    svg += "<text x=\"" + number(x + slot / 2) + "\" y=\"" + std::to_string(k_height - k_bottom + 18) +
           "\" text-anchor=\"middle\">Q" + std::to_string(quarter.quarter) + "</text>\n";
  }
  if (!planned_points.empty()) {
    planned_points.pop_back();
    svg += "<polyline class=\"planned\" points=\"" + planned_points + "\"/>\n";
  }
  const auto base = std::to_string(k_height - k_bottom);
  svg += "<line class=\"axis\" x1=\"" + std::to_string(k_left) + "\" x2=\"" + std::to_string(k_width - k_right) +
         "\" y1=\"" + base + "\" y2=\"" + base + "\"/>\n";
  // Legend.
  const auto legend_y = std::to_string(k_height - 14);
  svg += "<line class=\"planned\" x1=\"" + std::to_string(k_left) + "\" x2=\"" + std::to_string(k_left + 24) +
         "\" y1=\"" + legend_y + "\" y2=\"" + legend_y + "\"/>\n<text x=\"" + std::to_string(k_left + 30) + "\" y=\"" +
         legend_y +
         "\" dominant-baseline=\"middle\">Planned (devices the plan allows)</text>\n<rect class=\"actual\" x=\"" +
         std::to_string(k_left + 270) + "\" y=\"" + std::to_string(k_height - 20) +
         "\" width=\"12\" height=\"12\"/>\n<text x=\"" + std::to_string(k_left + 288) + "\" y=\"" + legend_y +
         "\" dominant-baseline=\"middle\">Active devices</text>\n<rect class=\"over\" x=\"" +
         std::to_string(k_left + 410) + "\" y=\"" + std::to_string(k_height - 20) +
         "\" width=\"12\" height=\"12\"/>\n<text x=\"" + std::to_string(k_left + 428) + "\" y=\"" + legend_y +
         "\" dominant-baseline=\"middle\">Over plan</text>\n";
  return svg + "</svg>\n";
}

} // namespace lifeline::server::dashboard
