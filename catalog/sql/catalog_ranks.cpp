// CS-5 ranks, kept rather than counted. A device's rank_ahead is the number of devices of its
// enrolment ahead of it (registration date, then sequence) that are not retired. A device active
// on date `at` was registered on or before it, so every device ahead of it was too: the devices
// ahead that are active on `at` are rank_ahead plus those ahead retired after `at`, which the
// partial index devices_by_retirement finds without reading the enrolment (docs/rules.md).
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

std::int64_t SqlCatalog::count_active_ahead(const Device& device, Date at) {
  const auto on = at.to_string();
  const auto registered = device.registered.to_string();
  if (at < device.registered) {
    // Not yet registered on `at` (a look into the past): counted as defined, which reads the
    // devices registered by then. Decisions on such dates deny before the cap matters.
    auto count = db().prepare("SELECT COUNT(*) FROM devices WHERE customer_id = ?1 AND product_id = ?2 "
                              "AND registered <= ?3 AND (retired IS NULL OR retired > ?3)");
    count.bind(1, device.customer).bind(2, device.product).bind(3, on);
    count.step();
    return count.integer(0);
  }
  auto rank = db().prepare("SELECT rank_ahead FROM devices WHERE sequence = ?");
  rank.bind(1, device.sequence);
  const auto kept = rank.step() ? rank.integer(0) : 0;
  // INDEXED BY: left to itself the planner ranges devices_by_rank over every device registered
  // by then, which reads the whole enrolment; the retired ones are few. (A hint of SQLite's own:
  // the PostgreSQL driver drops it, and PostgreSQL's planner chooses from its statistics.)
  auto later =
      db().prepare("SELECT COUNT(*) FROM devices INDEXED BY devices_by_retirement WHERE customer_id = ?1 AND "
                   "product_id = ?2 AND retired > ?3 AND registered <= ?4 AND (registered < ?4 OR sequence < ?5)");
  later.bind(1, device.customer).bind(2, device.product).bind(3, on).bind(4, registered).bind(5, device.sequence);
  later.step();
  return kept + later.integer(0);
}

namespace {

// The devices of the enrolment not retired: the last device's rank plus itself if it is not.
std::int64_t not_retired(Connection& db, const std::string& customer_id, const std::string& product_id) {
  auto last = db.prepare("SELECT rank_ahead + CASE WHEN retired IS NULL THEN 1 ELSE 0 END FROM devices "
                         "WHERE customer_id = ?1 AND product_id = ?2 ORDER BY registered DESC, sequence DESC LIMIT 1");
  last.bind(1, customer_id).bind(2, product_id);
  return last.step() ? last.integer(0) : 0;
}

} // namespace

std::int64_t SqlCatalog::count_active_devices(const std::string& customer_id, const std::string& product_id, Date at) {
  // Devices registered later than `at` count too, so a back-dated registration can never
  // push a later quarter over its cap.
  auto retired_later =
      db().prepare("SELECT COUNT(*) FROM devices WHERE customer_id = ?1 AND product_id = ?2 AND retired > ?3");
  retired_later.bind(1, customer_id).bind(2, product_id).bind(3, at.to_string());
  retired_later.step();
  return not_retired(db(), customer_id, product_id) + retired_later.integer(0);
}

std::int64_t SqlCatalog::rank_for_new_device(const std::string& customer_id, const std::string& product_id,
                                             Date registered) {
  // The new device's sequence is the highest: it goes after every device registered that day or
  // before, and before those registered later (a back-dated registration), which move back one.
  const auto on = registered.to_string();
  auto before = db().prepare(
      "SELECT rank_ahead + CASE WHEN retired IS NULL THEN 1 ELSE 0 END FROM devices WHERE customer_id = ?1 AND "
      "product_id = ?2 AND registered <= ?3 ORDER BY registered DESC, sequence DESC LIMIT 1");
  before.bind(1, customer_id).bind(2, product_id).bind(3, on);
  const auto rank = before.step() ? before.integer(0) : 0;
  db().prepare("UPDATE devices SET rank_ahead = rank_ahead + 1 WHERE customer_id = ?1 AND product_id = ?2 AND "
               "registered > ?3")
      .bind(1, customer_id)
      .bind(2, product_id)
      .bind(3, on)
      .run();
  return rank;
}

void SqlCatalog::shift_ranks_after(const Device& device, std::int64_t delta) {
  const auto registered = device.registered.to_string();
  db().prepare("UPDATE devices SET rank_ahead = rank_ahead + ?5 WHERE customer_id = ?1 AND product_id = ?2 AND "
               "registered >= ?3 AND (registered > ?3 OR sequence > ?4)")
      .bind(1, device.customer)
      .bind(2, device.product)
      .bind(3, registered)
      .bind(4, device.sequence)
      .bind(5, delta)
      .run();
}

} // namespace lifeline::catalog::sql
