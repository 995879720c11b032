// Internal to the API: what route handlers share. Includes nlohmann/json: api/*.cpp only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.hpp"
#include "server/api/api.hpp"
#include "server/api/check_in_offers.hpp"
#include "server/api/metrics.hpp"
#include "server/api/shared_cache.hpp"
#include "server/auth/credentials.hpp"
#include "server/http/router.hpp"
#include "server/service/last_seen.hpp"
#include "server/service/repository_cache.hpp"

namespace lifeline::server::api {

using http::HttpRequest;
using http::HttpResponse;
using Json = nlohmann::ordered_json;

// State shared by every route and thread.
struct Shared {
  explicit Shared(ApiContext api_context)
      : context(std::move(api_context)), repository(context.data_dir),
        enrolment_offers(context.check_in_cache_bytes / 8), class_offers(context.check_in_cache_bytes),
        last_seen(context.catalog, context.last_seen_interval) {}

  ApiContext context;
  Metrics metrics;
  service::RepositoryCache repository;
  auth::CredentialCache credentials;
  auth::EnrolmentTokenCache enrolment_tokens;
  // What check-ins share (check_in_offers.hpp): per enrolment, and per class of devices.
  SharedCache<EnrolmentOffers> enrolment_offers;
  SharedCache<ClassOffer> class_offers;
  service::LastSeen last_seen;
};
using SharedPtr = std::shared_ptr<Shared>;

// One authenticated request: this thread's catalog, the caller, the evaluation date.
struct Call {
  catalog::Catalog& catalog;
  catalog::Principal caller;
  util::Date at;
  std::int64_t now = 0;

  // "role:subject", the actor named in the audit trail (never a secret).
  [[nodiscard]] std::string actor() const;
  [[nodiscard]] catalog::AuditContext audit() const { return catalog::AuditContext{at, actor()}; }
};

using CallHandler = std::function<HttpResponse(const HttpRequest&, Call&)>;
using Roles = std::vector<catalog::Role>;

// A route for callers with a bearer credential of one of `roles`: 401 without a valid one,
// 403 for another role.
http::Handler authorised(const SharedPtr& shared, Roles roles, CallHandler handler);
// For a route that takes a large body: the same checks on the request head, before the body.
http::Gate authorised_gate(const SharedPtr& shared, Roles roles);
// This thread's catalog (SQLite connections are per thread).
util::Result<catalog::Catalog*> thread_catalog(const ApiContext& context);

// The client's address for the audit trail: the connection's peer, or the last address a
// trusted proxy added to X-Forwarded-For.
std::string client_address(const Shared& shared, const HttpRequest& request);

HttpResponse json_response(int status, const Json& body);
HttpResponse error_response(const util::Error& error);
// 401 with WWW-Authenticate; `detail` says what was wrong with the credential.
HttpResponse unauthorized(const std::string& detail = "a valid bearer token is required (CS-12: nothing is served "
                                                      "anonymously)");
HttpResponse forbidden(const std::string& detail, const std::vector<std::string>& reasons = {});
// 422 with the problems of a refused document, each with its JSON pointer and rule.
HttpResponse refused_document(const std::string& detail, const std::vector<catalog::documents::Problem>& problems);

// The request's JSON object body, strictly parsed; nullopt with `failure` set when it is not.
std::optional<nlohmann::json> json_body(const HttpRequest& request, HttpResponse& failure);
// A string member; `failure` says which and why when it is missing or malformed.
std::optional<std::string> string_member(const nlohmann::json& body, const std::string& name,
                                         bool (*is_valid)(std::string_view), const std::string& expected,
                                         HttpResponse& failure);

// The customer a list is about: a contact's own; an operator's ?customer= (nullopt: all).
// Fails with 403 when a contact names another customer.
std::optional<std::optional<std::string>> customer_scope(const HttpRequest& request, const Call& call,
                                                         HttpResponse& failure);

// The customer a per-customer list is about (a contact's own); operators must name it (400).
std::optional<std::string> one_customer(const HttpRequest& request, const Call& call, HttpResponse& failure);

// ?stale_days=N (1-3650, default 14): devices not seen for longer are reported stale.
std::optional<int> stale_days(const HttpRequest& request, HttpResponse& failure);

// The customers a compliance report covers: the one the request is about (a contact's own), or
// every customer, by id, when an operator names none. `named` is what the answer's "customer" says.
struct ReportScope {
  std::optional<std::string> named;
  std::vector<std::string> customers;
};
std::optional<ReportScope> report_scope(const HttpRequest& request, Call& call, HttpResponse& failure);
// The answer's "customer": the one named, or null for every customer.
Json named_json(const std::optional<std::string>& customer);

Json update_json(const catalog::Update& update, const std::string& product);
Json device_json(const catalog::Device& device);
Json findings_json(const std::vector<catalog::rules::Finding>& findings);
// One withheld update of a device's offer, with its reasons or its replacement.
Json withheld_json(const service::WithheldUpdate& item);
std::vector<std::string> reason_codes(const std::vector<catalog::rules::Finding>& findings);

void add_repository_routes(http::Router& router, const SharedPtr& shared);
void add_device_routes(http::Router& router, const SharedPtr& shared);
void add_contact_routes(http::Router& router, const SharedPtr& shared);
void add_fleet_routes(http::Router& router, const SharedPtr& shared);
void add_operator_routes(http::Router& router, const SharedPtr& shared);

} // namespace lifeline::server::api
