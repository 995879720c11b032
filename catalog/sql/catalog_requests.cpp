// What the HTTP API asks of the catalog: enrolment tokens, downloads decided and audited per
// request, install reports received once, check-ins.
#include <nlohmann/json.hpp>

#include "catalog/scopes.hpp"
#include "catalog/sql/guarded.hpp"
#include "catalog/sql/sql_catalog.hpp"

namespace lifeline::catalog::sql {

namespace {

util::Error invalid(const std::string& what) {
  return util::make_error(util::ErrorKind::invalid_input, what);
}

nlohmann::json reason_codes(const rules::Decision& decision) {
  nlohmann::json codes = nlohmann::json::array();
  for (const auto reason : decision.reasons()) {
    codes.push_back(std::string(code(reason)));
  }
  return codes;
}

// A device asking for another product's payload: the update does not apply to it.
rules::Decision not_applicable(const std::string& product, const std::string& target) {
  rules::Decision decision;
  decision.product = product;
  decision.findings.push_back(
      rules::Finding{Reason::update_not_applicable, target + " is not a payload of the device's product " + product});
  return decision;
}

} // namespace

Result<DownloadOutcome> SqlCatalog::authorise_download(const DownloadRequest& request, const AuditContext& context) {
  return guarded<DownloadOutcome>([&]() -> Result<DownloadOutcome> {
    // The decision, the purchase it consumes and its audit entry commit before a byte is served.
    WriteTransaction transaction(*this);
    DownloadOutcome outcome;
    std::optional<std::string> customer = request.caller.customer;
    switch (request.caller.role) {
    case Role::operator_role:
    case Role::publisher:
      outcome.decision.allowed = true;
      outcome.decision.product = request.product;
      break;
    case Role::device: {
      std::string missing;
      const auto facts = gather_device_facts(request.caller.subject, request.update, context.at, missing);
      if (!facts) {
        return util::make_error(util::ErrorKind::not_found, missing);
      }
      if (facts->product.id != request.product) {
        outcome.decision = not_applicable(facts->product.id, request.target);
        break;
      }
      outcome.decision = rules::decide(*facts);
      if (outcome.decision.allowed) {
        outcome.consumed_purchase = consume_purchase_if_needed(*facts, context.at);
      }
      break;
    }
    case Role::contact: {
      auto update = load_update(request.update);
      if (!update) {
        return util::make_error(util::ErrorKind::not_found, "unknown update " + request.update);
      }
      const auto* rating = rating_for(*update, request.product);
      if (rating == nullptr) {
        outcome.decision = not_applicable(request.product, request.target);
        break;
      }
      rules::CheckFacts facts;
      facts.at = context.at;
      facts.product = *load_product(request.product);
      facts.update = std::move(*update);
      const bool designated = customer.has_value();
      facts.contact = rules::ContactFacts{request.caller.subject, designated};
      if (customer) {
        facts.customer = load_customer_facts(*customer);
        facts.enrolment = load_enrolment(*customer, request.product);
        facts.purchase = load_purchase(*customer, request.product, request.update, std::nullopt);
      }
      outcome.decision = rules::decide_for_contact({facts});
      break;
    }
    }
    audit(context, outcome.decision.allowed ? "download.allow" : "download.deny", customer, request.target,
          nlohmann::json{{"role", to_string(request.caller.role)},
                         {"from", request.from},
                         {"update", request.update},
                         {"product", request.product},
                         {"decision", outcome.decision.allowed ? "allow" : "deny"},
                         {"reasons", reason_codes(outcome.decision)},
                         {"consumed_purchase", outcome.consumed_purchase}}
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    transaction.commit();
    return outcome;
  });
}

Result<ReportReceipt> SqlCatalog::record_report(const InstallReport& report, const AuditContext& context) {
  return guarded<ReportReceipt>([&]() -> Result<ReportReceipt> {
    WriteTransaction transaction(*this);
    ReportReceipt receipt;
    if (auto seen =
            db().prepare("SELECT state, reasons, update_id FROM install_reports WHERE device_id = ? AND report_id = ?");
        seen.bind(1, report.device).bind(2, report.id).step()) {
      const bool same_outcome = (seen.text(0) == "failed") == (report.outcome == ReportOutcome::failed);
      if (seen.text(2) != report.update || !same_outcome) {
        return util::make_error(util::ErrorKind::conflict,
                                "report " + report.id + " was received before with another update or outcome");
      }
      receipt.duplicate = true;
      receipt.state = seen.text(0);
      for (const auto& reason : nlohmann::json::parse(seen.text(1), nullptr, false)) {
        if (reason.is_string()) {
          receipt.reasons.push_back(reason.get<std::string>());
        }
      }
      return receipt;
    }
    std::string missing;
    const auto facts = gather_device_facts(report.device, report.update, context.at, missing);
    if (!facts) {
      return util::make_error(util::ErrorKind::not_found, missing);
    }
    nlohmann::json reasons = nlohmann::json::array();
    if (report.outcome == ReportOutcome::failed) {
      receipt.state = "failed";
      audit(context, "install.failed", facts->device->device.customer, report.device + " " + report.update,
            nlohmann::json{{"report", report.id}, {"detail", report.detail}}.dump(
                -1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      const auto install = record_install_locked(*facts, context);
      receipt.state = install.decision.allowed ? "installed" : "refused";
      reasons = reason_codes(install.decision);
      for (const auto& reason : reasons) {
        receipt.reasons.push_back(reason.get<std::string>());
      }
    }
    db().prepare("INSERT INTO install_reports (device_id, report_id, update_id, state, reasons, detail, at, receipt) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, report.device)
        .bind(2, report.id)
        .bind(3, report.update)
        .bind(4, receipt.state)
        .bind(5, reasons.dump())
        .bind(6, report.detail)
        .bind(7, context.at.to_string())
        .bind(8, report.receipt)
        .run();
    transaction.commit();
    return receipt;
  });
}

Result<Device> SqlCatalog::record_check_in(const std::string& device_id, const std::string& service_pack,
                                           const std::string& language, const AuditContext& context) {
  return guarded<Device>([&]() -> Result<Device> {
    auto device = load_device(device_id);
    if (!device) {
      return util::make_error(util::ErrorKind::not_found, "unknown device " + device_id);
    }
    // Most check-ins change nothing: those take no write lock.
    if (device->service_pack == service_pack && device->language == language && device->last_seen == context.at) {
      return std::move(*device);
    }
    WriteTransaction transaction(*this);
    db().prepare("UPDATE devices SET service_pack = ?, language = ?, last_seen = ? WHERE id = ?")
        .bind(1, service_pack)
        .bind(2, language)
        .bind(3, context.at.to_string())
        .bind(4, device_id)
        .run();
    if (device->service_pack != service_pack || device->language != language) {
      touch(scopes::device(device_id));
      audit(context, "device.inventory", device->customer, device_id,
            nlohmann::json{{"service_pack", service_pack}, {"language", language}}.dump());
    }
    transaction.commit();
    return *load_device(device_id);
  });
}

Result<std::vector<Update>> SqlCatalog::list_updates() {
  return guarded<std::vector<Update>>([&]() -> Result<std::vector<Update>> {
    Transaction snapshot(db(), TransactionMode::deferred);
    return load_updates();
  });
}

Result<std::int64_t> SqlCatalog::generation() {
  return guarded<std::int64_t>([&]() -> Result<std::int64_t> {
    auto row = db().prepare("SELECT COALESCE(MAX(sequence), 0) FROM audit");
    row.step();
    return row.integer(0);
  });
}

Result<std::vector<std::string>> SqlCatalog::installed_updates(const std::string& device_id) {
  return guarded<std::vector<std::string>>([&]() -> Result<std::vector<std::string>> {
    auto rows = db().prepare("SELECT update_id FROM installs WHERE device_id = ? ORDER BY update_id");
    rows.bind(1, device_id);
    std::vector<std::string> ids;
    while (rows.step()) {
      ids.push_back(rows.text(0));
    }
    return ids;
  });
}

Result<void> SqlCatalog::store_enrolment_token(const EnrolmentToken& token, const AuditContext& context) {
  return guarded<void>([&]() -> Result<void> {
    WriteTransaction transaction(*this);
    db().prepare("INSERT INTO enrolment_tokens (id, secret_hash, customer_id, site, product_id, uses_left, expires, "
                 "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, token.id)
        .bind(2, token.secret_hash)
        .bind(3, token.customer)
        .bind(4, token.site)
        .bind(5, token.product)
        .bind(6, token.uses)
        .bind(7, token.expires.to_string())
        .bind(8, token.created_by)
        .run();
    audit(context, "enrolment_token.create", token.customer, token.site + " " + token.product,
          nlohmann::json{{"token", token.id}, {"uses", token.uses}, {"expires", token.expires.to_string()}}.dump());
    transaction.commit();
    return {};
  });
}

Result<std::optional<EnrolmentToken>> SqlCatalog::find_enrolment_token(const std::string& id) {
  return guarded<std::optional<EnrolmentToken>>([&]() -> Result<std::optional<EnrolmentToken>> {
    auto row = db().prepare("SELECT secret_hash, customer_id, site, product_id, uses_left, expires, created_by "
                            "FROM enrolment_tokens WHERE id = ?");
    row.bind(1, id);
    if (!row.step()) {
      return std::optional<EnrolmentToken>();
    }
    return std::optional<EnrolmentToken>(EnrolmentToken{id, row.text(0), row.text(1), row.text(2), row.text(3),
                                                        row.integer(4), Date::parse(row.text(5)).value_or(Date{}),
                                                        row.text(6)});
  });
}

Result<bool> SqlCatalog::void_enrolment_token(const std::string& id, const std::string& customer,
                                              const AuditContext& context) {
  return guarded<bool>([&]() -> Result<bool> {
    WriteTransaction transaction(*this);
    db().prepare("UPDATE enrolment_tokens SET uses_left = 0 WHERE id = ? AND customer_id = ?")
        .bind(1, id)
        .bind(2, customer)
        .run();
    if (db().changes() == 0) {
      return false;
    }
    audit(context, "enrolment_token.void", customer, id, "{}");
    transaction.commit();
    return true;
  });
}

Result<bool> SqlCatalog::revoke_credential(const std::string& id, const AuditContext& context) {
  return guarded<bool>([&]() -> Result<bool> {
    WriteTransaction transaction(*this);
    std::string role;
    std::string subject;
    std::optional<std::string> customer;
    {
      auto row = db().prepare("SELECT role, subject, customer_id FROM credentials WHERE id = ? AND revoked = 0");
      row.bind(1, id);
      if (!row.step()) {
        return false;
      }
      role = row.text(0);
      subject = row.text(1);
      customer = row.optional_text(2);
    }
    const auto principal = role + " " + subject;
    db().prepare("UPDATE credentials SET revoked = 1 WHERE id = ?").bind(1, id).run();
    touch(scopes::principal(parse_role(role).value_or(Role::contact), subject));
    audit(context, "credential.revoke", customer, principal, "{\"credential\":\"" + id + "\"}");
    transaction.commit();
    return true;
  });
}

Result<RegistrationOutcome> SqlCatalog::register_with_token(const std::string& token_id,
                                                            const DeviceRegistration& request,
                                                            const StoredCredential& device_credential,
                                                            const std::string& device_public_key,
                                                            const AuditContext& context) {
  return guarded<RegistrationOutcome>([&]() -> Result<RegistrationOutcome> {
    WriteTransaction transaction(*this);
    // Checked again under the write lock: two devices racing for the last use get one each at most.
    {
      auto token = db().prepare("SELECT uses_left, expires, EXISTS (SELECT 1 FROM contacts c WHERE c.email = "
                                "t.created_by AND c.customer_id = t.customer_id) FROM enrolment_tokens t WHERE id = ?");
      token.bind(1, token_id);
      if (!token.step()) {
        return invalid("unknown enrolment token");
      }
      if (token.integer(0) <= 0) {
        return invalid("the enrolment token has been used up or voided");
      }
      if (token.integer(2) == 0) {
        return invalid("the contact who created the enrolment token is no longer designated (CS-13)");
      }
      if (Date::parse(token.text(1)).value_or(Date{}) < context.at) {
        return invalid("the enrolment token expired on " + token.text(1));
      }
    }
    auto outcome = register_locked(request, context, device_public_key);
    if (!outcome) {
      return outcome.error();
    }
    if (outcome->device) {
      db().prepare("UPDATE enrolment_tokens SET uses_left = uses_left - 1 WHERE id = ?").bind(1, token_id).run();
      auto credential = device_credential;
      credential.principal = Principal{Role::device, outcome->device->id, outcome->device->customer};
      insert_credential(credential, context);
    }
    transaction.commit();
    return outcome;
  });
}

Result<std::string> SqlCatalog::device_public_key(const std::string& device_id) {
  return guarded<std::string>([&]() -> Result<std::string> {
    auto row = db().prepare("SELECT public_key FROM devices WHERE id = ?");
    row.bind(1, device_id);
    if (!row.step()) {
      return util::make_error(util::ErrorKind::not_found, "no device " + device_id);
    }
    return row.text(0);
  });
}

} // namespace lifeline::catalog::sql
