// Queries, device registration and installs: the catalog operations the rules engine decides.
#include <limits>

#include <nlohmann/json.hpp>

#include "catalog/scopes.hpp"
#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

namespace {

util::Error not_found(const std::string& what) {
  return util::make_error(util::ErrorKind::not_found, what);
}

} // namespace

std::string reasons_detail(const std::vector<rules::Finding>& findings) {
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& finding : findings) {
    reasons.push_back(std::string(code(finding.reason)));
  }
  return nlohmann::json{{"reasons", reasons}}.dump();
}

Result<std::vector<Product>> SqlCatalog::list_products() {
  return guarded<std::vector<Product>>([&]() -> Result<std::vector<Product>> { return load_products(); });
}

Result<std::optional<Product>> SqlCatalog::find_product(const std::string& id) {
  return guarded<std::optional<Product>>([&]() -> Result<std::optional<Product>> { return load_product(id); });
}

Result<std::optional<Update>> SqlCatalog::find_update(const std::string& id) {
  return guarded<std::optional<Update>>([&]() -> Result<std::optional<Update>> { return load_update(id); });
}

Result<std::vector<CustomerName>> SqlCatalog::list_customers() {
  return guarded<std::vector<CustomerName>>([&]() -> Result<std::vector<CustomerName>> {
    std::vector<CustomerName> customers;
    auto rows = db().prepare("SELECT id, name FROM customers ORDER BY id");
    while (rows.step()) {
      customers.push_back(CustomerName{rows.text(0), rows.text(1)});
    }
    return customers;
  });
}

Result<std::optional<ServiceOrder>> SqlCatalog::find_order(const std::string& customer_id) {
  return guarded<std::optional<ServiceOrder>>(
      [&]() -> Result<std::optional<ServiceOrder>> { return load_order(customer_id); });
}

Result<std::optional<Device>> SqlCatalog::find_device(const std::string& id) {
  return guarded<std::optional<Device>>([&]() -> Result<std::optional<Device>> { return load_device(id); });
}

Result<std::vector<Device>> SqlCatalog::list_devices(const std::string& customer_id) {
  return guarded<std::vector<Device>>([&]() -> Result<std::vector<Device>> { return load_devices(customer_id); });
}

Result<std::vector<Device>> SqlCatalog::list_devices_page(const std::string& customer_id,
                                                          const std::optional<DeviceKey>& after, std::int64_t limit) {
  return guarded<std::vector<Device>>(
      [&]() -> Result<std::vector<Device>> { return load_devices_page(customer_id, after, limit, std::nullopt); });
}

Result<RegistrationOutcome> SqlCatalog::register_device(const DeviceRegistration& request,
                                                        const AuditContext& context) {
  return guarded<RegistrationOutcome>([&]() -> Result<RegistrationOutcome> {
    // The write lock is taken before counting, so two registrations at the cap serialise.
    WriteTransaction transaction(*this);
    auto outcome = register_locked(request, context);
    if (outcome) {
      transaction.commit();
    }
    return outcome;
  });
}

Result<RegistrationOutcome> SqlCatalog::register_locked(const DeviceRegistration& request, const AuditContext& context,
                                                        const std::string& public_key) {
  {
    auto product = load_product(request.product);
    if (!product) {
      return not_found("unknown product " + request.product);
    }
    auto customer = load_customer_facts(request.customer);
    if (!customer) {
      return not_found("unknown customer " + request.customer);
    }
    if (request.id && load_device(*request.id)) {
      return util::make_error(util::ErrorKind::conflict, "device " + *request.id + " is already registered");
    }
    rules::RegistrationFacts facts{context.at,
                                   std::move(*product),
                                   std::move(customer),
                                   load_enrolment(request.customer, request.product),
                                   request,
                                   count_active_devices(request.customer, request.product, context.at)};
    RegistrationOutcome outcome{rules::check_registration(facts), std::nullopt};
    if (!outcome.decision.allowed) {
      audit(context, "device.register.refused", request.customer, request.id.value_or("(new device)"),
            reasons_detail(outcome.decision.refusals));
      return outcome;
    }
    std::string id;
    if (request.id) {
      id = *request.id;
    } else {
      auto next = db().prepare("SELECT COALESCE(MAX(sequence), 0) + 1 FROM devices");
      next.step();
      // An operator may have chosen "dev-N" ids too: skip the ones taken.
      for (auto n = next.integer(0); load_device(id = "dev-" + std::to_string(n)); ++n) {
      }
    }
    const auto rank = rank_for_new_device(request.customer, request.product, context.at);
    db().prepare("INSERT INTO devices (id, customer_id, site, product_id, service_pack, language, registered, "
                 "rank_ahead, public_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, request.customer)
        .bind(3, request.site)
        .bind(4, request.product)
        .bind(5, request.service_pack)
        .bind(6, request.language)
        .bind(7, context.at.to_string())
        .bind(8, rank)
        .bind(9, public_key)
        .run();
    touch(scopes::enrolment(request.customer, request.product));
    outcome.device = load_device(id);
    audit(context, "device.register", request.customer, id, reasons_detail(outcome.decision.warnings));
    return outcome;
  }
}

Result<Device> SqlCatalog::retire_device(const std::string& device_id, const AuditContext& context) {
  return guarded<Device>([&]() -> Result<Device> {
    WriteTransaction transaction(*this);
    const auto device = load_device(device_id);
    if (!device) {
      return not_found("unknown device " + device_id);
    }
    if (device->retired) {
      return util::make_error(util::ErrorKind::conflict,
                              "device " + device_id + " was already retired on " + device->retired->to_string());
    }
    if (context.at < device->registered) {
      return util::make_error(util::ErrorKind::invalid_input, "device " + device_id + " was registered on " +
                                                                  device->registered.to_string() +
                                                                  "; it cannot be retired before that");
    }
    db().prepare("UPDATE devices SET retired = ? WHERE id = ?")
        .bind(1, context.at.to_string())
        .bind(2, device_id)
        .run();
    shift_ranks_after(*device, -1);
    touch(scopes::enrolment(device->customer, device->product));
    touch(scopes::device(device_id));
    audit(context, "device.retire", device->customer, device_id, "{}");
    transaction.commit();
    return *load_device(device_id);
  });
}

Result<rules::CheckFacts> SqlCatalog::device_facts(const std::string& device_id, const std::string& update_id,
                                                   Date at) {
  return guarded<rules::CheckFacts>([&]() -> Result<rules::CheckFacts> {
    Transaction snapshot(db(), TransactionMode::deferred);
    std::string missing;
    auto facts = gather_device_facts(device_id, update_id, at, missing);
    if (!facts) {
      return not_found(missing);
    }
    return std::move(*facts);
  });
}

Result<std::vector<rules::CheckFacts>> SqlCatalog::contact_facts(const std::string& email, const std::string& update_id,
                                                                 Date at) {
  return guarded<std::vector<rules::CheckFacts>>([&]() -> Result<std::vector<rules::CheckFacts>> {
    Transaction snapshot(db(), TransactionMode::deferred);
    auto update = load_update(update_id);
    if (!update) {
      return not_found("unknown update " + update_id);
    }
    std::optional<std::string> customer_id;
    auto owner = db().prepare("SELECT customer_id FROM contacts WHERE email = ?");
    owner.bind(1, email);
    if (owner.step()) {
      customer_id = owner.text(0);
    }
    std::vector<rules::CheckFacts> all;
    for (const auto& rating : update->products) {
      rules::CheckFacts facts;
      facts.at = at;
      facts.product = *load_product(rating.product);
      facts.update = *update;
      facts.contact = rules::ContactFacts{email, customer_id.has_value()};
      if (customer_id) {
        facts.customer = load_customer_facts(*customer_id);
        facts.enrolment = load_enrolment(*customer_id, rating.product);
        facts.purchase = load_purchase(*customer_id, rating.product, update_id, std::nullopt);
      }
      all.push_back(std::move(facts));
    }
    return all;
  });
}

Result<InstallOutcome> SqlCatalog::record_install(const std::string& device_id, const std::string& update_id,
                                                  const AuditContext& context) {
  return guarded<InstallOutcome>([&]() -> Result<InstallOutcome> {
    // Decision, purchase consumption and install row in one write transaction (CS-8).
    WriteTransaction transaction(*this);
    std::string missing;
    const auto facts = gather_device_facts(device_id, update_id, context.at, missing);
    if (!facts) {
      return not_found(missing);
    }
    auto outcome = record_install_locked(*facts, context);
    transaction.commit();
    return outcome;
  });
}

bool SqlCatalog::consume_purchase_if_needed(const rules::CheckFacts& facts, Date at) {
  const bool needs_purchase = facts.enrolment && facts.enrolment->type == EnrolmentType::essentials &&
                              facts.update.kind == UpdateKind::security;
  if (!needs_purchase || facts.purchase.taken_by_device || !facts.device) {
    return false;
  }
  const auto& device = facts.device->device;
  db().prepare("INSERT INTO purchase_consumptions (customer_id, product_id, update_id, device_id, at) "
               "VALUES (?, ?, ?, ?, ?)")
      .bind(1, device.customer)
      .bind(2, facts.product.id)
      .bind(3, facts.update.id)
      .bind(4, device.id)
      .bind(5, at.to_string())
      .run();
  // Every device of the enrolment may now find the purchase exhausted; this one keeps it.
  touch(scopes::enrolment(device.customer, facts.product.id));
  touch(scopes::device(device.id));
  return true;
}

InstallOutcome SqlCatalog::record_install_locked(const rules::CheckFacts& facts, const AuditContext& context) {
  const auto& device_id = facts.device->device.id;
  const auto& update_id = facts.update.id;
  InstallOutcome outcome{rules::decide(facts), false, false};
  const auto& customer = facts.device->device.customer;
  if (!outcome.decision.allowed) {
    audit(context, "install.refused", customer, device_id + " " + update_id, reasons_detail(outcome.decision.findings));
    return outcome;
  }
  auto installed = db().prepare("SELECT 1 FROM installs WHERE device_id = ? AND update_id = ?");
  installed.bind(1, device_id).bind(2, update_id);
  outcome.already_installed = installed.step();
  outcome.consumed_purchase = consume_purchase_if_needed(facts, context.at);
  if (!outcome.already_installed) {
    db().prepare("INSERT INTO installs (device_id, update_id, at) VALUES (?, ?, ?)")
        .bind(1, device_id)
        .bind(2, update_id)
        .bind(3, context.at.to_string())
        .run();
    touch(scopes::device(device_id));
  }
  audit(
      context, "install.record", customer, device_id + " " + update_id,
      nlohmann::json{{"consumed_purchase", outcome.consumed_purchase}, {"already_installed", outcome.already_installed}}
          .dump());
  return outcome;
}

Result<std::vector<AuditEntry>> SqlCatalog::audit_trail(const std::optional<std::string>& customer_id) {
  return audit_page(customer_id, 0, std::numeric_limits<std::int64_t>::max());
}

namespace {

std::vector<AuditEntry> audit_entries(Statement rows) {
  std::vector<AuditEntry> entries;
  while (rows.step()) {
    entries.push_back(AuditEntry{rows.integer(0), rows.text(1), Date::parse(rows.text(2)).value_or(Date{}),
                                 rows.text(3), rows.text(4), rows.optional_text(5), rows.text(6), rows.text(7)});
  }
  return entries;
}

} // namespace

Result<std::vector<AuditEntry>> SqlCatalog::audit_page(const std::optional<std::string>& customer_id,
                                                       std::int64_t after, std::int64_t limit) {
  return guarded<std::vector<AuditEntry>>([&]() -> Result<std::vector<AuditEntry>> {
    auto rows = db().prepare("SELECT sequence, recorded, at, actor, action, customer_id, subject, detail FROM audit "
                             "WHERE (customer_id = ?1 OR ?1 IS NULL) AND sequence > ?2 ORDER BY sequence LIMIT ?3");
    rows.bind(1, customer_id).bind(2, after).bind(3, limit);
    return audit_entries(std::move(rows));
  });
}

Result<std::vector<AuditEntry>> SqlCatalog::audit_latest(const std::optional<std::string>& customer_id,
                                                         std::int64_t limit) {
  return guarded<std::vector<AuditEntry>>([&]() -> Result<std::vector<AuditEntry>> {
    auto rows = db().prepare("SELECT sequence, recorded, at, actor, action, customer_id, subject, detail FROM audit "
                             "WHERE (customer_id = ?1 OR ?1 IS NULL) ORDER BY sequence DESC LIMIT ?2");
    rows.bind(1, customer_id).bind(2, limit);
    return audit_entries(std::move(rows));
  });
}

Result<std::optional<std::string>> SqlCatalog::contact_customer(const std::string& email) {
  return guarded<std::optional<std::string>>([&]() -> Result<std::optional<std::string>> {
    auto row = db().prepare("SELECT customer_id FROM contacts WHERE email = ?");
    row.bind(1, email);
    return row.step() ? std::optional<std::string>(row.text(0)) : std::nullopt;
  });
}

Result<void> SqlCatalog::store_credential(const StoredCredential& credential, const AuditContext& context) {
  return guarded<void>([&]() -> Result<void> {
    WriteTransaction transaction(*this);
    insert_credential(credential, context);
    transaction.commit();
    return {};
  });
}

void SqlCatalog::insert_credential(const StoredCredential& credential, const AuditContext& context) {
  const auto& principal = credential.principal;
  db().prepare("INSERT INTO credentials (id, secret_hash, role, subject, customer_id) VALUES (?, ?, ?, ?, ?)")
      .bind(1, credential.id)
      .bind(2, credential.secret_hash)
      .bind(3, to_string(principal.role))
      .bind(4, principal.subject)
      .bind(5, principal.customer)
      .run();
  // The audit names the principal and the credential id, never the secret.
  audit(context, "credential.issue", principal.customer, to_string(principal.role) + " " + principal.subject,
        "{\"credential\":\"" + credential.id + "\"}");
}

Result<std::optional<StoredCredential>> SqlCatalog::find_credential(const std::string& id) {
  return guarded<std::optional<StoredCredential>>([&]() -> Result<std::optional<StoredCredential>> {
    auto row =
        db().prepare("SELECT secret_hash, role, subject, customer_id FROM credentials WHERE id = ? AND revoked = 0");
    row.bind(1, id);
    if (!row.step()) {
      return std::optional<StoredCredential>();
    }
    StoredCredential credential{
        id, row.text(0), Principal{parse_role(row.text(1)).value_or(Role::contact), row.text(2), row.optional_text(3)}};
    const auto& principal = credential.principal;
    if (principal.role == Role::contact) {
      auto designated = db().prepare("SELECT 1 FROM contacts WHERE email = ? AND customer_id = ?");
      designated.bind(1, principal.subject).bind(2, principal.customer.value_or(""));
      if (!designated.step()) {
        return std::optional<StoredCredential>(); // removed from the order: dead at once
      }
    }
    if (principal.role == Role::device) {
      auto device = db().prepare("SELECT 1 FROM devices WHERE id = ? AND retired IS NULL");
      device.bind(1, principal.subject);
      if (!device.step()) {
        return std::optional<StoredCredential>();
      }
    }
    return std::optional<StoredCredential>(std::move(credential));
  });
}

} // namespace lifeline::catalog::sql
