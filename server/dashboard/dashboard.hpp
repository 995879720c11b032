// The web dashboard at /dashboard (docs/dashboard.md): designated contacts and operators log in
// with their credential and read the customer overview, the migration burn-down, compliance
// per product, devices, updates and the audit trail. Server-rendered HTML with nothing loaded
// from elsewhere, so it works in a closed network.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server/http/router.hpp"
#include "util/date.hpp"

namespace lifeline::server::dashboard {

struct DashboardContext {
  std::filesystem::path data_dir;
  std::string catalog;                      // a SQLite file or a PostgreSQL URI (api::ApiContext::catalog)
  std::shared_ptr<const util::Clock> clock; // the business date the figures are computed at
  bool tls = false;                         // served over TLS: cookies are Secure
  // Reverse proxies whose X-Forwarded-Proto/-Host are believed: behind one that terminates TLS,
  // cookies are Secure and forms' Origin is compared with the host the browser used.
  std::vector<std::string> trusted_proxies;
  // Session idle time and lifetime run on the wall clock, even when `clock` is fixed (--at).
  std::shared_ptr<const util::Clock> session_clock = std::make_shared<util::SystemClock>();
};

void add_dashboard_routes(http::Router& router, const DashboardContext& context);

} // namespace lifeline::server::dashboard
