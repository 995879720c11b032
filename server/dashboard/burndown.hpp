// The migration burn-down of one enrolment, drawn on the server as SVG: the devices the plan
// allows per programme quarter (a line) against the active devices (bars, red above the plan).
#pragma once

#include <string>
#include <vector>

#include "server/service/compliance.hpp"

namespace lifeline::server::dashboard {

// `quarters` are one product's rows, in order. The chart names itself for screen readers; the
// page shows the same figures as a table beside it.
std::string burndown_svg(const std::string& product_name, const std::vector<service::QuarterProgress>& quarters);

} // namespace lifeline::server::dashboard
