// One customer's whole fleet as the rules see it on a date, read in a handful of queries: what
// Catalog::device_facts gathers for one (device, update) pair, for every pair at once. Reports
// over many devices (compliance) read this instead of asking per pair.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/rules/entitlement.hpp"

namespace lifeline::catalog {

// Which updates each device installed: one bit per (device, update) pair, by index.
class InstallMatrix {
 public:
  InstallMatrix() = default;
  InstallMatrix(std::size_t devices, std::size_t updates);

  void set(std::size_t device, std::size_t update);
  [[nodiscard]] bool test(std::size_t device, std::size_t update) const {
    return ((m_bits[device * m_words + update / 64] >> (update % 64)) & 1U) != 0;
  }
  [[nodiscard]] std::size_t count() const; // pairs installed

 private:
  std::size_t m_words = 0; // 64-bit words per device
  std::vector<std::uint64_t> m_bits;
};

// The Essentials purchases of one (product, update) of the customer (CS-8), and who took them.
struct FleetPurchase {
  std::string product;
  std::string update;
  std::int64_t bought = 0;
  std::int64_t consumed = 0;
  std::vector<std::size_t> taken_by; // indices into FleetFacts::devices, ascending
};

struct FleetFacts {
  Date at;
  rules::CustomerFacts customer;
  std::vector<Enrolment> enrolments; // as the service order lists them
  std::vector<Product> products;     // every product of the catalog, by id
  std::vector<Update> updates;       // every update, as list_updates orders them
  std::vector<FleetPurchase> purchases;
  // Every device of the customer (retired ones too), as list_devices orders them, each with
  // the active devices of its enrolment ahead of it on `at` (as device_facts counts them); for
  // a page (Catalog::fleet_facts_page), the page's devices only.
  std::vector<rules::DeviceFacts> devices;
  InstallMatrix installed; // devices x updates

  [[nodiscard]] const Product* product(const std::string& id) const;
  [[nodiscard]] const Enrolment* enrolment(const std::string& product) const;
  [[nodiscard]] const FleetPurchase* purchase(const std::string& product, const std::string& update) const;

  // The facts of one pair, exactly as Catalog::device_facts gathers them; nullopt when the
  // device's product is unknown. Copies what it returns: meant for a few pairs, not all.
  [[nodiscard]] std::optional<rules::CheckFacts> check_facts(std::size_t device, std::size_t update) const;
};

// One page of a customer's fleet: at most `limit` devices active on `at`, after the device at
// `after` in registration order (registered, then sequence; from the first when nullopt).
struct FleetPageRequest {
  std::string customer;
  Date at;
  std::optional<DeviceKey> after; // the last device of the previous page
  std::int64_t limit = 0;
  // The active devices of each product ahead of the page, when the caller counted them already
  // (a walk over every page in turn: the previous pages' devices); a product not named has none.
  // Without it the catalog counts them, which reads every device ahead of the page.
  std::optional<std::map<std::string, std::int64_t>> active_before;
};

// Sets each device's active_ahead: the devices of the same customer and product registered
// before it (by registration date, then sequence) and active on `at`.
void count_active_ahead(std::vector<rules::DeviceFacts>& devices, Date at);

} // namespace lifeline::catalog
