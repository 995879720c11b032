// The web dashboard at /dashboard (docs/dashboard.md): designated contacts and operators log in
// with their credential and read the customer overview, the migration burn-down, compliance
// per product, devices, updates and the audit trail. Server-rendered HTML with nothing loaded
// from elsewhere, so it works in a closed network.
#pragma once

#include <filesystem>
#include <memory>

#include "server/http/router.hpp"
#include "util/date.hpp"

namespace lifeline::server::dashboard {

struct DashboardContext {
  std::filesystem::path data_dir;
  std::shared_ptr<const util::Clock> clock;
  bool secure_cookies = false; // served over TLS: the session cookie is Secure too
};

void add_dashboard_routes(http::Router& router, const DashboardContext& context);

} // namespace lifeline::server::dashboard
