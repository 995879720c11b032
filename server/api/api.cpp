#include "server/api/api.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <variant>

#include "catalog/identifiers.hpp"
#include "server/api/routes.hpp"
#include "server/auth/credentials.hpp"
#include "server/dashboard/dashboard.hpp"
#include "util/strict_json.hpp"

namespace lifeline::server::api {

namespace {

constexpr int k_max_body_depth = 16;

// The caller of a request, from "Authorization: Bearer TOKEN".
util::Result<std::optional<catalog::Principal>> caller(Shared& shared, const HttpRequest& request,
                                                       catalog::Catalog& catalog) {
  const auto header = request.header("authorization");
  const auto token = http::bearer_token(header);
  if (!token) {
    return std::optional<catalog::Principal>();
  }
  return shared.credentials.authenticate(catalog, *token);
}

// What check-ins shared and computed (check_in_offers.hpp): a fleet's check-ins should be shared.
std::string cache_metrics(const Shared& shared) {
  const auto line = [](const char* name, const char* result, std::uint64_t count) {
    return std::string(name) + "{result=\"" + result + "\"} " + std::to_string(count) + "\n";
  };
  return "# HELP lifeline_check_in_offers_total Check-in offers shared by a class of devices or computed.\n"
         "# TYPE lifeline_check_in_offers_total counter\n" +
         line("lifeline_check_in_offers_total", "shared", shared.class_offers.hits()) +
         line("lifeline_check_in_offers_total", "computed", shared.class_offers.misses()) +
         "# HELP lifeline_enrolment_views_total Enrolment views shared by check-ins or read from the catalog.\n"
         "# TYPE lifeline_enrolment_views_total counter\n" +
         line("lifeline_enrolment_views_total", "shared", shared.enrolment_offers.hits()) +
         line("lifeline_enrolment_views_total", "read", shared.enrolment_offers.misses());
}

} // namespace

std::string Call::actor() const {
  return catalog::to_string(caller.role) + ":" + caller.subject;
}

util::Result<catalog::Catalog*> thread_catalog(const ApiContext& context) {
  return catalog::thread_catalog(context.catalog);
}

std::variant<Call, HttpResponse> open_call(Shared& shared, const HttpRequest& request, const Roles& roles) {
  auto catalog = thread_catalog(shared.context);
  if (!catalog) {
    return http::problem(503, "Service Unavailable", "the catalog cannot be opened");
  }
  const auto principal = caller(shared, request, **catalog);
  if (!principal) {
    return error_response(principal.error());
  }
  if (!*principal) {
    return unauthorized();
  }
  const auto role = (*principal)->role;
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    return forbidden("a " + catalog::to_string(role) + " credential may not " + request.method + " " + request.path);
  }
  if (role != catalog::Role::device && shared.last_seen.pending()) {
    shared.last_seen.flush(); // what people read shows every check-in this server answered
  }
  return Call{**catalog, **principal, shared.context.clock->today(), shared.context.clock->now_seconds()};
}

http::Handler authorised(const SharedPtr& shared, Roles roles, CallHandler handler) {
  return [shared, roles = std::move(roles), handler = std::move(handler)](const HttpRequest& request) {
    auto call = open_call(*shared, request, roles);
    if (auto* refusal = std::get_if<HttpResponse>(&call)) {
      return std::move(*refusal);
    }
    return handler(request, std::get<Call>(call));
  };
}

http::Gate authorised_gate(const SharedPtr& shared, Roles roles) {
  return [shared, roles = std::move(roles)](const HttpRequest& head) -> std::optional<HttpResponse> {
    auto call = open_call(*shared, head, roles);
    if (auto* refusal = std::get_if<HttpResponse>(&call)) {
      return std::move(*refusal);
    }
    return std::nullopt;
  };
}

std::string client_address(const Shared& shared, const HttpRequest& request) {
  const auto& proxies = shared.context.trusted_proxies;
  const auto forwarded = request.header("x-forwarded-for");
  if (forwarded.empty() || std::find(proxies.begin(), proxies.end(), request.remote_address) == proxies.end()) {
    return request.remote_address;
  }
  const auto comma = forwarded.rfind(',');
  auto last = forwarded.substr(comma == std::string::npos ? 0 : comma + 1);
  last.erase(0, last.find_first_not_of(' '));
  const bool plausible = !last.empty() && last.size() <= 45 && std::all_of(last.begin(), last.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == '.' || c == ':';
  });
  return plausible ? last : request.remote_address;
}

HttpResponse json_response(int status, const Json& body) {
  return HttpResponse{status, "application/json", body.dump(-1, ' ', false, Json::error_handler_t::replace), {}, {},
                      {}};
}

HttpResponse error_response(const util::Error& error) {
  switch (error.kind) {
  case util::ErrorKind::invalid_input:
    return http::problem(422, "Unprocessable Content", error.message);
  case util::ErrorKind::not_found:
    return http::problem(404, "Not Found", error.message);
  case util::ErrorKind::conflict:
    return http::problem(409, "Conflict", error.message);
  case util::ErrorKind::database:
  case util::ErrorKind::io:
  case util::ErrorKind::internal:
    break;
  }
  // Storage details stay in the server; the caller learns that it may retry.
  return http::problem(503, "Service Unavailable", "the server could not complete the request; retry later");
}

HttpResponse unauthorized(const std::string& detail) {
  auto response = http::problem(401, "Unauthorized", detail);
  response.headers["WWW-Authenticate"] = "Bearer realm=\"lifeline\"";
  return response;
}

HttpResponse forbidden(const std::string& detail, const std::vector<std::string>& reasons) {
  return http::problem(403, "Forbidden", detail, reasons);
}

HttpResponse refused_document(const std::string& detail, const std::vector<catalog::documents::Problem>& problems) {
  auto response = http::problem(422, "Unprocessable Content", detail);
  auto document = nlohmann::ordered_json::parse(response.body);
  auto& list = document["problems"] = Json::array();
  for (const auto& problem : problems) {
    list.push_back({{"pointer", problem.pointer}, {"rule", problem.rule}, {"message", problem.message}});
  }
  response.body = document.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

std::optional<nlohmann::json> json_body(const HttpRequest& request, HttpResponse& failure) {
  const auto type = request.header("content-type");
  if (!http::media_type_is(type, "application/json")) {
    failure = http::problem(415, "Unsupported Media Type", "the body must be application/json");
    return std::nullopt;
  }
  auto parsed = util::parse_strict_json<nlohmann::json>(request.body, k_max_body_depth);
  if (!parsed) {
    failure = http::problem(400, "Bad Request", "the body is not valid JSON: " + parsed.error().message);
    return std::nullopt;
  }
  if (!parsed->is_object()) {
    failure = http::problem(400, "Bad Request", "the body must be a JSON object");
    return std::nullopt;
  }
  return std::move(*parsed);
}

std::optional<std::string> string_member(const nlohmann::json& body, const std::string& name,
                                         bool (*is_valid)(std::string_view), const std::string& expected,
                                         HttpResponse& failure) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string() || !is_valid(it->get_ref<const std::string&>())) {
    failure = http::problem(422, "Unprocessable Content", "/" + name + " must be " + expected);
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<std::optional<std::string>> customer_scope(const HttpRequest& request, const Call& call,
                                                         HttpResponse& failure) {
  const auto asked = request.query.find("customer");
  if (call.caller.role == catalog::Role::contact || call.caller.role == catalog::Role::device) {
    if (asked != request.query.end() && asked->second != call.caller.customer) {
      failure = forbidden("a " + catalog::to_string(call.caller.role) + " reads its own customer's data only");
      return std::nullopt;
    }
    return std::optional<std::optional<std::string>>(call.caller.customer);
  }
  if (asked == request.query.end()) {
    return std::optional<std::optional<std::string>>(std::optional<std::string>());
  }
  if (!catalog::is_identifier(asked->second)) {
    failure = http::problem(400, "Bad Request", "customer must be a customer id");
    return std::nullopt;
  }
  return std::optional<std::optional<std::string>>(asked->second);
}

std::optional<std::string> one_customer(const HttpRequest& request, const Call& call, HttpResponse& failure) {
  const auto scope = customer_scope(request, call, failure);
  if (!scope) {
    return std::nullopt;
  }
  if (!*scope) {
    failure = http::problem(400, "Bad Request", "name the customer: ?customer=ID");
    return std::nullopt;
  }
  return **scope;
}

std::optional<int> stale_days(const HttpRequest& request, HttpResponse& failure) {
  const auto it = request.query.find("stale_days");
  if (it == request.query.end()) {
    return 14;
  }
  const auto& text = it->second;
  if (text.empty() || text.size() > 4 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) ||
      std::stoi(text) < 1 || std::stoi(text) > 3650) {
    failure = http::problem(400, "Bad Request", "stale_days must be a number of days from 1 to 3650");
    return std::nullopt;
  }
  return std::stoi(text);
}

std::optional<ReportScope> report_scope(const HttpRequest& request, Call& call, HttpResponse& failure) {
  const auto scope = customer_scope(request, call, failure);
  if (!scope) {
    return std::nullopt;
  }
  if (*scope) {
    return ReportScope{**scope, {**scope}};
  }
  auto customers = call.catalog.list_customers();
  if (!customers) {
    failure = error_response(customers.error());
    return std::nullopt;
  }
  ReportScope all{std::nullopt, {}};
  for (auto& customer : *customers) {
    all.customers.push_back(std::move(customer.id));
  }
  return all;
}

Json named_json(const std::optional<std::string>& customer) {
  return customer ? Json(*customer) : Json();
}

Json update_json(const catalog::Update& update, const std::string& product) {
  const auto* rating = catalog::rating_for(update, product);
  Json json{{"kb", update.id},
            {"kind", catalog::to_string(update.kind)},
            {"title", update.title},
            {"product", product},
            {"released", update.released.to_string()},
            {"cves", update.cves},
            {"supersedes", update.supersedes},
            {"not_regression_tested", !update.regression_tested}};
  json["severity"] = rating != nullptr && rating->severity ? Json(catalog::to_string(*rating->severity)) : Json();
  json["requires_service_pack"] = update.requires_service_pack ? Json(*update.requires_service_pack) : Json();
  json["language"] = update.language ? Json(*update.language) : Json();
  return json;
}

Json device_json(const catalog::Device& device) {
  const auto date = [](const std::optional<util::Date>& value) { return value ? Json(value->to_string()) : Json(); };
  return Json{{"id", device.id},
              {"customer", device.customer},
              {"site", device.site},
              {"product", device.product},
              {"service_pack", device.service_pack},
              {"language", device.language},
              {"registered", device.registered.to_string()},
              {"retired", date(device.retired)},
              {"last_seen", date(device.last_seen)}};
}

Json findings_json(const std::vector<catalog::rules::Finding>& findings) {
  Json list = Json::array();
  for (const auto& finding : findings) {
    list.push_back({{"reason", std::string(catalog::code(finding.reason))},
                    {"rule", std::string(catalog::rule(finding.reason))},
                    {"detail", finding.detail}});
  }
  return list;
}

std::vector<std::string> reason_codes(const std::vector<catalog::rules::Finding>& findings) {
  std::vector<std::string> codes;
  for (const auto& finding : findings) {
    codes.emplace_back(catalog::code(finding.reason));
  }
  return codes;
}

http::Router make_router(const ApiContext& context) {
  auto shared = std::make_shared<Shared>(context);
  http::Router router;
  router.add("GET", "/healthz", [](const HttpRequest&) {
    return HttpResponse{200, "application/json", R"({"status":"ok"})", {}, {}, {}};
  });
  router.add("GET", "/metrics", authorised(shared, {catalog::Role::operator_role}, [shared](const HttpRequest&, Call&) {
               return HttpResponse{
                   200, "text/plain; version=0.0.4", shared->metrics.render() + cache_metrics(*shared), {}, {}, {}};
             }));
  router.add(
      "GET", "/v1/whoami",
      authorised(
          shared,
          {catalog::Role::operator_role, catalog::Role::publisher, catalog::Role::contact, catalog::Role::device},
          [](const HttpRequest&, Call& call) {
            const auto& principal = call.caller;
            return json_response(200, Json{{"role", catalog::to_string(principal.role)},
                                           {"subject", principal.subject},
                                           {"customer", principal.customer ? Json(*principal.customer) : Json()}});
          }));
  add_repository_routes(router, shared);
  add_device_routes(router, shared);
  add_contact_routes(router, shared);
  add_fleet_routes(router, shared);
  add_operator_routes(router, shared);
  dashboard::add_dashboard_routes(router, dashboard::DashboardContext{context.data_dir, context.catalog, context.clock,
                                                                      context.tls, context.trusted_proxies});
  router.observe([shared](const std::string& method, const std::string& route, int status, double seconds) {
    shared->metrics.record_request(method, route, status, seconds);
  });
  return router;
}

} // namespace lifeline::server::api
