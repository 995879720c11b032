#include "catalog/fleet.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <tuple>

namespace lifeline::catalog {

InstallMatrix::InstallMatrix(std::size_t devices, std::size_t updates)
    : m_words((updates + 63) / 64), m_bits(devices * m_words, 0) {}

void InstallMatrix::set(std::size_t device, std::size_t update) {
  m_bits[device * m_words + update / 64] |= std::uint64_t{1} << (update % 64);
}

std::size_t InstallMatrix::count() const {
  std::size_t total = 0;
  for (const auto word : m_bits) {
    total += static_cast<std::size_t>(std::popcount(word));
  }
  return total;
}

const Product* FleetFacts::product(const std::string& id) const {
  const auto found = std::lower_bound(products.begin(), products.end(), id,
                                      [](const Product& product, const std::string& key) { return product.id < key; });
  return found != products.end() && found->id == id ? &*found : nullptr;
}

const Enrolment* FleetFacts::enrolment(const std::string& product_id) const {
  const auto found = std::find_if(enrolments.begin(), enrolments.end(),
                                  [&](const Enrolment& enrolment) { return enrolment.product == product_id; });
  return found != enrolments.end() ? &*found : nullptr;
}

const FleetPurchase* FleetFacts::purchase(const std::string& product_id, const std::string& update_id) const {
  const auto found = std::find_if(purchases.begin(), purchases.end(), [&](const FleetPurchase& purchase) {
    return purchase.product == product_id && purchase.update == update_id;
  });
  return found != purchases.end() ? &*found : nullptr;
}

std::optional<rules::CheckFacts> FleetFacts::check_facts(std::size_t device, std::size_t update) const {
  const auto& subject = devices.at(device);
  const auto* found = product(subject.device.product);
  if (found == nullptr) {
    return std::nullopt;
  }
  rules::CheckFacts facts;
  facts.at = at;
  facts.product = *found;
  facts.update = updates.at(update);
  facts.customer = customer;
  if (const auto* enrolled = enrolment(subject.device.product)) {
    facts.enrolment = *enrolled;
  }
  if (const auto* bought = purchase(subject.device.product, facts.update.id)) {
    facts.purchase.bought = bought->bought;
    facts.purchase.consumed = bought->consumed;
    facts.purchase.taken_by_device = std::binary_search(bought->taken_by.begin(), bought->taken_by.end(), device);
  }
  facts.device = subject;
  return facts;
}

void count_active_ahead(std::vector<rules::DeviceFacts>& devices, Date at) {
  std::vector<std::size_t> order(devices.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto rank = [&](std::size_t i) {
    const auto& device = devices[i].device;
    return std::tie(device.customer, device.product, device.registered, device.sequence);
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
  std::int64_t active = 0;
  const Device* previous = nullptr;
  for (const auto i : order) {
    const auto& device = devices[i].device;
    if (previous == nullptr || previous->customer != device.customer || previous->product != device.product) {
      active = 0; // a new enrolment: nobody ahead
    }
    devices[i].active_ahead = active;
    if (device.registered <= at && !(device.retired && *device.retired <= at)) {
      ++active;
    }
    previous = &device;
  }
}

} // namespace lifeline::catalog
