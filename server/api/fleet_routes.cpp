// A customer's fleet read in bounded pieces: its devices and their compliance a page at a time by
// key (?limit=, ?cursor= the previous page's next_cursor), its audit trail by sequence, and
// whole-fleet exports streamed as CSV or JSON while they are made, a page at a time, so that
// neither the server's memory nor one answer grows with the fleet.
#include <algorithm>
#include <map>
#include <memory>

#include "server/api/routes.hpp"
#include "server/service/compliance_walk.hpp"
#include "server/service/page_cursor.hpp"
#include "util/csv.hpp"

namespace lifeline::server::api {

namespace {

using catalog::Role;
using service::Listing;

constexpr std::int64_t k_default_page = 500;
constexpr std::int64_t k_max_page = 5'000;
constexpr std::int64_t k_default_audit_page = 1'000;
constexpr std::int64_t k_export_devices = 5'000;    // devices per piece of a device export
constexpr std::int64_t k_export_compliance = 1'000; // devices per piece of a compliance export

std::string dumped(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// What a page is asked for: how many items at most, and after which.
struct PageAsked {
  std::int64_t limit = k_default_page;
  std::optional<service::PageCursor> cursor;
};

// ?limit= and ?cursor= of a listing. `owner` is the customer the caller's listing is about
// ("" for an audit trail of every customer; nullopt for a compliance report of every customer,
// which walks through them all): a cursor written for another customer's listing is refused.
std::optional<PageAsked> page_asked(const HttpRequest& request, Listing listing, std::int64_t fallback,
                                    const std::optional<std::string>& owner, HttpResponse& failure) {
  const auto limit_text = request.query.find("limit");
  const auto limit =
      service::page_limit(limit_text == request.query.end() ? nullptr : &limit_text->second, fallback, k_max_page);
  if (!limit) {
    failure = http::problem(400, "Bad Request", limit.error().message);
    return std::nullopt;
  }
  PageAsked asked{*limit, std::nullopt};
  const auto cursor_text = request.query.find("cursor");
  if (cursor_text == request.query.end()) {
    return asked;
  }
  auto cursor = service::decode_cursor(cursor_text->second, listing);
  if (!cursor) {
    failure = http::problem(400, "Bad Request", cursor.error().message);
    return std::nullopt;
  }
  if (owner && cursor->customer != *owner) {
    failure = http::problem(400, "Bad Request", "cursor belongs to another customer's listing");
    return std::nullopt;
  }
  asked.cursor = std::move(*cursor);
  return asked;
}

// ?format=csv (the default) or json, for exports.
std::optional<bool> csv_format(const HttpRequest& request, HttpResponse& failure) {
  const auto format = request.query.find("format");
  if (format == request.query.end() || format->second == "csv") {
    return true;
  }
  if (format->second == "json") {
    return false;
  }
  failure = http::problem(400, "Bad Request", "format must be csv or json");
  return std::nullopt;
}

// The next piece of an export, read from `catalog`; "" once the export is complete.
using NextPiece = std::function<util::Result<std::string>(catalog::Catalog&)>;

// An export streamed while it is made: the first piece is made before the answer starts, so
// that a failure there is still a problem document; each later one when the listener asks,
// from the catalog connection of the thread that asks.
HttpResponse streamed(const Shared& shared, Call& call, bool csv, const std::string& name, NextPiece next) {
  auto first = next(call.catalog);
  if (!first) {
    return error_response(first.error());
  }
  HttpResponse response{200, csv ? "text/csv; charset=utf-8; header=present" : "application/json", {}, {}, {}, {}};
  response.headers["Content-Disposition"] = "attachment; filename=\"" + name + (csv ? ".csv" : ".json") + "\"";
  response.headers["Cache-Control"] = "no-store";
  response.headers["X-Accel-Buffering"] = "no"; // a proxy passes the pieces on as they come
  auto pending = std::make_shared<std::string>(std::move(*first));
  response.chunks = [pending, next = std::move(next),
                     location = shared.context.catalog]() -> util::Result<std::string> {
    if (!pending->empty()) {
      return std::exchange(*pending, std::string());
    }
    const auto catalog = catalog::thread_catalog(location);
    if (!catalog) {
      return catalog.error();
    }
    return next(**catalog);
  };
  return response;
}

const std::vector<std::string> k_device_columns{"DEVICE",   "SITE",       "PRODUCT",   "SP",
                                                "LANGUAGE", "REGISTERED", "LAST SEEN", "RETIRED"};

std::vector<std::string> device_row(const catalog::Device& device) {
  const auto date = [](const std::optional<util::Date>& value) { return value ? value->to_string() : std::string(); };
  return {device.id,
          device.site,
          device.product,
          device.service_pack,
          device.language,
          device.registered.to_string(),
          date(device.last_seen),
          date(device.retired)};
}

const std::vector<std::string> k_compliance_columns{"CUSTOMER",     "DEVICE",           "SITE",
                                                    "PRODUCT",      "LAST SEEN",        "STALE",
                                                    "INSTALLED",    "ENTITLED-MISSING", "PREREQUISITE-MISSING",
                                                    "NOT-ENTITLED", "SUPERSEDED"};

// One device's row, as `lifeline compliance devices --csv` writes it: the updates per state,
// each with its reason codes or the update that supersedes it.
std::vector<std::string> compliance_row(const service::DeviceCompliance& entry) {
  using service::UpdateState;
  std::map<UpdateState, std::string> by_state;
  for (const auto& status : entry.updates) {
    auto cell = status.update->id;
    if (!status.reasons.empty()) {
      cell += "(";
      for (std::size_t i = 0; i < status.reasons.size(); ++i) {
        cell += (i > 0 ? "+" : "") + status.reasons[i];
      }
      cell += ")";
    }
    if (status.superseded_by != nullptr) {
      cell += "(by " + status.superseded_by->id + ")";
    }
    auto& text = by_state[status.state];
    text += (text.empty() ? "" : " ") + cell;
  }
  const auto& device = *entry.device;
  return {device.customer,
          device.id,
          device.site,
          device.product,
          device.last_seen ? device.last_seen->to_string() : std::string(),
          entry.stale ? "stale" : "",
          by_state[UpdateState::installed],
          by_state[UpdateState::entitled_missing],
          by_state[UpdateState::prerequisite_missing],
          by_state[UpdateState::not_entitled],
          by_state[UpdateState::superseded]};
}

// A JSON string as nlohmann's dump writes it: plain printable ASCII as it is, anything else
// (quotes, control characters, UTF-8) through the library, so the text is the same either way.
void append_string(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += dumped(Json(std::string(text)));
  }
}

void append_date(std::string& out, const std::optional<util::Date>& date) {
  if (date) {
    append_string(out, date->to_string());
  } else {
    out += "null";
  }
}

template <typename Strings> void append_strings(std::string& out, const Strings& strings) {
  out += '[';
  bool first = true;
  for (const auto& text : strings) {
    out += first ? "" : ",";
    append_string(out, text);
    first = false;
  }
  out += ']';
}

// One device with each applicable update in one explicit state, written straight out as JSON
// text (a whole fleet's worth goes through here): what device_json gives, then "stale", the
// updates "installed" and "entitled_missing", the "withheld" ones and every update's state.
void append_device_compliance(std::string& out, const service::DeviceCompliance& entry) {
  using service::UpdateState;
  const auto& device = *entry.device;
  const auto field = [&](const char* name) {
    out += out.back() == '{' ? "\"" : ",\"";
    out += name;
    out += "\":";
  };
  out += '{';
  field("id");
  append_string(out, device.id);
  field("customer");
  append_string(out, device.customer);
  field("site");
  append_string(out, device.site);
  field("product");
  append_string(out, device.product);
  field("service_pack");
  append_string(out, device.service_pack);
  field("language");
  append_string(out, device.language);
  field("registered");
  append_string(out, device.registered.to_string());
  field("retired");
  append_date(out, device.retired);
  field("last_seen");
  append_date(out, device.last_seen);
  field("stale");
  out += entry.stale ? "true" : "false";
  std::vector<std::string_view> installed;
  std::vector<std::string_view> missing;
  std::string withheld = "[";
  std::string updates = "[";
  for (const auto& status : entry.updates) {
    const auto& kb = status.update->id;
    std::string detail = "\"reasons\":";
    append_strings(detail, status.reasons);
    detail += ",\"superseded_by\":";
    if (status.superseded_by != nullptr) {
      append_string(detail, status.superseded_by->id);
    } else {
      detail += "null";
    }
    if (status.state == UpdateState::installed) {
      installed.push_back(kb);
    } else if (status.state == UpdateState::entitled_missing) {
      missing.push_back(kb);
    } else if (status.state != UpdateState::not_applicable) {
      withheld += withheld.size() > 1 ? ",{\"kb\":" : "{\"kb\":";
      append_string(withheld, kb);
      withheld += "," + detail + "}";
    }
    updates += updates.size() > 1 ? ",{\"kb\":" : "{\"kb\":";
    append_string(updates, kb);
    updates += ",\"state\":";
    append_string(updates, service::to_string(status.state));
    updates += "," + detail + "}";
  }
  field("installed");
  append_strings(out, installed);
  field("entitled_missing");
  append_strings(out, missing);
  field("withheld");
  out += withheld + "]";
  field("updates");
  out += updates + "]}";
}

HttpResponse list_devices(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto customer = one_customer(request, call, failure);
  const auto asked =
      customer ? page_asked(request, Listing::devices, k_default_page, *customer, failure) : std::nullopt;
  if (!asked) {
    return failure;
  }
  const auto after = asked->cursor ? std::optional(asked->cursor->device) : std::nullopt;
  // One device more than the page holds says whether a next page starts after it.
  auto devices = call.catalog.list_devices_page(*customer, after, asked->limit + 1);
  if (!devices) {
    return error_response(devices.error());
  }
  const bool more = static_cast<std::int64_t>(devices->size()) > asked->limit;
  if (more) {
    devices->pop_back();
  }
  Json list = Json::array();
  for (const auto& device : *devices) {
    list.push_back(device_json(device));
  }
  const auto next =
      more ? Json(service::encode_cursor({Listing::devices, *customer, catalog::DeviceKey::of(devices->back()), 0}))
           : Json();
  return json_response(200, Json{{"customer", *customer}, {"devices", list}, {"next_cursor", next}});
}

HttpResponse export_devices(const Shared& shared, const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto customer = one_customer(request, call, failure);
  const auto csv = customer ? csv_format(request, failure) : std::nullopt;
  if (!csv) {
    return failure;
  }
  struct State {
    std::string customer;
    bool csv = true;
    bool started = false;
    bool done = false;
    std::optional<catalog::DeviceKey> after;
  };
  auto state = std::make_shared<State>(State{*customer, *csv, false, false, std::nullopt});
  return streamed(shared, call, *csv, "devices-" + *customer,
                  [state](catalog::Catalog& catalog) -> util::Result<std::string> {
                    auto& s = *state;
                    if (s.done) {
                      return std::string();
                    }
                    std::string piece;
                    if (!s.started) {
                      piece = s.csv ? util::csv_line(k_device_columns)
                                    : R"({"customer":)" + dumped(Json(s.customer)) + R"(,"devices":[)";
                    }
                    const auto devices = catalog.list_devices_page(s.customer, s.after, k_export_devices);
                    if (!devices) {
                      return devices.error();
                    }
                    for (const auto& device : *devices) {
                      if (s.csv) {
                        piece += util::csv_line(device_row(device));
                      } else {
                        piece += (s.started || &device != &devices->front() ? "," : "") + dumped(device_json(device));
                      }
                    }
                    s.started = true;
                    if (!devices->empty()) {
                      s.after = catalog::DeviceKey::of(devices->back());
                    }
                    s.done = static_cast<std::int64_t>(devices->size()) < k_export_devices;
                    if (s.done && !s.csv) {
                      piece += "]}";
                    }
                    return piece;
                  });
}

HttpResponse compliance(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto scope = report_scope(request, call, failure);
  const auto days = scope ? stale_days(request, failure) : std::nullopt;
  const auto asked =
      days ? page_asked(request, Listing::compliance, k_default_page, scope->named, failure) : std::nullopt;
  if (!asked) {
    return failure;
  }
  std::optional<service::FleetPosition> start;
  if (asked->cursor) {
    start = service::FleetPosition{asked->cursor->customer, asked->cursor->device};
  }
  service::ComplianceWalk walk(scope->customers, call.at, *days, start);
  // Each device's JSON is written out as text as soon as it is decided: the page is held as text only.
  std::string devices;
  const auto more = walk.next(call.catalog, asked->limit, [&](const service::DeviceCompliance& entry) {
    if (!devices.empty()) {
      devices += ',';
    }
    append_device_compliance(devices, entry);
  });
  if (!more) {
    return error_response(more.error());
  }
  const auto& last = walk.position();
  const auto next =
      *more && last ? Json(service::encode_cursor({Listing::compliance, last->customer, last->device, 0})) : Json();
  return HttpResponse{200,
                      "application/json",
                      R"({"customer":)" + dumped(named_json(scope->named)) + R"(,"at":")" + call.at.to_string() +
                          R"(","devices":[)" + devices + R"(],"next_cursor":)" + dumped(next) + "}",
                      {},
                      {},
                      {}};
}

HttpResponse export_compliance(const Shared& shared, const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto scope = report_scope(request, call, failure);
  const auto days = scope ? stale_days(request, failure) : std::nullopt;
  const auto csv = days ? csv_format(request, failure) : std::nullopt;
  if (!csv) {
    return failure;
  }
  struct State {
    service::ComplianceWalk walk;
    std::string prologue; // the JSON document up to its device list
    bool csv = true;
    bool started = false;
    bool more = true;
  };
  auto state = std::make_shared<State>(State{service::ComplianceWalk(scope->customers, call.at, *days),
                                             R"({"customer":)" + dumped(named_json(scope->named)) + R"(,"at":")" +
                                                 call.at.to_string() + R"(","devices":[)",
                                             *csv, false, true});
  const auto name = "compliance-" + scope->named.value_or("all") + "-" + call.at.to_string();
  return streamed(shared, call, *csv, name, [state](catalog::Catalog& catalog) -> util::Result<std::string> {
    auto& s = *state;
    if (!s.more) {
      return std::string();
    }
    std::string piece;
    bool first_row = !s.started;
    if (!s.started) {
      piece = s.csv ? util::csv_line(k_compliance_columns) : s.prologue;
      s.started = true;
    }
    const auto more = s.walk.next(catalog, k_export_compliance, [&](const service::DeviceCompliance& entry) {
      if (s.csv) {
        piece += util::csv_line(compliance_row(entry));
      } else {
        if (!first_row) {
          piece += ',';
        }
        append_device_compliance(piece, entry);
        first_row = false;
      }
    });
    if (!more) {
      return more.error();
    }
    s.more = *more;
    if (!s.more && !s.csv) {
      piece += "]}";
    }
    return piece;
  });
}

HttpResponse audit_trail(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto scope = customer_scope(request, call, failure);
  const auto asked =
      scope ? page_asked(request, Listing::audit, k_default_audit_page, scope->value_or(""), failure) : std::nullopt;
  if (!asked) {
    return failure;
  }
  std::int64_t after = asked->cursor ? asked->cursor->sequence : 0;
  if (const auto it = request.query.find("after"); it != request.query.end()) {
    const auto& text = it->second;
    if (asked->cursor) {
      return http::problem(400, "Bad Request", "give after or cursor, not both");
    }
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) {
      return http::problem(400, "Bad Request", "after must be an audit sequence number");
    }
    after = std::stoll(text);
  }
  auto entries = call.catalog.audit_page(*scope, after, asked->limit + 1);
  if (!entries) {
    return error_response(entries.error());
  }
  const bool more = static_cast<std::int64_t>(entries->size()) > asked->limit;
  if (more) {
    entries->pop_back();
  }
  Json list = Json::array();
  for (const auto& entry : *entries) {
    list.push_back(Json{{"sequence", entry.sequence},
                        {"recorded", entry.recorded},
                        {"at", entry.at.to_string()},
                        {"actor", entry.actor},
                        {"action", entry.action},
                        {"customer", entry.customer ? Json(*entry.customer) : Json()},
                        {"subject", entry.subject},
                        {"detail", Json::parse(entry.detail, nullptr, false)}});
  }
  // ?after=<next_after> (or ?cursor=<next_cursor>) reads on; both null on the last page.
  Json next_after;
  Json next_cursor;
  if (more) {
    const auto last = entries->back().sequence;
    next_after = last;
    next_cursor = service::encode_cursor({Listing::audit, scope->value_or(""), {}, last});
  }
  return json_response(200, Json{{"entries", list}, {"next_after", next_after}, {"next_cursor", next_cursor}});
}

} // namespace

void add_fleet_routes(http::Router& router, const SharedPtr& shared) {
  const Roles readers{Role::operator_role, Role::contact};
  router.add("GET", "/v1/devices", authorised(shared, readers, list_devices));
  router.add("GET", "/v1/devices/export", authorised(shared, readers, [shared](const HttpRequest& request, Call& call) {
               return export_devices(*shared, request, call);
             }));
  router.add("GET", "/v1/compliance", authorised(shared, readers, compliance));
  router.add("GET", "/v1/compliance/export",
             authorised(shared, readers, [shared](const HttpRequest& request, Call& call) {
               return export_compliance(*shared, request, call);
             }));
  router.add("GET", "/v1/audit", authorised(shared, readers, audit_trail));
}

} // namespace lifeline::server::api
