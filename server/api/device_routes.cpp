// Devices: registration with a one-time enrolment token, check-in (inventory in; signed
// entitlement statement, offered and withheld updates out), install reports.
#include "catalog/identifiers.hpp"
#include "catalog/scopes.hpp"
#include "server/api/routes.hpp"
#include "server/auth/credentials.hpp"
#include "server/service/offers.hpp"
#include "server/service/statement.hpp"
#include "signing/install_receipt.hpp"

namespace lifeline::server::api {

namespace {

using catalog::Role;

constexpr std::size_t k_max_report_detail = 1000;

bool is_ed25519_public_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

HttpResponse register_device(Shared& shared, const HttpRequest& request) {
  auto catalog = thread_catalog(shared.context);
  if (!catalog) {
    return error_response(catalog.error());
  }
  const auto header = request.header("authorization");
  const auto bearer = http::bearer_token(header);
  if (!bearer) {
    return unauthorized("registration needs an enrolment token: Authorization: Bearer le_...");
  }
  const auto token = shared.enrolment_tokens.find(**catalog, *bearer);
  if (!token) {
    return error_response(token.error());
  }
  if (!*token) {
    return unauthorized("the enrolment token is not valid");
  }
  HttpResponse failure;
  const auto body = json_body(request, failure);
  if (!body) {
    return failure;
  }
  const auto product = string_member(*body, "product", catalog::is_identifier, "a product id", failure);
  const auto service_pack =
      product ? string_member(*body, "service_pack", catalog::is_service_pack, "a service pack (SP2, RTM)", failure)
              : std::nullopt;
  const auto language =
      service_pack ? string_member(*body, "language", catalog::is_language_tag, "a language tag (en-US)", failure)
                   : std::nullopt;
  if (!language) {
    return failure;
  }
  // The key that signs the device's install receipts (the agent always sends one).
  std::string public_key;
  if (body->contains("public_key")) {
    const auto key = string_member(*body, "public_key", is_ed25519_public_hex,
                                   "an Ed25519 public key (64 lower-case hex digits)", failure);
    if (!key) {
      return failure;
    }
    public_key = *key;
  }
  const auto& enrolment = **token;
  if (*product != enrolment.product) {
    return http::problem(422, "Unprocessable Content",
                         "the enrolment token is for product " + enrolment.product + ", not " + *product);
  }
  if (body->contains("site") && (*body)["site"] != enrolment.site) {
    return http::problem(422, "Unprocessable Content", "the enrolment token is for site " + enrolment.site);
  }
  const catalog::DeviceRegistration registration{std::nullopt, enrolment.customer, enrolment.site,
                                                 *product,     *service_pack,      *language};
  auto pending = auth::new_device_credential();
  const catalog::AuditContext context{shared.context.clock->today(), "enrolment-token:" + enrolment.id};
  const auto outcome =
      (*catalog)->register_with_token(enrolment.id, registration, pending.credential, public_key, context);
  if (!outcome) {
    return outcome.error().kind == util::ErrorKind::invalid_input ? unauthorized(outcome.error().message)
                                                                  : error_response(outcome.error());
  }
  const auto& decision = outcome->decision;
  shared.metrics.record_decision("registration", decision.allowed, reason_codes(decision.refusals));
  if (!outcome->device) {
    return forbidden("the Custom Support rules refuse this registration", reason_codes(decision.refusals));
  }
  return json_response(201, Json{{"device", device_json(*outcome->device)},
                                 {"credential", pending.token},
                                 {"warnings", findings_json(decision.warnings)}});
}

Json offer_json(const service::Offer& offer) {
  Json offered = Json::array();
  for (const auto& item : offer.offered) {
    auto json = update_json(item.update, item.product);
    json["targets"] = item.targets;
    json["installed"] = item.installed;
    offered.push_back(std::move(json));
  }
  Json withheld = Json::array();
  for (const auto& item : offer.withheld) {
    withheld.push_back(withheld_json(item));
  }
  return Json{{"updates", offered}, {"withheld", withheld}};
}

// What every device of the enrolment shares today, read once per change of its scopes.
util::Result<std::shared_ptr<const EnrolmentOffers>> enrolment_offers(Shared& shared, Call& call,
                                                                      const catalog::Device& device) {
  const auto generations =
      call.catalog.scope_generations({catalog::scopes::global(), catalog::scopes::customer(device.customer),
                                      catalog::scopes::enrolment(device.customer, device.product)});
  if (!generations) {
    return generations.error();
  }
  auto key = device.customer + "\x1f" + device.product + "\x1f" + call.at.to_string();
  for (const auto generation : *generations) {
    key += "\x1f" + std::to_string(generation);
  }
  if (auto found = shared.enrolment_offers.find(key)) {
    return found;
  }
  auto view = call.catalog.enrolment_view(device.customer, device.product);
  if (!view) {
    return view.error();
  }
  if (!*view) {
    return util::make_error(util::ErrorKind::not_found, "the device's customer or product is gone");
  }
  auto made = std::make_shared<const EnrolmentOffers>(make_enrolment_offers(std::move(**view), key));
  shared.enrolment_offers.store(key, made, made->bytes());
  return made;
}

HttpResponse check_in(Shared& shared, const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto body = json_body(request, failure);
  if (!body) {
    return failure;
  }
  const auto service_pack =
      string_member(*body, "service_pack", catalog::is_service_pack, "a service pack (SP2, RTM)", failure);
  const auto language =
      service_pack ? string_member(*body, "language", catalog::is_language_tag, "a language tag (en-US)", failure)
                   : std::nullopt;
  if (!language) {
    return failure;
  }
  const auto repository = shared.repository.current();
  if (!repository) {
    return error_response(repository.error());
  }
  auto device = call.catalog.device_view(call.caller.subject, call.at);
  if (device && *device &&
      ((*device)->device.service_pack != *service_pack || (*device)->device.language != *language)) {
    // A new inventory changes decisions: recorded (and audited) before the answer.
    const auto recorded = call.catalog.record_check_in(call.caller.subject, *service_pack, *language, call.audit());
    device = recorded ? call.catalog.device_view(call.caller.subject, call.at) : recorded.error();
  }
  if (!device || !*device) {
    return !device ? error_response(device.error()) : http::problem(404, "Not Found", "unknown device");
  }
  auto& subject = **device;
  if (subject.device.last_seen != call.at) {
    shared.last_seen.note(subject.device.id, call.at);
    subject.device.last_seen = call.at;
  }
  const auto offers = enrolment_offers(shared, call, subject.device);
  if (!offers) {
    return error_response(offers.error());
  }
  const auto key = class_key(**offers, subject, call.at) + "\x1f" + (*repository)->version();
  auto offer = shared.class_offers.find(key);
  if (!offer) {
    const auto payloads = (*repository)->payloads(subject.device.product);
    if (!payloads) {
      return error_response(payloads.error());
    }
    auto made = std::make_shared<const ClassOffer>(make_class_offer(**offers, subject, call.at, *payloads));
    shared.class_offers.store(key, made, made->bytes());
    offer = std::move(made);
  }
  const auto statement = service::sign_statement_for(subject.device, (*offers)->terms, offer->targets,
                                                     (*repository)->entitlement_key(), call.at, call.now);
  if (!statement) {
    return error_response(statement.error());
  }
  for (const auto& reasons : offer->withheld_reasons) {
    shared.metrics.record_decision("check-in", false, reasons);
  }
  shared.metrics.record_decision("check-in", true, {});
  return HttpResponse{
      200,
      "application/json",
      check_in_body(*offer, subject, json_response(200, device_json(subject.device)).body, statement->signed_bytes),
      {},
      {},
      {}};
}

// Signed entitlement statements for every active device of the contact's customer that runs
// `?product=`, for an offline bundle (`lifeline bundle create`): the same statement each device
// would get at check-in, verified by the agent the same way. Audited.
HttpResponse bundle_statements(Shared& shared, const HttpRequest& request, Call& call) {
  const auto product = request.query.find("product");
  if (product == request.query.end() || !catalog::is_identifier(product->second)) {
    return http::problem(400, "Bad Request", "name the product: ?product=ID");
  }
  const auto devices = call.catalog.list_devices(call.caller.customer.value_or(""));
  const auto repository = shared.repository.current();
  if (!devices || !repository) {
    return error_response(!devices ? devices.error() : repository.error());
  }
  const auto payloads = (*repository)->payloads(product->second);
  if (!payloads) {
    return error_response(payloads.error());
  }
  Json statements = Json::array();
  for (const auto& device : *devices) {
    if (device.product != product->second || (device.retired && *device.retired <= call.at) ||
        device.registered > call.at) {
      continue;
    }
    const auto decisions = service::decide_device_updates(call.catalog, device, call.at);
    if (!decisions) {
      return error_response(decisions.error());
    }
    const auto statement = service::issue_statement(call.catalog, device, *decisions, *payloads,
                                                    (*repository)->entitlement_key(), call.at, call.now);
    if (!statement) {
      return error_response(statement.error());
    }
    const auto offer = service::device_offer(*decisions, device.product, *payloads);
    auto answer = offer_json(offer);
    answer["device"] = device_json(device);
    answer["entitlement_statement"] = Json::parse(statement->signed_bytes);
    statements.push_back(std::move(answer));
  }
  return json_response(200, Json{{"product", product->second}, {"check_ins", statements}});
}

bool is_report_id(std::string_view text) {
  return catalog::is_identifier(text);
}

bool is_outcome(std::string_view text) {
  return text == "installed" || text == "failed";
}

// A device that registered a key reports with receipts signed by it ({"signed", "signatures"});
// the fields are then the receipt's. A device without a key sends the fields as they are.
// The report's fields for `device`: from a receipt verified against the key the device registered
// ({"signed", "signatures"}), or as sent by a device without a key. `body_text` is kept as the
// receipt.
std::optional<Json> report_fields(Call& call, const std::string& device, const Json& body, const std::string& body_text,
                                  std::string& receipt, HttpResponse& failure) {
  const auto key = call.catalog.device_public_key(device);
  if (!key) {
    failure = error_response(key.error());
    return std::nullopt;
  }
  if (key->empty()) {
    // A device enrolled before device keys existed has nothing to verify a receipt with: its
    // receipt's fields are taken as an unsigned report would be (the same trust), and kept.
    const auto signed_part = body.find("signed");
    if (signed_part == body.end() || !signed_part->is_object()) {
      return body;
    }
    if (signed_part->contains("device") && (*signed_part)["device"] != device) {
      failure = forbidden("the receipt is about another device than " + device);
      return std::nullopt;
    }
    receipt = body_text;
    return *signed_part;
  }
  if (!body.contains("signed")) {
    failure = http::problem(422, "Unprocessable Content",
                            "device " + device + " registered a key: its reports must be receipts signed with it");
    return std::nullopt;
  }
  receipt = body_text;
  const auto verified = signing::verify_receipt(receipt, *key);
  if (!verified) {
    failure = http::problem(422, "Unprocessable Content", "receipt refused: " + verified.error().message);
    return std::nullopt;
  }
  if (verified->device != device) {
    failure = forbidden("the receipt is about device " + verified->device + ", not " + device);
    return std::nullopt;
  }
  return Json{{"report_id", verified->report_id},
              {"update", verified->update},
              {"outcome", verified->outcome},
              {"detail", verified->detail}};
}

// Checks the fields and records the report, acknowledged only once committed.
HttpResponse record_fields(Shared& shared, Call& call, const std::string& device, const Json& body,
                           const std::string& receipt_text) {
  HttpResponse failure;
  const auto id =
      string_member(body, "report_id", is_report_id, "the report's id ([A-Za-z0-9._-], 64 at most)", failure);
  const auto update = id ? string_member(body, "update", catalog::is_kb, "a KB number", failure) : std::nullopt;
  const auto outcome =
      update ? string_member(body, "outcome", is_outcome, "\"installed\" or \"failed\"", failure) : std::nullopt;
  if (!outcome) {
    return failure;
  }
  std::string detail;
  if (const auto it = body.find("detail"); it != body.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > k_max_report_detail) {
      return http::problem(422, "Unprocessable Content", "/detail must be a string of 1000 bytes at most");
    }
    detail = it->get<std::string>();
  }
  const catalog::InstallReport report{
      *id,     device,
      *update, *outcome == "installed" ? catalog::ReportOutcome::installed : catalog::ReportOutcome::failed,
      detail,  receipt_text};
  const auto receipt = call.catalog.record_report(report, call.audit());
  if (!receipt) {
    return error_response(receipt.error());
  }
  if (!receipt->duplicate && receipt->state != "failed") {
    shared.metrics.record_decision("report", receipt->state == "installed", receipt->reasons);
  }
  return json_response(receipt->duplicate ? 200 : 201, Json{{"report_id", *id},
                                                            {"state", receipt->state},
                                                            {"reasons", receipt->reasons},
                                                            {"duplicate", receipt->duplicate}});
}

HttpResponse report(Shared& shared, const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto body = json_body(request, failure);
  std::string receipt_text;
  const auto fields =
      body ? report_fields(call, call.caller.subject, *body, request.body, receipt_text, failure) : std::nullopt;
  if (!fields) {
    return failure;
  }
  return record_fields(shared, call, call.caller.subject, *fields, receipt_text);
}

// Receipts carried out of a closed network (`lifeline-agent report --export`), uploaded by a
// contact of the devices' customer or an operator: each verified against its device's key and
// recorded as the device's own report would be; one result per receipt.
HttpResponse upload_reports(Shared& shared, const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto body = json_body(request, failure);
  if (!body) {
    return failure;
  }
  const auto receipts = body->find("receipts");
  if (receipts == body->end() || !receipts->is_array() || receipts->size() > 10'000) {
    return http::problem(422, "Unprocessable Content", "/receipts must be an array of 10000 receipts at most");
  }
  Json results = Json::array();
  int refused = 0;
  for (const auto& item : *receipts) {
    const auto signed_part = item.is_object() ? item.find("signed") : item.end();
    const auto device_id = item.is_object() && signed_part != item.end() && signed_part->is_object() &&
                                   signed_part->contains("device") && (*signed_part)["device"].is_string()
                               ? (*signed_part)["device"].get<std::string>()
                               : std::string();
    HttpResponse answer;
    const auto device = catalog::is_identifier(device_id) ? call.catalog.find_device(device_id)
                                                          : util::Result<std::optional<catalog::Device>>(std::nullopt);
    std::string receipt_text;
    if (!device) {
      answer = error_response(device.error());
    } else if (!*device || (call.caller.role == Role::contact && (*device)->customer != call.caller.customer)) {
      answer = http::problem(404, "Not Found", "no device " + device_id + " of this customer");
    } else if (const auto fields = report_fields(call, device_id, item, item.dump(), receipt_text, answer)) {
      answer = record_fields(shared, call, device_id, *fields, receipt_text);
    }
    refused += answer.status >= 400 ? 1 : 0;
    auto result = Json::parse(answer.body, nullptr, false);
    results.push_back(Json{{"device", device_id}, {"status", answer.status}, {"answer", result}});
  }
  return json_response(200, Json{{"results", results}, {"refused", refused}});
}

} // namespace

void add_device_routes(http::Router& router, const SharedPtr& shared) {
  router.add("POST", "/v1/devices", [shared](const HttpRequest& request) { return register_device(*shared, request); });
  router.add("POST", "/v1/devices/me/check-in",
             authorised(shared, {Role::device}, [shared](const auto& r, Call& c) { return check_in(*shared, r, c); }));
  router.add("POST", "/v1/devices/me/reports",
             authorised(shared, {Role::device}, [shared](const auto& r, Call& c) { return report(*shared, r, c); }));
  router.add("GET", "/v1/bundle-statements", authorised(shared, {Role::contact}, [shared](const auto& r, Call& c) {
               return bundle_statements(*shared, r, c);
             }));
  router.add("POST", "/v1/reports",
             authorised(shared, {Role::contact, Role::operator_role},
                        [shared](const auto& r, Call& c) { return upload_reports(*shared, r, c); }));
}

} // namespace lifeline::server::api
