// Applying documents to the catalog, and the audit trail.
#include <nlohmann/json.hpp>

#include "catalog/documents/enrolment_checks.hpp"
#include "catalog/scopes.hpp"
#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

namespace {

std::optional<std::string> optional_date_text(const std::optional<Date>& date) {
  return date ? std::optional(date->to_string()) : std::nullopt;
}

std::string summary_detail(const ApplySummary& summary) {
  return nlohmann::json{{"created", summary.created},
                        {"updated", summary.updated},
                        {"unchanged", summary.unchanged},
                        {"removed", summary.removed}}
      .dump();
}

} // namespace

SqlCatalog::SqlCatalog(std::unique_ptr<Connection> own, std::shared_ptr<Connection> writer)
    : m_own(std::move(own)), m_writer(std::move(writer)), m_active(m_own.get()) {}

SqlCatalog::WriteTransaction::WriteTransaction(SqlCatalog& catalog)
    : m_catalog(catalog), m_transaction(catalog.writer(), TransactionMode::immediate, catalog.m_own.get()) {
  catalog.m_active = &catalog.writer();
}

SqlCatalog::WriteTransaction::~WriteTransaction() {
  m_catalog.m_active = m_catalog.m_own.get(); // then m_transaction rolls back unless committed
}

void SqlCatalog::WriteTransaction::commit() {
  m_catalog.m_active = m_catalog.m_own.get();
  if (m_catalog.writer().borrowed() != 0) {
    throw StorageError("a catalog statement outlived its write transaction");
  }
  m_transaction.commit();
}

void SqlCatalog::touch(const std::string& scope) {
  db().prepare("INSERT INTO scope_generations (scope, generation) VALUES (?, 1) "
               "ON CONFLICT (scope) DO UPDATE SET generation = scope_generations.generation + 1")
      .bind(1, scope)
      .run();
}

void SqlCatalog::audit(const AuditContext& context, const std::string& action,
                       const std::optional<std::string>& customer, const std::string& subject,
                       const std::string& detail) {
  db().prepare("INSERT INTO audit (at, actor, action, customer_id, subject, detail) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, context.at.to_string())
      .bind(2, context.actor)
      .bind(3, action)
      .bind(4, customer)
      .bind(5, subject)
      .bind(6, detail)
      .run();
}

Result<ApplyOutcome> SqlCatalog::apply_products(const std::vector<Product>& products, const AuditContext& context) {
  return guarded<ApplyOutcome>([&]() -> Result<ApplyOutcome> {
    WriteTransaction transaction(*this);
    ApplyOutcome outcome{{}, product_conflicts(products)};
    if (!outcome.applied()) {
      return outcome;
    }
    auto& summary = outcome.summary;
    for (const auto& product : products) {
      const auto existing = load_product(product.id);
      if (existing && *existing == product) {
        ++summary.unchanged;
        continue;
      }
      ++(existing ? summary.updated : summary.created);
      db().prepare("INSERT INTO products (id, name, family, version, service_pack, latest_service_pack, "
                   "mainstream_end, support_end, programme_start, programme_end, prerelease) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO UPDATE SET "
                   "name = ?2, family = ?3, version = ?4, service_pack = ?5, latest_service_pack = ?6, "
                   "mainstream_end = ?7, support_end = ?8, programme_start = ?9, programme_end = ?10, prerelease = ?11")
          .bind(1, product.id)
          .bind(2, product.name)
          .bind(3, product.family)
          .bind(4, product.version)
          .bind(5, product.service_pack)
          .bind(6, product.latest_service_pack)
          .bind(7, product.mainstream_end.to_string())
          .bind(8, product.support_end.to_string())
          .bind(9, optional_date_text(product.custom_support ? std::optional(product.custom_support->start)
                                                             : std::nullopt))
          .bind(10,
                optional_date_text(product.custom_support ? std::optional(product.custom_support->end) : std::nullopt))
          .bind(11, std::int64_t{product.prerelease ? 1 : 0})
          .run();
      audit(context, existing ? "product.update" : "product.create", std::nullopt, product.id, "{}");
    }
    audit(context, "products.apply", std::nullopt, std::to_string(products.size()) + " products",
          summary_detail(summary));
    touch(scopes::global());
    transaction.commit();
    return outcome;
  });
}

void SqlCatalog::write_order(const ServiceOrder& order) {
  const auto& id = order.customer_id;
  db().prepare("INSERT INTO customers (id, name, level, contract_start, contract_end, additional_contacts) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET name = ?2, level = ?3, "
               "contract_start = ?4, contract_end = ?5, additional_contacts = ?6")
      .bind(1, id)
      .bind(2, order.customer_name)
      .bind(3, std::int64_t{order.contract.level})
      .bind(4, order.contract.start.to_string())
      .bind(5, order.contract.end.to_string())
      .bind(6, order.additional_contacts)
      .run();
  // Child rows are replaced whole: the document is the truth (a contact missing from it is
  // removed at once, CS-13).
  for (const char* table : {"sites", "contacts", "enrolments", "hotfix_purchases"}) {
    db().prepare(std::string("DELETE FROM ") + table + " WHERE customer_id = ?").bind(1, id).run();
  }
  for (const auto& site : order.sites) {
    db().prepare("INSERT INTO sites (customer_id, site) VALUES (?, ?)").bind(1, id).bind(2, site).run();
  }
  for (const auto& contact : order.contacts) {
    db().prepare("INSERT INTO contacts (email, customer_id, name) VALUES (?, ?, ?)")
        .bind(1, contact.email)
        .bind(2, id)
        .bind(3, contact.name)
        .run();
  }
  for (const auto& update : order.hotfix_purchases) {
    db().prepare("INSERT INTO hotfix_purchases (customer_id, update_id) VALUES (?, ?)")
        .bind(1, id)
        .bind(2, update)
        .run();
  }
  for (const auto& enrolment : order.enrolments) {
    const auto& plan = enrolment.migration_plan;
    auto insert = db().prepare("INSERT INTO enrolments (customer_id, product_id, type, start, important_addon, "
                               "unenrol_notice, plan_devices, plan_completion) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, id).bind(2, enrolment.product).bind(3, to_string(enrolment.type));
    insert.bind(4, enrolment.start.to_string()).bind(5, std::int64_t{enrolment.important_addon ? 1 : 0});
    insert.bind(6, optional_date_text(enrolment.unenrol_notice));
    if (plan) {
      insert.bind(7, plan->devices).bind(8, plan->completion.to_string());
    } else {
      insert.bind_null(7).bind_null(8);
    }
    insert.run();
    for (const auto& language : enrolment.languages) {
      db().prepare("INSERT INTO enrolment_languages (customer_id, product_id, language) VALUES (?, ?, ?)")
          .bind(1, id)
          .bind(2, enrolment.product)
          .bind(3, language)
          .run();
    }
    for (const auto& quarter : plan ? plan->quarters : std::vector<PlanQuarter>{}) {
      db().prepare("INSERT INTO plan_quarters (customer_id, product_id, start, devices) VALUES (?, ?, ?, ?)")
          .bind(1, id)
          .bind(2, enrolment.product)
          .bind(3, quarter.start.to_string())
          .bind(4, quarter.devices)
          .run();
    }
    for (const auto& purchase : enrolment.purchases) {
      db().prepare("INSERT INTO purchases (customer_id, product_id, update_id, devices) VALUES (?, ?, ?, ?)")
          .bind(1, id)
          .bind(2, enrolment.product)
          .bind(3, purchase.update)
          .bind(4, purchase.devices)
          .run();
    }
  }
}

std::vector<documents::Problem> SqlCatalog::product_conflicts(const std::vector<Product>& products) {
  std::vector<documents::Problem> problems;
  for (std::size_t i = 0; i < products.size(); ++i) {
    auto enrolled = db().prepare("SELECT customer_id FROM enrolments WHERE product_id = ? ORDER BY customer_id");
    enrolled.bind(1, products[i].id);
    std::vector<std::string> customers;
    while (enrolled.step()) {
      customers.push_back(enrolled.text(0));
    }
    for (const auto& customer : customers) {
      const auto enrolment = load_enrolment(customer, products[i].id);
      for (auto problem : documents::check_enrolment_fits(*enrolment, products[i], "")) {
        problems.push_back({"/products/" + std::to_string(i), problem.rule,
                            "the enrolment of " + customer + " would no longer fit (" + problem.pointer.substr(1) +
                                "): " + problem.message});
      }
    }
  }
  return problems;
}

std::vector<documents::Problem> SqlCatalog::order_conflicts(const ServiceOrder& order) {
  std::vector<documents::Problem> problems;
  for (std::size_t i = 0; i < order.contacts.size(); ++i) {
    auto owner = db().prepare("SELECT customer_id FROM contacts WHERE email = ? AND customer_id <> ?");
    owner.bind(1, order.contacts[i].email).bind(2, order.customer_id);
    if (owner.step()) {
      problems.push_back({"/contacts/" + std::to_string(i) + "/email", "CS-13",
                          order.contacts[i].email + " is a designated contact of another customer"});
    }
  }
  for (std::size_t e = 0; e < order.enrolments.size(); ++e) {
    const auto& enrolment = order.enrolments[e];
    for (std::size_t p = 0; p < enrolment.purchases.size(); ++p) {
      const auto& purchase = enrolment.purchases[p];
      const auto pointer = "/enrolments/" + std::to_string(e) + "/purchases/" + std::to_string(p);
      const auto update = load_update(purchase.update);
      const auto* rating = update ? rating_for(*update, enrolment.product) : nullptr;
      if (update &&
          (update->kind != UpdateKind::security || rating == nullptr || rating->severity != Severity::critical)) {
        problems.push_back({pointer + "/update", "CS-8",
                            purchase.update + " is not a Critical security update for " + enrolment.product +
                                "; only those can be bought"});
      }
    }
  }
  // Fees are not refundable: a purchase that devices consumed stays at least that large for as
  // long as the enrolment is on the order (CS-8, CS-10).
  auto consumed = db().prepare("SELECT product_id, update_id, COUNT(*) FROM purchase_consumptions "
                               "WHERE customer_id = ? GROUP BY product_id, update_id ORDER BY product_id, update_id");
  consumed.bind(1, order.customer_id);
  while (consumed.step()) {
    const auto product = consumed.text(0);
    const auto update = consumed.text(1);
    const auto count = consumed.integer(2);
    const auto enrolment = std::find_if(order.enrolments.begin(), order.enrolments.end(),
                                        [&](const Enrolment& en) { return en.product == product; });
    if (enrolment == order.enrolments.end() || enrolment->type != EnrolmentType::essentials) {
      continue;
    }
    const auto e = std::to_string(enrolment - order.enrolments.begin());
    const auto purchase = std::find_if(enrolment->purchases.begin(), enrolment->purchases.end(),
                                       [&](const Purchase& p) { return p.update == update; });
    if (purchase == enrolment->purchases.end()) {
      problems.push_back({"/enrolments/" + e + "/purchases", "CS-8",
                          "the purchase of " + update + " is missing, but " + std::to_string(count) +
                              " devices already consumed it; fees are not refundable"});
    } else if (purchase->devices < count) {
      problems.push_back(
          {"/enrolments/" + e + "/purchases/" + std::to_string(purchase - enrolment->purchases.begin()) + "/devices",
           "CS-8",
           std::to_string(count) + " devices already consumed the purchase of " + update +
               "; fees are not refundable"});
    }
  }
  return problems;
}

Result<ApplyOutcome> SqlCatalog::apply_order(const ServiceOrder& order, const AuditContext& context) {
  return guarded<ApplyOutcome>([&]() -> Result<ApplyOutcome> {
    WriteTransaction transaction(*this);
    ApplyOutcome outcome{{}, order_conflicts(order)};
    if (!outcome.applied()) {
      return outcome;
    }
    auto& summary = outcome.summary;
    const auto existing = load_order(order.customer_id);
    if (existing && *existing == order) {
      summary.unchanged = 1;
    } else {
      ++(existing ? summary.updated : summary.created);
      for (const auto& contact : existing ? existing->contacts : std::vector<Contact>{}) {
        const bool kept = std::any_of(order.contacts.begin(), order.contacts.end(),
                                      [&](const Contact& c) { return c.email == contact.email; });
        if (!kept) {
          ++summary.removed;
          // Dead for good (CS-13): designating the contact again later issues new credentials.
          db().prepare("UPDATE credentials SET revoked = 1 WHERE role = 'contact' AND subject = ? AND customer_id = ?")
              .bind(1, contact.email)
              .bind(2, order.customer_id)
              .run();
          db().prepare("UPDATE enrolment_tokens SET uses_left = 0 WHERE created_by = ? AND customer_id = ?")
              .bind(1, contact.email)
              .bind(2, order.customer_id)
              .run();
          audit(context, "contact.remove", order.customer_id, contact.email,
                "{\"credentials\":\"revoked\",\"enrolment_tokens\":\"voided\"}");
        }
      }
      write_order(order);
    }
    audit(context, "order.apply", order.customer_id, order.customer_id, summary_detail(summary));
    touch(scopes::customer(order.customer_id));
    transaction.commit();
    return outcome;
  });
}

void SqlCatalog::write_update(const Update& update) {
  db().prepare("INSERT INTO updates (id, kind, title, released, requires_service_pack, language, regression_tested) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET kind = ?2, title = ?3, "
               "released = ?4, requires_service_pack = ?5, language = ?6, regression_tested = ?7")
      .bind(1, update.id)
      .bind(2, to_string(update.kind))
      .bind(3, update.title)
      .bind(4, update.released.to_string())
      .bind(5, update.requires_service_pack)
      .bind(6, update.language)
      .bind(7, std::int64_t{update.regression_tested ? 1 : 0})
      .run();
  for (const char* table : {"update_products", "update_cves", "update_supersedes"}) {
    db().prepare(std::string("DELETE FROM ") + table + " WHERE update_id = ?").bind(1, update.id).run();
  }
  for (const auto& rating : update.products) {
    db().prepare("INSERT INTO update_products (update_id, product_id, severity) VALUES (?, ?, ?)")
        .bind(1, update.id)
        .bind(2, rating.product)
        .bind(3, rating.severity ? std::optional(to_string(*rating.severity)) : std::nullopt)
        .run();
  }
  for (const auto& cve : update.cves) {
    db().prepare("INSERT INTO update_cves (update_id, cve) VALUES (?, ?)").bind(1, update.id).bind(2, cve).run();
  }
  for (const auto& superseded : update.supersedes) {
    db().prepare("INSERT INTO update_supersedes (update_id, superseded_id) VALUES (?, ?)")
        .bind(1, update.id)
        .bind(2, superseded)
        .run();
  }
}

Result<ApplyOutcome> SqlCatalog::add_update(const Update& update, const AuditContext& context) {
  return guarded<ApplyOutcome>([&]() -> Result<ApplyOutcome> {
    WriteTransaction transaction(*this);
    const auto existing = load_update(update.id);
    ApplyOutcome outcome;
    auto& summary = outcome.summary;
    if (existing && *existing == update) {
      summary.unchanged = 1;
    } else {
      ++(existing ? summary.updated : summary.created);
      write_update(update);
      restate_manifest(update);
    }
    audit(context, "update.add", std::nullopt, update.id, summary_detail(summary));
    touch(scopes::global());
    transaction.commit();
    return outcome;
  });
}

} // namespace lifeline::catalog::sql
