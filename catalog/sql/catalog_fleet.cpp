// A customer's whole fleet in a handful of queries (Catalog::fleet_facts): the same facts as
// gather_device_facts, read per table rather than per (device, update) pair; or one page of it
// (Catalog::fleet_facts_page), whose reads grow with the page rather than the fleet.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

namespace {

// Purchases and consumptions keyed as load_purchase reads them: (product, update).
using PurchaseKey = std::pair<std::string, std::string>;

// The customer's purchases (bought, consumed) and, of those taken, by which of `device_index`'s
// devices (the others are outside the fleet read).
std::vector<FleetPurchase> fleet_purchases(Connection& db, const std::string& customer_id,
                                           const std::unordered_map<std::string, std::size_t>& device_index) {
  std::map<PurchaseKey, FleetPurchase> purchases;
  auto bought = db.prepare("SELECT product_id, update_id, devices FROM purchases WHERE customer_id = ?");
  bought.bind(1, customer_id);
  while (bought.step()) {
    purchases[{bought.text(0), bought.text(1)}].bought = bought.integer(2);
  }
  auto consumed =
      db.prepare("SELECT product_id, update_id, device_id FROM purchase_consumptions WHERE customer_id = ?");
  consumed.bind(1, customer_id);
  while (consumed.step()) {
    auto& purchase = purchases[{consumed.text(0), consumed.text(1)}];
    ++purchase.consumed;
    if (const auto taker = device_index.find(consumed.text(2)); taker != device_index.end()) {
      purchase.taken_by.push_back(taker->second);
    }
  }
  std::vector<FleetPurchase> out;
  for (auto& [key, purchase] : purchases) {
    purchase.product = key.first;
    purchase.update = key.second;
    std::sort(purchase.taken_by.begin(), purchase.taken_by.end());
    out.push_back(std::move(purchase));
  }
  return out;
}

} // namespace

std::optional<FleetFacts> SqlCatalog::load_fleet_frame(const std::string& customer_id, Date at) {
  auto customer = load_customer_facts(customer_id);
  if (!customer) {
    return std::nullopt;
  }
  FleetFacts fleet;
  fleet.at = at;
  fleet.customer = std::move(*customer);
  auto enrolled = db().prepare("SELECT product_id FROM enrolments WHERE customer_id = ? ORDER BY rowid");
  enrolled.bind(1, customer_id);
  std::vector<std::string> enrolled_products;
  while (enrolled.step()) {
    enrolled_products.push_back(enrolled.text(0));
  }
  for (const auto& product : enrolled_products) {
    fleet.enrolments.push_back(*load_enrolment(customer_id, product));
  }
  fleet.products = load_products();
  std::sort(fleet.products.begin(), fleet.products.end(),
            [](const Product& a, const Product& b) { return a.id < b.id; });
  fleet.updates = load_updates();
  return fleet;
}

Result<std::optional<FleetFacts>> SqlCatalog::fleet_facts(const std::string& customer_id, Date at) {
  return guarded<std::optional<FleetFacts>>([&]() -> Result<std::optional<FleetFacts>> {
    Transaction snapshot(db(), TransactionMode::deferred);
    auto frame = load_fleet_frame(customer_id, at);
    if (!frame) {
      return std::optional<FleetFacts>();
    }
    auto& fleet = *frame;
    for (auto& device : load_devices(customer_id)) {
      fleet.devices.push_back(rules::DeviceFacts{std::move(device), 0});
    }
    catalog::count_active_ahead(fleet.devices, at);

    std::unordered_map<std::string, std::size_t> device_index;
    std::unordered_map<std::int64_t, std::size_t> device_by_sequence;
    for (std::size_t i = 0; i < fleet.devices.size(); ++i) {
      device_index.emplace(fleet.devices[i].device.id, i);
      device_by_sequence.emplace(fleet.devices[i].device.sequence, i);
    }

    fleet.purchases = fleet_purchases(db(), customer_id, device_index);

    // The installs of all the customer's devices in one pass; the only query whose size grows
    // with devices x updates, so its rows are read without copies.
    std::unordered_map<std::string_view, std::size_t> update_index;
    for (std::size_t u = 0; u < fleet.updates.size(); ++u) {
      update_index.emplace(fleet.updates[u].id, u);
    }
    fleet.installed = InstallMatrix(fleet.devices.size(), fleet.updates.size());
    auto installs = db().prepare("SELECT devices.sequence, installs.update_id FROM devices "
                                 "JOIN installs ON installs.device_id = devices.id WHERE devices.customer_id = ?");
    installs.bind(1, customer_id);
    std::int64_t last_sequence = -1;
    std::size_t device = 0;
    while (installs.step()) {
      if (const auto sequence = installs.integer(0); sequence != last_sequence) {
        const auto found = device_by_sequence.find(sequence);
        if (found == device_by_sequence.end()) {
          throw StorageError("catalog changed under a read snapshot");
        }
        device = found->second;
        last_sequence = sequence;
      }
      const auto update = update_index.find(installs.view(1));
      if (update == update_index.end()) {
        throw StorageError("catalog holds an install of an unknown update");
      }
      fleet.installed.set(device, update->second);
    }
    return frame;
  });
}

Result<std::optional<FleetFacts>> SqlCatalog::fleet_facts_page(const FleetPageRequest& request) {
  return guarded<std::optional<FleetFacts>>([&]() -> Result<std::optional<FleetFacts>> {
    Transaction snapshot(db(), TransactionMode::deferred);
    const auto& customer_id = request.customer;
    const auto at = request.at;
    auto frame = load_fleet_frame(customer_id, at);
    if (!frame) {
      return std::optional<FleetFacts>();
    }
    auto& fleet = *frame;
    const auto page = load_devices_page(customer_id, request.after, request.limit, at);
    if (page.empty()) {
      return frame;
    }

    // The CS-5 rank: the page's devices of one product follow one another in that product's
    // order too, so the first one's rank (kept, catalog_ranks.cpp, or carried from the
    // previous page) and one more per device before it in the page make each device's.
    std::map<std::string, std::int64_t> ahead;
    if (request.active_before) {
      ahead = *request.active_before;
    }
    std::unordered_map<std::string, std::size_t> device_index;
    for (const auto& device : page) {
      device_index.emplace(device.id, fleet.devices.size());
      auto [rank, first] = ahead.emplace(device.product, 0);
      if (first && !request.active_before && request.after) {
        rank->second = count_active_ahead(device, at);
      }
      fleet.devices.push_back(rules::DeviceFacts{device, rank->second++});
    }

    // Purchases are counted over the whole customer (CS-8 compares what was bought with what
    // every device consumed); who took them matters for the page's devices only.
    fleet.purchases = fleet_purchases(db(), customer_id, device_index);

    // Installs, device by device through the primary key: the page's rows only.
    std::unordered_map<std::string_view, std::size_t> update_index;
    for (std::size_t u = 0; u < fleet.updates.size(); ++u) {
      update_index.emplace(fleet.updates[u].id, u);
    }
    fleet.installed = InstallMatrix(fleet.devices.size(), fleet.updates.size());
    for (std::size_t d = 0; d < fleet.devices.size(); ++d) {
      auto installs = db().prepare("SELECT update_id FROM installs WHERE device_id = ?");
      installs.bind(1, fleet.devices[d].device.id);
      while (installs.step()) {
        const auto update = update_index.find(installs.view(0));
        if (update == update_index.end()) {
          throw StorageError("catalog holds an install of an unknown update");
        }
        fleet.installed.set(d, update->second);
      }
    }
    return frame;
  });
}

} // namespace lifeline::catalog::sql
