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
  std::optional<service::ComplianceReport> report; // every active device, walked without copies
  int stale_days = 14;
  util::Date at;
};
std::string overview_main(const Overview& overview);

// One page of the devices table: the customer's active devices in registration order, each
// row made while its device's compliance is at hand (ComplianceWalk), and where the next page
// starts.
struct DevicesPage {
  std::string customer_id;
  std::string customer_name;
  std::map<std::string, std::string> product_names; // id -> name
  int stale_days = 14;
  std::vector<std::vector<std::string>> rows; // device_cells, in order
  bool first = true;                          // no page comes before this one
  std::optional<std::string> next;            // the cursor of the next page, when there is one
};
constexpr std::int64_t k_devices_per_page = 200;
constexpr std::size_t k_update_rows = 500;
// The cells (HTML) of one device's row.
std::vector<std::string> device_cells(const DevicesPage& page, const service::DeviceCompliance& entry);
std::string devices_main(const DevicesPage& page);
std::string update_main(const Overview& overview, const catalog::Update& update);
std::string audit_main(const std::string& customer_id, const std::vector<catalog::AuditEntry>& newest_first);

// A short page for refusals and errors.
std::string message_main(const std::string& heading, const std::string& text);

} // namespace lifeline::server::dashboard
