// What designated contacts read and do: entitled updates, security bulletins (CS-16), enrolment
// tokens, compliance per product and against the migration plan, billing. Operators read the same
// for any customer; devices list their own entitled updates. (Devices, compliance per device and
// the audit trail, read a page at a time or streamed whole: fleet_routes.cpp.)
#include <algorithm>
#include <cctype>

#include "catalog/identifiers.hpp"
#include "server/api/routes.hpp"
#include "server/auth/credentials.hpp"
#include "server/service/billing.hpp"
#include "server/service/compliance.hpp"
#include "server/service/offers.hpp"

namespace lifeline::server::api {

namespace {

using catalog::Role;

constexpr std::int64_t k_max_token_uses = 10'000;
constexpr int k_default_token_days = 7;
constexpr int k_max_token_days = 90;

// Published payloads of the customer's enrolled products (or of one device's product).
util::Result<std::map<std::string, service::PublishedPayloads>> payloads_for(Shared& shared,
                                                                             const std::vector<std::string>& products) {
  const auto repository = shared.repository.current();
  if (!repository) {
    return repository.error();
  }
  std::map<std::string, service::PublishedPayloads> all;
  for (const auto& product : products) {
    auto payloads = (*repository)->payloads(product);
    if (!payloads) {
      return payloads.error();
    }
    all.emplace(product, std::move(*payloads));
  }
  return all;
}

Json offered_json(const std::vector<service::OfferedUpdate>& offered) {
  Json list = Json::array();
  for (const auto& item : offered) {
    auto json = update_json(item.update, item.product);
    json["targets"] = item.targets;
    list.push_back(std::move(json));
  }
  return list;
}

util::Result<service::Offer> offer_for_device(Shared& shared, Call& call, const catalog::Device& device) {
  auto payloads = payloads_for(shared, {device.product});
  if (!payloads) {
    return payloads.error();
  }
  const auto decisions = service::decide_device_updates(call.catalog, device, call.at);
  if (!decisions) {
    return decisions.error();
  }
  return service::device_offer(*decisions, device.product, (*payloads)[device.product]);
}

HttpResponse list_updates(Shared& shared, Call& call) {
  if (call.caller.role == Role::device) {
    const auto device = call.catalog.find_device(call.caller.subject);
    if (!device || !*device) {
      return device ? unauthorized() : error_response(device.error());
    }
    const auto offer = offer_for_device(shared, call, **device);
    return offer ? json_response(200, Json{{"updates", offered_json(offer->offered)}}) : error_response(offer.error());
  }
  if (call.caller.role == Role::contact) {
    const auto order = call.catalog.find_order(call.caller.customer.value_or(""));
    if (!order || !*order) {
      return order ? unauthorized() : error_response(order.error());
    }
    std::vector<std::string> products;
    for (const auto& enrolment : (*order)->enrolments) {
      products.push_back(enrolment.product);
    }
    const auto payloads = payloads_for(shared, products);
    if (!payloads) {
      return error_response(payloads.error());
    }
    const auto offer = service::contact_offer(call.catalog, call.caller.subject, *payloads, call.at);
    return offer ? json_response(200, Json{{"updates", offered_json(offer->offered)}}) : error_response(offer.error());
  }
  const auto updates = call.catalog.list_updates();
  if (!updates) {
    return error_response(updates.error());
  }
  Json list = Json::array();
  for (const auto& update : *updates) {
    for (const auto& rating : update.products) {
      list.push_back(update_json(update, rating.product));
    }
  }
  return json_response(200, Json{{"updates", list}});
}

HttpResponse list_bulletins(Call& call) {
  const auto result = service::bulletins(call.catalog, call.caller.customer.value_or(""), call.at);
  if (!result) {
    return error_response(result.error());
  }
  if (!result->refusals.empty()) {
    return forbidden("security bulletins are not part of this customer's contract (CS-16)",
                     reason_codes(result->refusals));
  }
  Json list = Json::array();
  for (const auto& bulletin : result->bulletins) {
    Json severities = Json::object();
    for (const auto& product : bulletin.products) {
      const auto* rating = catalog::rating_for(bulletin.update, product);
      severities[product] = rating->severity ? Json(catalog::to_string(*rating->severity)) : Json();
    }
    // The advisory documents behind it (imported MSRC CVRF or CSAF), latest revision first.
    const auto advisories = call.catalog.update_advisories(bulletin.update.id);
    const auto affected = call.catalog.affected_products(bulletin.update.id);
    if (!advisories || !affected) {
      return error_response(!advisories ? advisories.error() : affected.error());
    }
    Json sources = Json::array();
    for (const auto& advisory : *advisories) {
      sources.push_back(Json{{"source", advisory.source},
                             {"id", advisory.id},
                             {"revision", advisory.revision},
                             {"revised", advisory.current_release.to_string()}});
    }
    list.push_back(Json{{"kb", bulletin.update.id},
                        {"title", bulletin.update.title},
                        {"released", bulletin.update.released.to_string()},
                        {"cves", bulletin.update.cves},
                        {"products", bulletin.products},
                        {"severity", severities},
                        {"supersedes", bulletin.update.supersedes},
                        {"affected_products", *affected},
                        {"advisories", sources}});
  }
  return json_response(200, Json{{"bulletins", list}});
}

HttpResponse create_enrolment_token(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto body = json_body(request, failure);
  if (!body) {
    return failure;
  }
  const auto site = string_member(*body, "site", catalog::is_site, "a site of the service order", failure);
  const auto product =
      site ? string_member(*body, "product", catalog::is_identifier, "a product id", failure) : std::nullopt;
  if (!product) {
    return failure;
  }
  std::int64_t uses = 1;
  if (const auto it = body->find("uses"); it != body->end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > k_max_token_uses) {
      return http::problem(422, "Unprocessable Content", "/uses must be an integer from 1 to 10000");
    }
    uses = it->get<std::int64_t>();
  }
  auto expires = call.at.add_days(k_default_token_days);
  if (const auto it = body->find("expires"); it != body->end()) {
    const auto date = it->is_string() ? util::Date::parse(it->get<std::string>()) : std::nullopt;
    if (!date || *date < call.at || call.at.add_days(k_max_token_days) < *date) {
      return http::problem(422, "Unprocessable Content",
                           "/expires must be a date (YYYY-MM-DD) from today to 90 days ahead");
    }
    expires = *date;
  }
  const auto order = call.catalog.find_order(call.caller.customer.value_or(""));
  if (!order || !*order) {
    return order ? unauthorized() : error_response(order.error());
  }
  const auto& sites = (*order)->sites;
  if (std::find(sites.begin(), sites.end(), *site) == sites.end()) {
    return forbidden(*site + " is not a site of the service order (CS-6)", {"SITE_NOT_LISTED"});
  }
  const auto& enrolments = (*order)->enrolments;
  if (std::none_of(enrolments.begin(), enrolments.end(), [&](const auto& e) { return e.product == *product; })) {
    return forbidden("the customer is not enrolled for " + *product + " (CS-2)", {"NOT_ENROLLED"});
  }
  catalog::EnrolmentToken token;
  token.customer = *call.caller.customer;
  token.site = *site;
  token.product = *product;
  token.uses = uses;
  token.expires = expires;
  token.created_by = call.caller.subject;
  const auto issued = auth::issue_enrolment_token(call.catalog, token, call.audit());
  if (!issued) {
    return error_response(issued.error());
  }
  return json_response(201, Json{{"token", issued->token},
                                 {"id", issued->id},
                                 {"site", *site},
                                 {"product", *product},
                                 {"uses", uses},
                                 {"expires", expires.to_string()}});
}

HttpResponse void_enrolment_token(const HttpRequest& request, Call& call) {
  const auto& id = request.params.at("id");
  const auto voided = catalog::is_identifier(id)
                          ? call.catalog.void_enrolment_token(id, call.caller.customer.value_or(""), call.audit())
                          : util::Result<bool>(false);
  if (!voided) {
    return error_response(voided.error());
  }
  return *voided ? json_response(200, Json{{"voided", id}})
                 : http::problem(404, "Not Found", "the customer has no enrolment token " + id);
}

// Each customer's report in turn, set-based; false with `failure` set when one fails.
bool for_each_report(const ReportScope& scope, const HttpRequest& request, Call& call, HttpResponse& failure,
                     const std::function<void(const service::ComplianceReport&)>& visit) {
  const auto days = stale_days(request, failure);
  if (!days) {
    return false;
  }
  for (const auto& customer : scope.customers) {
    const auto report = service::ComplianceReport::load(call.catalog, customer, call.at, *days);
    if (!report) {
      failure = error_response(report.error());
      return false;
    }
    visit(*report);
  }
  return true;
}

HttpResponse migration(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto scope = report_scope(request, call, failure);
  if (!scope) {
    return failure;
  }
  const auto products = call.catalog.list_products();
  if (!products) {
    return error_response(products.error());
  }
  Json list = Json::array();
  for (const auto& customer : scope->customers) {
    const auto order = call.catalog.find_order(customer);
    if (!order || !*order) {
      return order ? http::problem(404, "Not Found", "no service order for " + customer)
                   : error_response(order.error());
    }
    const auto devices = call.catalog.list_devices(customer);
    if (!devices) {
      return error_response(devices.error());
    }
    for (const auto& row : service::migration_progress(**order, *products, *devices, call.at)) {
      list.push_back(Json{{"customer", row.customer},
                          {"product", row.product},
                          {"quarter", row.quarter},
                          {"start", row.start.to_string()},
                          {"end", row.end.to_string()},
                          {"planned", row.planned},
                          {"registered", row.registered},
                          {"active", row.active},
                          {"over_plan", row.over_plan}});
    }
  }
  return json_response(200,
                       Json{{"customer", named_json(scope->named)}, {"at", call.at.to_string()}, {"quarters", list}});
}

HttpResponse product_compliance(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto scope = report_scope(request, call, failure);
  Json list = Json::array();
  const auto visit = [&](const service::ComplianceReport& report) {
    for (const auto& summary : report.products()) {
      Json states = Json::object();
      for (const auto state : {service::UpdateState::installed, service::UpdateState::entitled_missing,
                               service::UpdateState::not_entitled, service::UpdateState::prerequisite_missing,
                               service::UpdateState::superseded, service::UpdateState::not_applicable}) {
        const auto count = summary.states.find(state);
        states[service::to_string(state)] = count == summary.states.end() ? 0 : count->second;
      }
      list.push_back(
          Json{{"customer", summary.customer},
               {"product", summary.product},
               {"devices", summary.devices},
               {"fully_patched", summary.fully_patched},
               {"fully_patched_share",
                summary.devices > 0 ? static_cast<double>(summary.fully_patched) / summary.devices : 0.0},
               {"stale", summary.stale},
               {"states", states},
               {"oldest_missing_critical_days",
                summary.oldest_missing_critical_days ? Json(*summary.oldest_missing_critical_days) : Json()}});
    }
  };
  if (!scope || !for_each_report(*scope, request, call, failure, visit)) {
    return failure;
  }
  return json_response(200,
                       Json{{"customer", named_json(scope->named)}, {"at", call.at.to_string()}, {"products", list}});
}

HttpResponse billing(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto customer = one_customer(request, call, failure);
  if (!customer) {
    return failure;
  }
  const auto product = request.query.find("product");
  if (product == request.query.end() || !catalog::is_identifier(product->second)) {
    return http::problem(400, "Bad Request", "name the product: ?product=ID");
  }
  const auto statement = service::billing_statement(call.catalog, *customer, product->second, call.at);
  if (!statement) {
    return error_response(statement.error());
  }
  return HttpResponse{200, "application/json", service::billing_json(*statement), {}, {}, {}};
}

} // namespace

void add_contact_routes(http::Router& router, const SharedPtr& shared) {
  const Roles everyone{Role::operator_role, Role::publisher, Role::contact, Role::device};
  const Roles readers{Role::operator_role, Role::contact};
  router.add("GET", "/v1/updates", authorised(shared, everyone, [shared](const HttpRequest&, Call& call) {
               return list_updates(*shared, call);
             }));
  router.add("GET", "/v1/bulletins",
             authorised(shared, {Role::contact}, [](const HttpRequest&, Call& call) { return list_bulletins(call); }));
  router.add("POST", "/v1/enrolment-tokens", authorised(shared, {Role::contact}, create_enrolment_token));
  router.add("DELETE", "/v1/enrolment-tokens/{id}", authorised(shared, {Role::contact}, void_enrolment_token));
  router.add("GET", "/v1/compliance/migration", authorised(shared, readers, migration));
  router.add("GET", "/v1/compliance/products", authorised(shared, readers, [](const HttpRequest& request, Call& call) {
               return product_compliance(request, call);
             }));
  router.add("GET", "/v1/billing", authorised(shared, readers, billing));
}

} // namespace lifeline::server::api
