#include "server/dashboard/dashboard.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include "catalog/catalog.hpp"
#include "catalog/identifiers.hpp"
#include "server/auth/credentials.hpp"
#include "server/dashboard/form.hpp"
#include "server/dashboard/html.hpp"
#include "server/dashboard/login_tokens.hpp"
#include "server/dashboard/pages.hpp"
#include "server/dashboard/sessions.hpp"
#include "server/service/compliance_walk.hpp"
#include "server/service/page_cursor.hpp"
#include "signing/crypto.hpp"

namespace lifeline::server::dashboard {

namespace {

using catalog::Role;
using http::HttpRequest;
using http::HttpResponse;

constexpr const char* k_session_cookie = "lifeline_session";
constexpr const char* k_login_cookie = "lifeline_login";
constexpr std::int64_t k_audit_rows = 200;
constexpr int k_default_stale_days = 14;

struct State {
  explicit State(DashboardContext dashboard_context) : context(std::move(dashboard_context)) {}

  DashboardContext context;
  SessionStore sessions;
  LoginTokens login_tokens;
};
using StatePtr = std::shared_ptr<State>;

// Every page: nothing from elsewhere, no framing, no caching, no referrer to other sites.
HttpResponse html_response(int status, std::string body) {
  HttpResponse response{status, "text/html; charset=utf-8", std::move(body), {}, {}, {}};
  response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'self'; img-src 'self'; "
                                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["X-Frame-Options"] = "DENY";
  response.headers["Referrer-Policy"] = "same-origin"; // "no-referrer" would make form posts say Origin: null
  response.headers["Cache-Control"] = "no-store";
  return response;
}

HttpResponse asset(const std::string& content_type, std::string_view content) {
  HttpResponse response{200, content_type, std::string(content), {}, {}, {}};
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["Cache-Control"] = "max-age=3600";
  return response;
}

HttpResponse redirect(const std::string& location) {
  auto response = html_response(303, "");
  response.headers["Location"] = location;
  return response;
}

bool from_trusted_proxy(const State& state, const HttpRequest& request) {
  const auto& proxies = state.context.trusted_proxies;
  return std::find(proxies.begin(), proxies.end(), request.remote_address) != proxies.end();
}

// Whether the browser reached us over TLS: ours, or a trusted proxy's that says so.
bool over_tls(const State& state, const HttpRequest& request) {
  return state.context.tls || (from_trusted_proxy(state, request) && request.header("x-forwarded-proto") == "https");
}

std::string cookie(const State& state, const HttpRequest& request, const std::string& name, const std::string& value,
                   const std::string& path, int max_age_seconds) {
  return name + "=" + value + "; Path=" + path + "; Max-Age=" + std::to_string(max_age_seconds) +
         "; HttpOnly; SameSite=Strict" + (over_tls(state, request) ? "; Secure" : "");
}

HttpResponse message_page(int status, const Frame& frame, const std::string& heading, const std::string& text) {
  auto titled = frame;
  titled.title = heading;
  return html_response(status, page(titled, message_main(heading, text)));
}

HttpResponse unavailable() {
  return message_page(503, Frame{}, "Service unavailable", "The server could not read its catalog; retry later.");
}

// A form post must come from our own pages: when the browser names its origin ("null" included),
// it is the host the browser asked for (behind a trusted proxy, the one the proxy says).
bool same_origin(const State& state, const HttpRequest& request) {
  const auto origin = request.header("origin");
  if (origin.empty()) {
    return true;
  }
  const auto forwarded_host = request.header("x-forwarded-host");
  const auto host =
      !forwarded_host.empty() && from_trusted_proxy(state, request) ? forwarded_host : request.header("host");
  const auto scheme_end = origin.find("://");
  return scheme_end != std::string::npos && !host.empty() && origin.substr(scheme_end + 3) == host;
}

std::optional<std::map<std::string, std::string>> form_of(const HttpRequest& request) {
  if (!http::media_type_is(request.header("content-type"), "application/x-www-form-urlencoded")) {
    return std::nullopt;
  }
  return parse_form(request.body);
}

std::string field(const std::map<std::string, std::string>& form, const std::string& name) {
  const auto found = form.find(name);
  return found == form.end() ? std::string() : found->second;
}

// Who is looking: a live session whose credential still stands.
struct Viewer {
  std::string session_id;
  Session session;
  catalog::Catalog* catalog = nullptr;
  util::Date at;

  [[nodiscard]] Frame frame(const std::string& title, std::optional<std::string> customer = std::nullopt) const {
    return Frame{title, session.principal.subject + " (" + catalog::to_string(session.principal.role) + ")",
                 session.csrf, std::move(customer), session.principal.role == Role::operator_role};
  }
};

std::variant<Viewer, HttpResponse> viewer_of(State& state, const HttpRequest& request) {
  const auto cookies = parse_cookies(request.header("cookie"));
  const auto id = cookies.find(k_session_cookie);
  const auto now = state.context.session_clock->now_seconds();
  const auto session = id == cookies.end() ? std::nullopt : state.sessions.find(id->second, now);
  if (!session) {
    return redirect("/dashboard/login");
  }
  auto catalog = catalog::thread_catalog(state.context.catalog);
  if (!catalog) {
    return unavailable();
  }
  // Revoked, or its contact removed from the order: the session ends with it.
  const auto credential = (*catalog)->find_credential(session->credential_id);
  if (!credential) {
    return unavailable();
  }
  if (!*credential || (*credential)->principal.role != session->principal.role ||
      (*credential)->principal.subject != session->principal.subject) {
    state.sessions.close(id->second);
    auto ended = redirect("/dashboard/login?ended=1");
    ended.headers["Set-Cookie"] = cookie(state, request, k_session_cookie, "", "/dashboard", 0);
    return ended;
  }
  return Viewer{id->second, *session, *catalog, state.context.clock->today()};
}

// A handler for a signed-in viewer.
using ViewerHandler = std::function<HttpResponse(const HttpRequest&, Viewer&)>;
http::Handler signed_in(const StatePtr& state, ViewerHandler handler) {
  return [state, handler = std::move(handler)](const HttpRequest& request) {
    auto viewer = viewer_of(*state, request);
    if (auto* refusal = std::get_if<HttpResponse>(&viewer)) {
      return std::move(*refusal);
    }
    return handler(request, std::get<Viewer>(viewer));
  };
}

// A customer's pages: operators see any, a designated contact only their own customer's.
using CustomerHandler = std::function<HttpResponse(const HttpRequest&, Viewer&, const std::string& customer)>;
http::Handler customer_page(const StatePtr& state, CustomerHandler handler) {
  return signed_in(state, [handler = std::move(handler)](const HttpRequest& request, Viewer& viewer) {
    const auto& customer = request.params.at("customer");
    const auto& principal = viewer.session.principal;
    if (principal.role != Role::operator_role && principal.customer != customer) {
      return message_page(403, viewer.frame("Forbidden", principal.customer), "Not your customer's page",
                          "A designated contact sees their own customer's pages only.");
    }
    if (!catalog::is_identifier(customer)) {
      return message_page(404, viewer.frame("Not found"), "Not found", "There is no such customer.");
    }
    return handler(request, viewer, customer);
  });
}

// ?name=N within [low, high]; `fallback` when absent, nullopt when malformed or out of range.
std::optional<int> number_parameter(const HttpRequest& request, const std::string& name, int fallback, int low,
                                    int high) {
  const auto found = request.query.find(name);
  if (found == request.query.end()) {
    return fallback;
  }
  const auto& text = found->second;
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  const int value = std::stoi(text);
  return value >= low && value <= high ? std::optional(value) : std::nullopt;
}

std::variant<Overview, HttpResponse> load_overview(const HttpRequest& request, Viewer& viewer,
                                                   const std::string& customer) {
  const auto days = number_parameter(request, "stale_days", k_default_stale_days, 1, 3650);
  if (!days) {
    return message_page(400, viewer.frame("Bad request", customer), "Bad request",
                        "Stale after must be a number of days from 1 to 3650.");
  }
  auto& catalog = *viewer.catalog;
  auto order = catalog.find_order(customer);
  if (order && !*order) {
    return message_page(404, viewer.frame("Not found"), "Not found", "There is no such customer.");
  }
  auto products = catalog.list_products();
  auto devices = catalog.list_devices(customer);
  if (!order || !products || !devices) {
    return unavailable();
  }
  auto compliance = service::ComplianceReport::load(catalog, customer, viewer.at, *days);
  if (!compliance) {
    return unavailable();
  }
  Overview overview;
  overview.order = std::move(**order);
  for (const auto& product : *products) {
    overview.product_names.emplace(product.id, product.name);
  }
  overview.products = compliance->products();
  overview.migration = service::migration_progress(overview.order, *products, *devices, viewer.at);
  overview.report = std::move(*compliance);
  overview.stale_days = *days;
  overview.at = viewer.at;
  return overview;
}

// The customer's overview, devices or update page from its loaded data.
using OverviewPage = std::function<HttpResponse(const HttpRequest&, Viewer&, const Overview&)>;
http::Handler overview_page(const StatePtr& state, OverviewPage render) {
  return customer_page(
      state, [render = std::move(render)](const HttpRequest& request, Viewer& viewer, const std::string& customer) {
        auto overview = load_overview(request, viewer, customer);
        if (auto* refusal = std::get_if<HttpResponse>(&overview)) {
          return std::move(*refusal);
        }
        return render(request, viewer, std::get<Overview>(overview));
      });
}

HttpResponse login_form(State& state, const HttpRequest& request, int status, const std::string& message) {
  const auto token = state.login_tokens.issue(state.context.session_clock->now_seconds());
  auto response = html_response(status, page(Frame{"Log in", "", "", std::nullopt, false}, login_main(token, message)));
  response.headers["Set-Cookie"] = cookie(state, request, k_login_cookie, token, "/dashboard/login", 30 * 60);
  return response;
}

HttpResponse show_login(State& state, const HttpRequest& request) {
  const auto cookies = parse_cookies(request.header("cookie"));
  const auto id = cookies.find(k_session_cookie);
  if (id != cookies.end() && state.sessions.find(id->second, state.context.session_clock->now_seconds())) {
    return redirect("/dashboard");
  }
  const bool ended = request.query.contains("ended");
  return login_form(state, request, 200,
                    ended ? "Your session ended: its credential was revoked or its contact removed. Log in again."
                          : "");
}

HttpResponse log_in(State& state, const HttpRequest& request) {
  const auto form = form_of(request);
  if (!form) {
    return login_form(state, request, 400, "The login form could not be read; try again.");
  }
  // Double-submit: the form's token must be the one this browser was given with the form, and
  // one this server issued (login_tokens.hpp), not a pair the client made up.
  const auto cookies = parse_cookies(request.header("cookie"));
  const auto expected = cookies.find(k_login_cookie);
  const auto sent = field(*form, "csrf");
  if (!same_origin(state, request) || expected == cookies.end() || sent.size() != LoginTokens::k_token_chars ||
      !signing::constant_time_equal(sent, expected->second) ||
      !state.login_tokens.valid(sent, state.context.session_clock->now_seconds())) {
    return login_form(state, request, 403, "The login form expired or did not come from this server; try again.");
  }
  auto catalog = catalog::thread_catalog(state.context.catalog);
  if (!catalog) {
    return unavailable();
  }
  const auto credential = field(*form, "credential");
  const auto principal = auth::authenticate(**catalog, credential);
  const auto id = auth::token_id(credential);
  if (!principal) {
    return unavailable();
  }
  if (!*principal || !id) {
    return login_form(state, request, 401,
                      "This credential is not valid: mistyped, revoked, or its contact removed from the order.");
  }
  const auto role = (*principal)->role;
  if (role != Role::contact && role != Role::operator_role) {
    return login_form(state, request, 403,
                      "A " + catalog::to_string(role) +
                          " credential cannot open the dashboard: use a designated contact's or an operator's.");
  }
  // A login replaces the browser's previous session, if it had one.
  if (const auto previous = cookies.find(k_session_cookie); previous != cookies.end()) {
    state.sessions.close(previous->second);
  }
  const auto opened = state.sessions.open(**principal, *id, state.context.session_clock->now_seconds());
  auto response = redirect("/dashboard");
  response.headers["Set-Cookie"] = cookie(state, request, k_session_cookie, opened.id, "/dashboard",
                                          static_cast<int>(SessionStore::k_lifetime_seconds));
  return response;
}

HttpResponse log_out(State& state, const HttpRequest& request, Viewer& viewer) {
  const auto form = form_of(request);
  const auto sent = form ? field(*form, "csrf") : std::string();
  if (!same_origin(state, request) || sent.size() != 64 || !signing::constant_time_equal(sent, viewer.session.csrf)) {
    return message_page(403, viewer.frame("Forbidden"), "Not logged out",
                        "The form did not come from this session; use the Log out button.");
  }
  state.sessions.close(viewer.session_id);
  auto response = redirect("/dashboard/login");
  response.headers["Set-Cookie"] = cookie(state, request, k_session_cookie, "", "/dashboard", 0);
  return response;
}

HttpResponse home(Viewer& viewer) {
  const auto& principal = viewer.session.principal;
  if (principal.role == Role::operator_role) {
    return redirect("/dashboard/customers");
  }
  return redirect("/dashboard/customers/" + principal.customer.value_or(""));
}

HttpResponse customers(Viewer& viewer) {
  if (viewer.session.principal.role != Role::operator_role) {
    return home(viewer);
  }
  const auto all = viewer.catalog->list_customers();
  if (!all) {
    return unavailable();
  }
  return html_response(200, page(viewer.frame("All customers"), customers_main(*all)));
}

HttpResponse update_page(const HttpRequest& request, Viewer& viewer, const Overview& overview) {
  const auto& kb = request.params.at("kb");
  const auto& customer = overview.order.customer_id;
  const auto update =
      catalog::is_kb(kb) ? viewer.catalog->find_update(kb) : util::Result<std::optional<catalog::Update>>(std::nullopt);
  if (!update) {
    return unavailable();
  }
  const bool rates_enrolled =
      *update && std::any_of(overview.order.enrolments.begin(), overview.order.enrolments.end(),
                             [&](const catalog::Enrolment& enrolment) {
                               return catalog::rating_for(**update, enrolment.product) != nullptr;
                             });
  if (!rates_enrolled) {
    return message_page(404, viewer.frame("Not found", customer), "Not found",
                        "No update " + kb + " rates a product this customer enrolled.");
  }
  return html_response(200, page(viewer.frame(kb, customer), update_main(overview, **update)));
}

// The devices table a page at a time (?cursor= the "Next devices" link's): only the page's
// devices are read and decided, whatever the fleet's size.
HttpResponse devices_page(const HttpRequest& request, Viewer& viewer, const std::string& customer) {
  const auto frame = viewer.frame("Devices", customer);
  const auto days = number_parameter(request, "stale_days", k_default_stale_days, 1, 3650);
  if (!days) {
    return message_page(400, frame, "Bad request", "Stale after must be a number of days from 1 to 3650.");
  }
  std::optional<service::FleetPosition> start;
  if (const auto cursor = request.query.find("cursor"); cursor != request.query.end()) {
    const auto position = service::decode_cursor(cursor->second, service::Listing::compliance);
    if (!position || position->customer != customer) {
      return message_page(400, frame, "Bad request",
                          "This page link is not one of this customer's device pages; start from the first page.");
    }
    start = service::FleetPosition{position->customer, position->device};
  }
  auto& catalog = *viewer.catalog;
  const auto order = catalog.find_order(customer);
  if (order && !*order) {
    return message_page(404, viewer.frame("Not found"), "Not found", "There is no such customer.");
  }
  const auto products = catalog.list_products();
  if (!order || !products) {
    return unavailable();
  }
  DevicesPage listing;
  listing.customer_id = customer;
  listing.customer_name = (*order)->customer_name;
  for (const auto& product : *products) {
    listing.product_names.emplace(product.id, product.name);
  }
  listing.stale_days = *days;
  listing.first = !start;
  service::ComplianceWalk walk({customer}, viewer.at, *days, start);
  const auto more = walk.next(catalog, k_devices_per_page, [&](const service::DeviceCompliance& entry) {
    listing.rows.push_back(device_cells(listing, entry));
  });
  if (!more) {
    return unavailable();
  }
  if (*more && walk.position()) {
    listing.next =
        service::encode_cursor(service::PageCursor{service::Listing::compliance, customer, walk.position()->device, 0});
  }
  return html_response(200, page(frame, devices_main(listing)));
}

HttpResponse audit_page(Viewer& viewer, const std::string& customer) {
  const auto newest = viewer.catalog->audit_latest(customer, k_audit_rows);
  if (!newest) {
    return unavailable();
  }
  return html_response(200, page(viewer.frame("Audit", customer), audit_main(customer, *newest)));
}

} // namespace

void add_dashboard_routes(http::Router& router, const DashboardContext& context) {
  const auto state = std::make_shared<State>(context);
  router.add("GET", "/dashboard/style.css",
             [](const HttpRequest&) { return asset("text/css; charset=utf-8", stylesheet()); });
  router.add("GET", "/dashboard/icon.svg", [](const HttpRequest&) { return asset("image/svg+xml", icon()); });
  router.add("GET", "/dashboard/login", [state](const HttpRequest& request) { return show_login(*state, request); });
  router.add("POST", "/dashboard/login", [state](const HttpRequest& request) { return log_in(*state, request); });
  router.add("POST", "/dashboard/logout", signed_in(state, [state](const HttpRequest& request, Viewer& viewer) {
               return log_out(*state, request, viewer);
             }));
  router.add("GET", "/dashboard", signed_in(state, [](const HttpRequest&, Viewer& viewer) { return home(viewer); }));
  router.add("GET", "/dashboard/customers",
             signed_in(state, [](const HttpRequest&, Viewer& viewer) { return customers(viewer); }));
  router.add("GET", "/dashboard/customers/{customer}",
             overview_page(state, [](const HttpRequest&, Viewer& viewer, const Overview& overview) {
               return html_response(200, page(viewer.frame(overview.order.customer_name, overview.order.customer_id),
                                              overview_main(overview)));
             }));
  router.add("GET", "/dashboard/customers/{customer}/devices",
             customer_page(state, [](const HttpRequest& request, Viewer& viewer, const std::string& customer) {
               return devices_page(request, viewer, customer);
             }));
  router.add("GET", "/dashboard/customers/{customer}/updates/{kb}", overview_page(state, update_page));
  router.add("GET", "/dashboard/customers/{customer}/audit",
             customer_page(state, [](const HttpRequest&, Viewer& viewer, const std::string& customer) {
               return audit_page(viewer, customer);
             }));
}

} // namespace lifeline::server::dashboard
