// Reading catalog rows back into the domain model, and gathering the facts a decision reads.
#include <algorithm>
#include <unordered_map>

#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

namespace {

Date date_of(const std::string& text) {
  const auto date = Date::parse(text);
  if (!date) {
    throw StorageError("catalog holds an invalid date: " + text);
  }
  return *date;
}

std::optional<Date> optional_date(const std::optional<std::string>& text) {
  return text ? std::optional(date_of(*text)) : std::nullopt;
}

std::vector<std::string> strings(Statement statement) {
  std::vector<std::string> out;
  while (statement.step()) {
    out.push_back(statement.text(0));
  }
  return out;
}

// A products row: id, name, family, version, service_pack, latest_service_pack, mainstream_end,
// support_end, programme_start, programme_end, prerelease.
Product product_of(const Statement& row) {
  Product product{row.text(0), row.text(1),          row.text(2),          row.text(3),  row.text(4),
                  row.text(5), date_of(row.text(6)), date_of(row.text(7)), std::nullopt, row.integer(10) != 0};
  if (!row.is_null(8)) {
    product.custom_support = Programme{date_of(row.text(8)), date_of(row.text(9))};
  }
  return product;
}

// An updates row without its ratings, CVEs and supersedence: id, kind, title, released,
// requires_service_pack, language, regression_tested.
Update update_of(const Statement& row) {
  Update update;
  update.id = row.text(0);
  update.kind = parse_update_kind(row.text(1)).value_or(UpdateKind::security);
  update.title = row.text(2);
  update.released = date_of(row.text(3));
  update.requires_service_pack = row.optional_text(4);
  update.language = row.optional_text(5);
  update.regression_tested = row.integer(6) != 0;
  return update;
}

// An update_products row's product and severity, from column `first` on.
ProductRating rating_of(const Statement& row, int first) {
  const auto severity = row.optional_text(first + 1);
  return ProductRating{row.text(first), severity ? parse_severity(*severity) : std::nullopt};
}

// A devices row: id, customer_id, site, product_id, service_pack, language, registered,
// retired, sequence, last_seen.
Device device_of(const Statement& row) {
  return Device{row.text(0),          row.text(1),
                row.text(2),          row.text(3),
                row.text(4),          row.text(5),
                date_of(row.text(6)), optional_date(row.optional_text(7)),
                row.integer(8),       optional_date(row.optional_text(9))};
}

} // namespace

std::optional<Product> SqlCatalog::load_product(const std::string& id) {
  auto row = db().prepare("SELECT id, name, family, version, service_pack, latest_service_pack, mainstream_end, "
                          "support_end, programme_start, programme_end, prerelease FROM products WHERE id = ?");
  row.bind(1, id);
  if (!row.step()) {
    return std::nullopt;
  }
  return product_of(row);
}

std::vector<Product> SqlCatalog::load_products() {
  std::vector<Product> products;
  auto rows = db().prepare("SELECT id, name, family, version, service_pack, latest_service_pack, mainstream_end, "
                           "support_end, programme_start, programme_end, prerelease FROM products ORDER BY id");
  while (rows.step()) {
    products.push_back(product_of(rows));
  }
  return products;
}

std::optional<Update> SqlCatalog::load_update(const std::string& id) {
  auto row = db().prepare("SELECT id, kind, title, released, requires_service_pack, language, regression_tested "
                          "FROM updates WHERE id = ?");
  row.bind(1, id);
  if (!row.step()) {
    return std::nullopt;
  }
  auto update = update_of(row);
  auto ratings = db().prepare("SELECT product_id, severity FROM update_products WHERE update_id = ? ORDER BY rowid");
  ratings.bind(1, id);
  while (ratings.step()) {
    update.products.push_back(rating_of(ratings, 0));
  }
  update.cves =
      strings(std::move(db().prepare("SELECT cve FROM update_cves WHERE update_id = ? ORDER BY rowid").bind(1, id)));
  update.supersedes = strings(std::move(
      db().prepare("SELECT superseded_id FROM update_supersedes WHERE update_id = ? ORDER BY rowid").bind(1, id)));
  return update;
}

std::vector<Update> SqlCatalog::load_updates() {
  std::vector<Update> updates;
  auto rows = db().prepare("SELECT id, kind, title, released, requires_service_pack, language, regression_tested "
                           "FROM updates ORDER BY released, id");
  while (rows.step()) {
    updates.push_back(update_of(rows));
  }
  std::unordered_map<std::string, Update*> by_id;
  for (auto& update : updates) {
    by_id.emplace(update.id, &update);
  }
  // Each child table read once, in rowid order, which is each update's own order too.
  const auto owner = [&](const Statement& statement) {
    const auto found = by_id.find(statement.text(0));
    if (found == by_id.end()) {
      throw StorageError("catalog holds a row of an unknown update: " + statement.text(0));
    }
    return found->second;
  };
  auto ratings = db().prepare("SELECT update_id, product_id, severity FROM update_products ORDER BY rowid");
  while (ratings.step()) {
    owner(ratings)->products.push_back(rating_of(ratings, 1));
  }
  auto cves = db().prepare("SELECT update_id, cve FROM update_cves ORDER BY rowid");
  while (cves.step()) {
    owner(cves)->cves.push_back(cves.text(1));
  }
  auto supersedes = db().prepare("SELECT update_id, superseded_id FROM update_supersedes ORDER BY rowid");
  while (supersedes.step()) {
    owner(supersedes)->supersedes.push_back(supersedes.text(1));
  }
  return updates;
}

std::optional<rules::CustomerFacts> SqlCatalog::load_customer_facts(const std::string& customer_id) {
  auto row = db().prepare("SELECT id, name, level, contract_start, contract_end FROM customers WHERE id = ?");
  row.bind(1, customer_id);
  if (!row.step()) {
    return std::nullopt;
  }
  rules::CustomerFacts facts{row.text(0),
                             row.text(1),
                             Contract{static_cast<int>(row.integer(2)), date_of(row.text(3)), date_of(row.text(4))},
                             {},
                             {}};
  facts.sites = strings(
      std::move(db().prepare("SELECT site FROM sites WHERE customer_id = ? ORDER BY rowid").bind(1, customer_id)));
  facts.hotfix_purchases =
      strings(std::move(db().prepare("SELECT update_id FROM hotfix_purchases WHERE customer_id = ? ORDER BY rowid")
                            .bind(1, customer_id)));
  return facts;
}

std::optional<Enrolment> SqlCatalog::load_enrolment(const std::string& customer_id, const std::string& product_id) {
  auto row = db().prepare("SELECT type, start, important_addon, unenrol_notice, plan_devices, plan_completion "
                          "FROM enrolments WHERE customer_id = ? AND product_id = ?");
  row.bind(1, customer_id).bind(2, product_id);
  if (!row.step()) {
    return std::nullopt;
  }
  Enrolment enrolment;
  enrolment.product = product_id;
  enrolment.type = parse_enrolment_type(row.text(0)).value_or(EnrolmentType::standard);
  enrolment.start = date_of(row.text(1));
  enrolment.important_addon = row.integer(2) != 0;
  enrolment.unenrol_notice = optional_date(row.optional_text(3));
  if (!row.is_null(4)) {
    MigrationPlan plan;
    plan.devices = row.integer(4);
    plan.completion = date_of(row.text(5));
    auto quarters = db().prepare(
        "SELECT start, devices FROM plan_quarters WHERE customer_id = ? AND product_id = ? ORDER BY start");
    quarters.bind(1, customer_id).bind(2, product_id);
    while (quarters.step()) {
      plan.quarters.push_back(PlanQuarter{date_of(quarters.text(0)), quarters.integer(1)});
    }
    enrolment.migration_plan = plan;
  }
  enrolment.languages = strings(std::move(
      db().prepare("SELECT language FROM enrolment_languages WHERE customer_id = ? AND product_id = ? ORDER BY rowid")
          .bind(1, customer_id)
          .bind(2, product_id)));
  auto purchases =
      db().prepare("SELECT update_id, devices FROM purchases WHERE customer_id = ? AND product_id = ? ORDER BY rowid");
  purchases.bind(1, customer_id).bind(2, product_id);
  while (purchases.step()) {
    enrolment.purchases.push_back(Purchase{purchases.text(0), purchases.integer(1)});
  }
  return enrolment;
}

std::optional<ServiceOrder> SqlCatalog::load_order(const std::string& customer_id) {
  const auto customer = load_customer_facts(customer_id);
  if (!customer) {
    return std::nullopt;
  }
  ServiceOrder order;
  order.customer_id = customer->id;
  order.customer_name = customer->name;
  order.contract = customer->contract;
  order.sites = customer->sites;
  order.hotfix_purchases = customer->hotfix_purchases;
  auto extra = db().prepare("SELECT additional_contacts FROM customers WHERE id = ?");
  extra.bind(1, customer_id);
  order.additional_contacts = extra.step() ? extra.integer(0) : 0;
  auto contacts = db().prepare("SELECT email, name FROM contacts WHERE customer_id = ? ORDER BY rowid");
  contacts.bind(1, customer_id);
  while (contacts.step()) {
    order.contacts.push_back(Contact{contacts.text(0), contacts.text(1)});
  }
  const auto products = strings(std::move(
      db().prepare("SELECT product_id FROM enrolments WHERE customer_id = ? ORDER BY rowid").bind(1, customer_id)));
  for (const auto& product : products) {
    order.enrolments.push_back(*load_enrolment(customer_id, product));
  }
  return order;
}

std::optional<Device> SqlCatalog::load_device(const std::string& id) {
  auto row = db().prepare("SELECT id, customer_id, site, product_id, service_pack, language, registered, retired, "
                          "sequence, last_seen FROM devices WHERE id = ?");
  row.bind(1, id);
  if (!row.step()) {
    return std::nullopt;
  }
  return device_of(row);
}

std::vector<Device> SqlCatalog::load_devices(const std::string& customer_id) {
  auto rows = db().prepare("SELECT id, customer_id, site, product_id, service_pack, language, registered, retired, "
                           "sequence, last_seen FROM devices WHERE customer_id = ? ORDER BY registered, sequence");
  rows.bind(1, customer_id);
  std::vector<Device> devices;
  while (rows.step()) {
    devices.push_back(device_of(rows));
  }
  return devices;
}

std::vector<Device> SqlCatalog::load_devices_page(const std::string& customer_id, const std::optional<DeviceKey>& after,
                                                  std::int64_t limit, const std::optional<Date>& active_on) {
  // The key as a row value: the index on (customer_id, registered, sequence) serves both the
  // range and the order, so a page costs its own rows whatever comes before it. No key starts
  // before ('', 0).
  std::string sql = "SELECT id, customer_id, site, product_id, service_pack, language, registered, retired, "
                    "sequence, last_seen FROM devices WHERE customer_id = ?1 AND (registered, sequence) > (?2, ?3)";
  if (active_on) {
    sql += " AND registered <= ?5 AND (retired IS NULL OR retired > ?5)";
  }
  auto rows = db().prepare(sql + " ORDER BY registered, sequence LIMIT ?4");
  rows.bind(1, customer_id);
  rows.bind(2, after ? after->registered.to_string() : std::string());
  rows.bind(3, after ? after->sequence : std::int64_t{0});
  rows.bind(4, std::max<std::int64_t>(limit, 0)); // SQLite reads a negative LIMIT as none
  if (active_on) {
    rows.bind(5, active_on->to_string());
  }
  std::vector<Device> devices;
  while (rows.step()) {
    devices.push_back(device_of(rows));
  }
  return devices;
}

rules::PurchaseFacts SqlCatalog::load_purchase(const std::string& customer_id, const std::string& product_id,
                                               const std::string& update_id,
                                               const std::optional<std::string>& device_id) {
  rules::PurchaseFacts facts;
  auto bought =
      db().prepare("SELECT devices FROM purchases WHERE customer_id = ? AND product_id = ? AND update_id = ?");
  bought.bind(1, customer_id).bind(2, product_id).bind(3, update_id);
  facts.bought = bought.step() ? bought.integer(0) : 0;
  auto consumed = db().prepare(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN device_id = ? THEN 1 ELSE 0 END), 0) FROM purchase_consumptions "
      "WHERE customer_id = ? AND product_id = ? AND update_id = ?");
  consumed.bind(1, device_id.value_or("")).bind(2, customer_id).bind(3, product_id).bind(4, update_id);
  consumed.step();
  facts.consumed = consumed.integer(0);
  facts.taken_by_device = consumed.integer(1) > 0;
  return facts;
}

std::optional<rules::CheckFacts> SqlCatalog::gather_device_facts(const std::string& device_id,
                                                                 const std::string& update_id, Date at,
                                                                 std::string& missing) {
  auto device = load_device(device_id);
  if (!device) {
    missing = "unknown device " + device_id;
    return std::nullopt;
  }
  auto update = load_update(update_id);
  if (!update) {
    missing = "unknown update " + update_id;
    return std::nullopt;
  }
  auto product = load_product(device->product);
  if (!product) {
    missing = "unknown product " + device->product;
    return std::nullopt;
  }
  rules::CheckFacts facts;
  facts.at = at;
  facts.customer = load_customer_facts(device->customer);
  facts.enrolment = load_enrolment(device->customer, device->product);
  facts.purchase = load_purchase(device->customer, device->product, update_id, device->id);
  facts.device = rules::DeviceFacts{*device, count_active_ahead(*device, at)};
  facts.product = std::move(*product);
  facts.update = std::move(*update);
  return facts;
}

} // namespace lifeline::catalog::sql
