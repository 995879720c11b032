// The dashboard's pages as HTML fragments (the <main> of a page), from data already loaded and
// already restricted to what the viewer may see.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "server/service/compliance.hpp"

namespace lifeline::server::dashboard {

std::string login_main(const std::string& csrf, const std::string& message);
std::string customers_main(const std::vector<catalog::CustomerName>& customers);

struct Overview {
  catalog::ServiceOrder order;
  std::map<std::string, std::string> product_names; // id -> name
  std::vector<service::ProductCompliance> products;
  std::vector<service::QuarterProgress> migration;
  std::optional<service::ComplianceReport> report; // owns what `devices` point into
  std::vector<service::DeviceCompliance> devices;
  int stale_days = 14;
  util::Date at;
};
std::string overview_main(const Overview& overview);
constexpr std::size_t k_devices_per_page = 200;
constexpr std::size_t k_update_rows = 500;
// `page` is 1-based; a page past the last shows none.
std::string devices_main(const Overview& overview, std::size_t page);
std::string update_main(const Overview& overview, const catalog::Update& update);
std::string audit_main(const std::string& customer_id, const std::vector<catalog::AuditEntry>& newest_first);

// A short page for refusals and errors.
std::string message_main(const std::string& heading, const std::string& text);

} // namespace lifeline::server::dashboard
