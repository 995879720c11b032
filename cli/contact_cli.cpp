#include "cli/contact_cli.hpp"

#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <termios.h>
#include <unistd.h>

#include "cli/bundle.hpp"
#include "cli/contact_client.hpp"
#include "cli/contact_config.hpp"
#include "cli/pull.hpp"
#include "cli/session.hpp"
#include "cli/table.hpp"
#include "signing/tuf/metadata.hpp"
#include "util/atomic_file.hpp"
#include "util/command_line.hpp"
#include "util/csv.hpp"
#include "util/file.hpp"
#include "util/progress_line.hpp"

namespace lifeline::cli {

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* k_version = "lifeline 0.1.0";

// The credential from a file, standard input ("-"), or a prompt that does not echo it: never
// from the command line, where the process list would show it.
util::Result<std::string> read_credential(const std::string& source, std::istream& in, std::ostream& err) {
  std::string credential;
  if (!source.empty() && source != "-") {
    auto text = util::read_file(source, 4096);
    if (!text) {
      return text.error();
    }
    credential = text->substr(0, text->find_first_of("\r\n"));
  } else if (source.empty() && ::isatty(STDIN_FILENO) == 1) {
    err << "credential: " << std::flush;
    termios saved{};
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(in, credential);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err << '\n';
  } else {
    std::getline(in, credential);
  }
  while (!credential.empty() && (credential.back() == '\r' || credential.back() == ' ' || credential.back() == '\t')) {
    credential.pop_back();
  }
  if (credential.empty()) {
    return util::make_error(util::ErrorKind::invalid_input, "the credential is empty");
  }
  return credential;
}

std::string text(const Json& object, const char* name) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    return {};
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string joined(const Json& object, const char* name, const char* separator = ",") {
  std::string all;
  const auto it = object.find(name);
  if (it != object.end() && it->is_array()) {
    for (const auto& item : *it) {
      all += (all.empty() ? "" : separator) + (item.is_string() ? item.get<std::string>() : item.dump());
    }
  }
  return all;
}

// The array `name` of a JSON answer, or an error saying the answer is not what was expected.
util::Result<Json> listed(const util::Result<std::string>& body, const char* name) {
  if (!body) {
    return body.error();
  }
  auto answer = Json::parse(*body, nullptr, false);
  if (!answer.is_object() || !answer.contains(name) || !answer[name].is_array()) {
    return util::make_error(util::ErrorKind::invalid_input, std::string("the server's answer has no ") + name);
  }
  return std::move(answer[name]);
}

struct Output {
  bool json = false;
  bool csv = false;
};

void print_rows(std::ostream& out, const Output& format, const Row& header, const std::vector<Row>& rows) {
  if (format.csv) {
    print_csv(out, header, rows);
  } else {
    print_table(out, header, rows);
  }
}

// Every entry of the audit trail the caller may read, following the pages.
util::Result<Json> audit_entries(ContactClient& client) {
  Json entries = Json::array();
  std::string after;
  for (;;) {
    const auto page = client.get("/v1/audit" + (after.empty() ? std::string() : "?after=" + after));
    const auto items = listed(page, "entries");
    if (!items) {
      return items.error();
    }
    for (const auto& item : *items) {
      entries.push_back(item);
    }
    const auto answer = Json::parse(*page, nullptr, false);
    const auto next = answer.find("next_after");
    if (next == answer.end() || !next->is_number_integer()) {
      return entries;
    }
    if (!after.empty() && next->get<std::int64_t>() <= std::stoll(after)) {
      return util::make_error(util::ErrorKind::invalid_input, "the server's audit pages do not move forward");
    }
    after = next->dump();
  }
}

// --limit/--cursor: one page of a paged listing; neither: every page.
struct Paging {
  std::int64_t limit = 0;
  std::string cursor;

  [[nodiscard]] bool one_page() const { return limit > 0 || !cursor.empty(); }
};

std::string with_query(const std::string& path, const std::string& parameter) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + parameter;
}

// The pages of a listing in turn, following each page's next_cursor (or only the page `paging`
// names), each page's items given to `page` as they come; the cursor after the last page read
// ("" when it was the last of all).
util::Result<std::string> read_pages(ContactClient& client, const std::string& path, const char* array,
                                     const Paging& paging, const std::function<void(const Json& items)>& page) {
  std::string cursor = paging.cursor;
  for (;;) {
    auto asked = paging.limit > 0 ? with_query(path, "limit=" + std::to_string(paging.limit)) : path;
    if (!cursor.empty()) {
      asked = with_query(asked, "cursor=" + signing::tuf::percent_encode(cursor));
    }
    const auto body = client.get(asked);
    const auto items = listed(body, array);
    if (!items) {
      return items.error();
    }
    page(*items);
    const auto answer = Json::parse(*body, nullptr, false);
    const auto next = answer.find("next_cursor");
    const auto following = next != answer.end() && next->is_string() ? next->get<std::string>() : std::string();
    if (following.empty() || paging.one_page()) {
      return following;
    }
    if (following == cursor) {
      return util::make_error(util::ErrorKind::invalid_input, "the server's pages do not move forward");
    }
    cursor = following;
  }
}

// Streams an export into `file`, which is replaced only once the whole body has arrived (0600:
// it holds the customer's fleet); the bytes written.
util::Result<std::uint64_t> export_into(ContactClient& client, const std::string& path, const fs::path& file) {
  auto writer = util::AtomicFileWriter::create(file, util::FileMode::private_file);
  if (!writer) {
    return writer.error();
  }
  const auto received = client.download(path, [&](std::string_view bytes) { return writer->write(bytes); });
  if (!received) {
    writer->discard();
    return received.error();
  }
  if (auto committed = writer->commit(); !committed) {
    return committed.error();
  }
  return *received;
}

int fail(std::ostream& err, const util::Error& error) {
  err << "lifeline: " << error.message << '\n';
  return 1;
}

} // namespace

int run_contact_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err,
                    const util::Clock& clock) {
  CLI::App app{"Lifeline for designated contacts: entitled updates, pulls, enrolment tokens, compliance", "lifeline"};
  app.set_version_flag("--version", k_version);
  std::string at;
  app.add_option("--at", at, "Verify metadata as of midnight UTC of this date (rehearsals, tests)");
  Output format;

  std::string server;
  std::string root_file;
  std::string credential_file;
  auto* login = app.add_subcommand("login", "Keep the server, trusted root and credential (0600) for later commands");
  std::string config_file;
  app.add_option("--config", config_file,
                 std::string("Configuration file (default: ") + k_default_contact_config + ", when present)");
  auto* config_app = app.add_subcommand("config", "The configuration file")->require_subcommand(1);
  auto* config_show = config_app->add_subcommand("show", "Print the configuration in effect");
  login->add_option("--server", server, "The Lifeline server, https://host[:port] (default: the configuration's)");
  login->add_option("--root", root_file,
                    "The trusted root.json the vendor shipped, TUF's trust anchor (default: the configuration's)");
  login->add_option("--credential-file", credential_file, "File holding the credential, or - for stdin");
  auto* logout = app.add_subcommand("logout", "Forget the session");

  auto* updates = app.add_subcommand("updates", "Updates the customer is entitled to")->require_subcommand(1);
  auto* updates_list = updates->add_subcommand("list", "KB, product, MSRC rating, CVEs, release, supersedence");
  updates_list->add_flag("--json", format.json, "JSON output");
  auto* bulletins = app.add_subcommand("bulletins", "Security bulletins (CS-16)")->require_subcommand(1);
  auto* bulletins_list = bulletins->add_subcommand("list", "Bulletins of the enrolled products");
  bulletins_list->add_flag("--json", format.json, "JSON output");

  std::vector<std::string> kbs;
  bool all = false;
  std::string out_dir;
  auto* pull_app = app.add_subcommand("pull", "Download updates, verified against signed metadata");
  pull_app->add_option("KB", kbs, "Updates to pull");
  pull_app->add_flag("--all", all, "Every entitled update");
  pull_app->add_option("--out", out_dir, "Directory to write them to")->required();

  std::string site;
  std::string product;
  int uses = 1;
  std::string expires;
  auto* tokens = app.add_subcommand("enrolment-token", "Enrolment tokens for devices")->require_subcommand(1);
  auto* token_create = tokens->add_subcommand("create", "A one-time token a device registers with");
  token_create->add_option("--site", site, "The site the devices are at")->required();
  token_create->add_option("--product", product, "The product they run")->required();
  token_create->add_option("--uses", uses, "How many devices may use it")->check(CLI::Range(1, 10000));
  token_create->add_option("--expires", expires, "Last day it can be used (YYYY-MM-DD)");

  std::string bundle_file;
  std::vector<std::string> bundle_products;
  auto* bundle = app.add_subcommand("bundle", "Offline bundles for closed networks")->require_subcommand(1);
  auto* bundle_create =
      bundle->add_subcommand("create", "Metadata, payloads and statements for the devices, in one file");
  bundle_create->add_option("--out", bundle_file, "The bundle file to write")->required();
  bundle_create->add_option("--products", bundle_products, "Only these products (default: every entitled one)");
  std::string receipts_file;
  auto* reports =
      app.add_subcommand("reports", "Install receipts carried out of closed networks")->require_subcommand(1);
  auto* reports_upload = reports->add_subcommand("upload", "Upload the receipts lifeline-agent report --export wrote");
  reports_upload->add_option("FILE", receipts_file, "The receipts file")->required();
  auto* devices = app.add_subcommand("devices", "The customer's devices")->require_subcommand(1);
  auto* devices_list = devices->add_subcommand("list", "Registered devices (every page, or one with --limit/--cursor)");
  devices_list->add_flag("--json", format.json, "JSON output");
  auto* devices_export = devices->add_subcommand("export", "Every device, streamed into a file");
  auto* audit = app.add_subcommand("audit", "The customer's audit trail")->require_subcommand(1);
  auto* audit_list = audit->add_subcommand("list", "Every entry, oldest first");
  audit_list->add_flag("--json", format.json, "JSON output");
  auto* compliance =
      app.add_subcommand("compliance", "What is installed against what is entitled")->require_subcommand(1);
  auto* compliance_devices =
      compliance->add_subcommand("devices", "Per device: each applicable update in one state; stale devices");
  auto* compliance_products =
      compliance->add_subcommand("products", "Per product: states, share fully patched, oldest missing Critical");
  auto* compliance_migration =
      compliance->add_subcommand("migration", "The migration plan against reality, per programme quarter (CS-4)");
  auto* compliance_downloads =
      compliance->add_subcommand("downloads", "Who downloaded or pulled what, when, and the decision (CS-12)");
  auto* compliance_billing = compliance->add_subcommand("billing", "The billing statement of an enrolment (CS-10)");
  auto* compliance_export = compliance->add_subcommand(
      "export", "Per device, as compliance devices, for the whole fleet streamed into a file (CSV or JSON)");
  Paging paging;
  for (auto* listing : {devices_list, compliance_devices}) {
    listing->add_option("--limit", paging.limit, "One page of at most N (default: every page)")
        ->check(CLI::Range(1, 5000));
    listing->add_option("--cursor", paging.cursor, "The page after this cursor (the next_cursor a page gave)");
  }
  std::string export_format = "csv";
  std::string export_file;
  for (auto* exported : {devices_export, compliance_export}) {
    exported->add_option("--format", export_format, "csv (default) or json")->check(CLI::IsMember({"csv", "json"}));
    exported->add_option("--out", export_file, "The file to write (replaced only once complete)")->required();
  }
  std::string billed_product;
  compliance_billing->add_option("--product", billed_product, "The enrolled product")->required();
  for (auto* report :
       {compliance_devices, compliance_products, compliance_migration, compliance_downloads, compliance_billing}) {
    report->add_flag("--json", format.json, "JSON output");
    report->add_flag("--csv", format.csv, "CSV output (RFC 4180)");
  }
  int stale = 14;
  for (auto* report : {compliance_devices, compliance_products, compliance_export}) {
    report->add_option("--stale-days", stale, "Devices not seen for longer are stale")->check(CLI::Range(1, 3650));
  }
  std::string report_customer; // operators: one customer instead of all
  for (auto* report : {compliance_devices, compliance_products, compliance_migration, compliance_export}) {
    report->add_option("--customer", report_customer, "One customer (operators read every customer without it)");
  }
  app.require_subcommand(1);

  if (const auto answered = util::parse_command_line(app, args, out, err, "lifeline", k_version)) {
    return *answered;
  }
  std::optional<util::FixedClock> fixed;
  if (!util::clock_at(at, fixed, err, "lifeline")) {
    return 2;
  }
  const util::Clock& now = fixed ? static_cast<const util::Clock&>(*fixed) : clock;
  ContactConfig config;
  std::error_code unreadable;
  const bool default_present = fs::exists(k_default_contact_config, unreadable);
  if (config_file.empty() && unreadable) { // said, not fatal: the options still work without it
    err << "lifeline: warning: cannot read " << k_default_contact_config << ": " << unreadable.message() << '\n';
  }
  if (!config_file.empty() || default_present) {
    auto loaded = load_contact_config(config_file.empty() ? k_default_contact_config : config_file);
    if (!loaded) {
      err << "lifeline: " << loaded.error().message << '\n';
      return 3;
    }
    config = std::move(*loaded);
  }
  const auto dir = config.session_dir.empty() ? config_dir() : config.session_dir;
  if (config_show->parsed()) {
    out << effective_config_json(config, dir) << '\n';
    return 0;
  }

  if (login->parsed()) {
    server = server.empty() ? config.server : server;
    root_file = root_file.empty() ? config.root : root_file;
    if (server.empty() || root_file.empty()) {
      err << "lifeline: login needs --server and --root (or both in the configuration file)\n";
      return 2;
    }
    const auto root = util::read_file(root_file, 512'000);
    if (!root) {
      return fail(err, root.error());
    }
    if (const auto parsed = signing::tuf::parse_root(*root); !parsed) {
      err << "lifeline: " << root_file << " is not TUF root metadata: " << parsed.error().message << '\n';
      return 1;
    }
    // The credential is a bearer secret: only over TLS, or to this machine.
    const bool loopback = server.rfind("http://127.0.0.1", 0) == 0 || server.rfind("http://localhost", 0) == 0 ||
                          server.rfind("http://[::1]", 0) == 0;
    if (server.rfind("https://", 0) != 0 && !loopback) {
      err << "lifeline: --server must be https:// (plain http only to this machine): " << server << '\n';
      return 2;
    }
    const auto credential = read_credential(credential_file, in, err);
    if (!credential) {
      return fail(err, credential.error());
    }
    ContactClient client(Session{server, *credential});
    if (const auto checked = client.get("/v1/updates"); !checked) {
      err << "lifeline: login refused: " << checked.error().message << '\n';
      return 1;
    }
    if (const auto saved = save_session(dir, client.session(), *root); !saved) {
      return fail(err, saved.error());
    }
    out << "logged in to " << server << " (session in " << dir.string() << ")\n";
    return 0;
  }
  if (logout->parsed()) {
    forget_session(dir);
    out << "logged out\n";
    return 0;
  }
  const auto session = load_session(dir);
  if (!session) {
    err << "lifeline: " << session.error().message << '\n';
    return 3;
  }
  ContactClient client(*session);

  // Long transfers (pull, bundle) show a progress line when a person is watching.
  util::ProgressLine progress_line(err);
  const PullProgress progress =
      ::isatty(STDERR_FILENO) == 1 ? PullProgress([&](const std::string& target, std::uint64_t done,
                                                      std::uint64_t total) { progress_line.show(target, done, total); })
                                   : PullProgress();
  if (pull_app->parsed()) {
    if (kbs.empty() == !all) {
      err << "lifeline: name the updates to pull, or --all\n";
      return 2;
    }
    const PullRequest request{kbs, all, out_dir, metadata_dir(dir), now.now_seconds()};
    const auto pulled = pull(client, request, progress);
    if (!pulled) {
      return fail(err, pulled.error());
    }
    for (const auto& path : *pulled) {
      out << "verified " << (fs::path(out_dir) / path).string() << '\n';
    }
    if (pulled->empty()) {
      err << "lifeline: nothing to pull: no published payload for the updates asked\n";
    }
    return 0;
  }
  if (bundle_create->parsed()) {
    const BundleRequest request{bundle_products, bundle_file, trusted_root(dir), now.now_seconds()};
    const auto made = create_bundle(client, request, progress);
    if (!made) {
      return fail(err, made.error());
    }
    out << bundle_file << ": " << made->targets.size() << " verified payload(s), statements for "
        << made->devices.size() << " device(s)\n";
    return 0;
  }
  if (reports_upload->parsed()) {
    const auto receipts = util::read_file(receipts_file, 64 << 20);
    if (!receipts) {
      return fail(err, receipts.error());
    }
    const auto uploaded = client.post("/v1/reports", *receipts);
    if (!uploaded) {
      return fail(err, uploaded.error());
    }
    const auto answer = Json::parse(*uploaded, nullptr, false);
    const auto results = answer.is_object() ? answer.find("results") : answer.end();
    int refused = 0;
    for (const auto& result :
         answer.is_object() && results != answer.end() && results->is_array() ? *results : Json::array()) {
      const auto status = text(result, "status");
      const auto reply = result.find("answer");
      const auto& body = reply != result.end() ? *reply : Json();
      const bool taken = status == "200" || status == "201";
      refused += taken ? 0 : 1;
      out << text(result, "device") << ' ' << text(body, "report_id") << ": "
          << (taken ? text(body, "state") + (status == "200" ? " (already received)" : "")
                    : "refused (HTTP " + status + "): " + text(body, "detail"))
          << '\n';
    }
    return refused == 0 ? 0 : 1;
  }
  if (token_create->parsed()) {
    Json body{{"site", site}, {"product", product}, {"uses", uses}};
    if (!expires.empty()) {
      body["expires"] = expires;
    }
    const auto created = client.post("/v1/enrolment-tokens", body.dump());
    if (!created) {
      return fail(err, created.error());
    }
    const auto token = Json::parse(*created, nullptr, false);
    out << text(token, "token") << '\n';
    err << "enrolment token " << text(token, "id") << " for " << text(token, "product") << " at " << text(token, "site")
        << ", " << text(token, "uses") << " use(s), until " << text(token, "expires") << " (shown once)\n";
    return 0;
  }

  // The listings: JSON as the server answers, or rows.
  const auto customer_query =
      report_customer.empty() ? std::string() : "customer=" + signing::tuf::percent_encode(report_customer);
  const auto stale_query =
      "?stale_days=" + std::to_string(stale) + (customer_query.empty() ? "" : "&" + customer_query);
  struct Listing {
    CLI::App* command;
    std::string path;
    const char* array;
    Row header;
    std::function<Row(const Json&)> row;
    bool paged = false; // read a page at a time (Paging)
  };
  const std::vector<Listing> listings{
      {updates_list,
       "/v1/updates",
       "updates",
       {"KB", "PRODUCT", "RATING", "RELEASED", "CVES", "SUPERSEDES", "LABEL", "TITLE"},
       [](const Json& u) {
         return Row{text(u, "kb"),
                    text(u, "product"),
                    text(u, "severity"),
                    text(u, "released"),
                    joined(u, "cves"),
                    joined(u, "supersedes"),
                    text(u, "not_regression_tested") == "true" ? "not regression-tested" : "",
                    text(u, "title")};
       }},
      {bulletins_list,
       "/v1/bulletins",
       "bulletins",
       {"KB", "RELEASED", "PRODUCTS", "CVES", "TITLE"},
       [](const Json& b) {
         return Row{text(b, "kb"), text(b, "released"), joined(b, "products"), joined(b, "cves"), text(b, "title")};
       }},
      {devices_list,
       "/v1/devices",
       "devices",
       {"DEVICE", "SITE", "PRODUCT", "SP", "LANGUAGE", "REGISTERED", "LAST SEEN", "RETIRED"},
       [](const Json& d) {
         return Row{text(d, "id"),       text(d, "site"),       text(d, "product"),   text(d, "service_pack"),
                    text(d, "language"), text(d, "registered"), text(d, "last_seen"), text(d, "retired")};
       },
       true},
      {compliance_devices,
       "/v1/compliance" + stale_query,
       "devices",
       {"CUSTOMER", "DEVICE", "SITE", "PRODUCT", "LAST SEEN", "STALE", "INSTALLED", "ENTITLED-MISSING",
        "PREREQUISITE-MISSING", "NOT-ENTITLED", "SUPERSEDED"},
       [](const Json& d) {
         std::map<std::string, std::string> by_state;
         const auto list = d.find("updates");
         for (const auto& item : list != d.end() && list->is_array() ? *list : Json::array()) {
           auto kb = text(item, "kb");
           if (const auto reasons = joined(item, "reasons", "+"); !reasons.empty()) {
             kb += "(" + reasons + ")";
           }
           if (const auto by = text(item, "superseded_by"); !by.empty()) {
             kb += "(by " + by + ")";
           }
           auto& cell = by_state[text(item, "state")];
           cell += (cell.empty() ? "" : " ") + kb;
         }
         return Row{text(d, "customer"),
                    text(d, "id"),
                    text(d, "site"),
                    text(d, "product"),
                    text(d, "last_seen"),
                    text(d, "stale") == "true" ? "stale" : "",
                    by_state["installed"],
                    by_state["entitled-missing"],
                    by_state["prerequisite-missing"],
                    by_state["not-entitled"],
                    by_state["superseded"]};
       },
       true},
      {compliance_billing,
       "/v1/billing?product=" + signing::tuf::percent_encode(billed_product),
       "quarters",
       {"QUARTER", "BILLING DATE", "START", "END", "RETROACTIVE"},
       [](const Json& q) {
         return Row{text(q, "quarter"), text(q, "billing_date"), text(q, "start"), text(q, "end"),
                    text(q, "retroactive") == "true" ? "retroactive" : ""};
       }},
      {compliance_migration,
       "/v1/compliance/migration" + (customer_query.empty() ? "" : "?" + customer_query),
       "quarters",
       {"CUSTOMER", "PRODUCT", "QUARTER", "PLANNED", "REGISTERED", "ACTIVE", "OVER PLAN"},
       [](const Json& q) {
         return Row{text(q, "customer"), text(q, "product"),    text(q, "start") + " to " + text(q, "end"),
                    text(q, "planned"),  text(q, "registered"), text(q, "active"),
                    text(q, "over_plan")};
       }},
      {compliance_products,
       "/v1/compliance/products" + stale_query,
       "products",
       {"CUSTOMER", "PRODUCT", "DEVICES", "FULLY PATCHED", "STALE", "INSTALLED", "ENTITLED-MISSING",
        "PREREQUISITE-MISSING", "NOT-ENTITLED", "SUPERSEDED", "OLDEST MISSING CRITICAL (DAYS)"},
       [](const Json& p) {
         const auto states = p.find("states");
         const auto count = [&](const char* state) {
           return states != p.end() && states->is_object() ? text(*states, state) : std::string();
         };
         char share[16];
         const auto ratio = p.find("fully_patched_share");
         std::snprintf(share, sizeof share, "%.0f%%",
                       ratio != p.end() && ratio->is_number() ? ratio->get<double>() * 100 : 0.0);
         return Row{text(p, "customer"),
                    text(p, "product"),
                    text(p, "devices"),
                    text(p, "fully_patched") + " (" + share + ")",
                    text(p, "stale"),
                    count("installed"),
                    count("entitled-missing"),
                    count("prerequisite-missing"),
                    count("not-entitled"),
                    count("superseded"),
                    text(p, "oldest_missing_critical_days")};
       }},
  };
  // Exports: the server streams them, and so does this.
  if (devices_export->parsed() || compliance_export->parsed()) {
    const auto path = devices_export->parsed() ? "/v1/devices/export?format=" + export_format
                                               : "/v1/compliance/export" + stale_query + "&format=" + export_format;
    const auto written = export_into(client, path, export_file);
    if (!written) {
      return fail(err, written.error());
    }
    out << export_file << ": " << *written << " bytes\n";
    return 0;
  }
  for (const auto& listing : listings) {
    if (!listing.command->parsed()) {
      continue;
    }
    if (listing.paged) {
      // CSV goes out a page at a time; a table or JSON is written once every page is in.
      Json items = Json::array();
      std::vector<Row> rows;
      if (format.csv && !format.json) {
        out << util::csv_line(listing.header);
      }
      const auto next = read_pages(client, listing.path, listing.array, paging, [&](const Json& page) {
        for (const auto& item : page) {
          if (format.json) {
            items.push_back(item);
          } else if (format.csv) {
            out << util::csv_line(listing.row(item));
          } else {
            rows.push_back(listing.row(item));
          }
        }
      });
      if (!next) {
        return fail(err, next.error());
      }
      if (format.json) {
        Json document{{listing.array, items}};
        if (paging.one_page()) {
          document["next_cursor"] = next->empty() ? Json() : Json(*next);
        }
        out << document.dump(2) << '\n';
      } else if (!format.csv) {
        print_table(out, listing.header, rows);
      }
      if (paging.one_page() && !next->empty() && !format.json) {
        err << "more: --cursor " << *next << '\n';
      }
      return 0;
    }
    const auto items = listed(client.get(listing.path), listing.array);
    if (!items) {
      return fail(err, items.error());
    }
    if (format.json) {
      out << Json{{listing.array, *items}}.dump(2) << '\n';
      return 0;
    }
    std::vector<Row> rows;
    for (const auto& item : *items) {
      rows.push_back(listing.row(item));
    }
    print_rows(out, format, listing.header, rows);
    return 0;
  }
  // The audit trail, every page; all of it, or the downloads and pulls (CS-12).
  const auto entries = audit_entries(client);
  if (!entries) {
    return fail(err, entries.error());
  }
  const bool downloads_only = compliance_downloads->parsed();
  Json kept = Json::array();
  for (const auto& entry : *entries) {
    if (!downloads_only || text(entry, "action").rfind("download.", 0) == 0) {
      kept.push_back(entry);
    }
  }
  if (format.json) {
    out << Json{{"entries", kept}}.dump(2) << '\n';
    return 0;
  }
  std::vector<Row> rows;
  for (const auto& entry : kept) {
    const auto detail = entry.find("detail");
    rows.push_back(Row{text(entry, "sequence"), text(entry, "at"), text(entry, "actor"), text(entry, "action"),
                       text(entry, "subject"), detail != entry.end() ? detail->dump() : ""});
  }
  (void)audit_list;
  print_rows(out, format, {"SEQ", "AT", "ACTOR", "ACTION", "SUBJECT", "DETAIL"}, rows);
  return 0;
}

} // namespace lifeline::cli
