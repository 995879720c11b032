// What a check-in reads (catalog/views.hpp), scope generations, and the batched last-seen days.
#include <algorithm>

#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

namespace {

std::vector<std::string> column(Statement rows) {
  std::vector<std::string> out;
  while (rows.step()) {
    out.push_back(rows.text(0));
  }
  return out;
}

} // namespace

Result<std::optional<EnrolmentView>> SqlCatalog::enrolment_view(const std::string& customer_id,
                                                                const std::string& product_id) {
  return guarded<std::optional<EnrolmentView>>([&]() -> Result<std::optional<EnrolmentView>> {
    Transaction snapshot(db(), TransactionMode::deferred);
    auto product = load_product(product_id);
    auto customer = load_customer_facts(customer_id);
    if (!product || !customer) {
      return std::optional<EnrolmentView>();
    }
    EnrolmentView view;
    view.product = std::move(*product);
    view.customer = std::move(*customer);
    view.enrolment = load_enrolment(customer_id, product_id);
    for (auto& update : load_updates()) {
      if (rating_for(update, product_id) != nullptr) {
        view.updates.push_back(std::move(update));
      }
    }
    if (view.enrolment) {
      for (const auto& purchase : view.enrolment->purchases) {
        view.purchases[purchase.update].bought = purchase.devices;
      }
    }
    auto consumed = db().prepare("SELECT update_id, COUNT(*) FROM purchase_consumptions WHERE customer_id = ? AND "
                                 "product_id = ? GROUP BY update_id");
    consumed.bind(1, customer_id).bind(2, product_id);
    while (consumed.step()) {
      view.purchases[consumed.text(0)].consumed = consumed.integer(1);
    }
    return std::optional<EnrolmentView>(std::move(view));
  });
}

Result<std::optional<DeviceView>> SqlCatalog::device_view(const std::string& device_id, Date at) {
  return guarded<std::optional<DeviceView>>([&]() -> Result<std::optional<DeviceView>> {
    Transaction snapshot(db(), TransactionMode::deferred);
    auto device = load_device(device_id);
    if (!device) {
      return std::optional<DeviceView>();
    }
    DeviceView view;
    view.active_ahead = count_active_ahead(*device, at);
    view.taken = column(
        std::move(db().prepare("SELECT update_id FROM purchase_consumptions WHERE device_id = ? ORDER BY update_id")
                      .bind(1, device_id)));
    view.installed = column(std::move(
        db().prepare("SELECT update_id FROM installs WHERE device_id = ? ORDER BY update_id").bind(1, device_id)));
    view.device = std::move(*device);
    return std::optional<DeviceView>(std::move(view));
  });
}

Result<std::vector<std::int64_t>> SqlCatalog::scope_generations(const std::vector<std::string>& scopes) {
  return guarded<std::vector<std::int64_t>>([&]() -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> generations(scopes.size(), 0);
    if (scopes.empty()) {
      return generations;
    }
    // One statement, so one snapshot and (on PostgreSQL) one round trip, whatever the count: a
    // point lookup per scope joined by UNION ALL (an IN list made SQLite build a temporary index
    // on every call, which cost a third of a check-in). Prepared once per count of scopes.
    std::string sql;
    for (std::size_t i = 0; i < scopes.size(); ++i) {
      sql += (i == 0 ? "" : " UNION ALL ") + std::string("SELECT ") + std::to_string(i) +
             ", generation FROM scope_generations WHERE scope = ?";
    }
    auto rows = db().prepare(sql);
    for (std::size_t i = 0; i < scopes.size(); ++i) {
      rows.bind(static_cast<int>(i + 1), scopes[i]);
    }
    while (rows.step()) {
      const auto index = static_cast<std::size_t>(rows.integer(0));
      if (index < generations.size()) {
        generations[index] = rows.integer(1);
      }
    }
    return generations;
  });
}

Result<void> SqlCatalog::record_last_seen(const std::vector<std::pair<std::string, Date>>& seen) {
  return guarded<void>([&]() -> Result<void> {
    WriteTransaction transaction(*this);
    for (const auto& [device_id, day] : seen) {
      db().prepare("UPDATE devices SET last_seen = ?2 WHERE id = ?1 AND (last_seen IS NULL OR last_seen < ?2)")
          .bind(1, device_id)
          .bind(2, day.to_string())
          .run();
    }
    transaction.commit();
    return {};
  });
}

Result<std::int64_t> SqlCatalog::checkpoint() {
  return guarded<std::int64_t>([&]() -> Result<std::int64_t> { return db().checkpoint(); });
}

} // namespace lifeline::catalog::sql
