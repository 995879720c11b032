#include "agent/agent.hpp"

#include <chrono>
#include <utility>

#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "agent/installer.hpp"
#include "agent/trust_checks.hpp"
#include "agent/unpack.hpp"
#include "catalog/identifiers.hpp"
#include "signing/crypto.hpp"
#include "signing/curl/http_fetcher.hpp"
#include "signing/entitlement_statement.hpp"
#include "signing/install_receipt.hpp"
#include "signing/repository/key_store.hpp"
#include "signing/tuf/updater.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"
#include "util/strict_json.hpp"

namespace lifeline::agent {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr std::size_t k_max_answer_bytes = 4 << 20;

// A string member, or "" when absent or not a string.
std::string text_at(const Json& object, const char* name) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get_ref<const std::string&>() : std::string();
}

bool flag_at(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && *it == true;
}

// The strings of an array member; anything else is skipped.
std::vector<std::string> texts_at(const Json& object, const char* name) {
  std::vector<std::string> texts;
  const auto it = object.find(name);
  if (it != object.end() && it->is_array()) {
    for (const auto& item : *it) {
      if (item.is_string()) {
        texts.push_back(item.get_ref<const std::string&>());
      }
    }
  }
  return texts;
}

fs::path instance_dir(const AgentConfig& config, const std::string& name) {
  return config.state_dir / "instances" / name;
}

signing::curl::HttpOptions http_options(const AgentConfig& config, const std::string& token) {
  signing::curl::HttpOptions options;
  options.max_bytes_per_second = static_cast<long>(config.max_download_kib_per_second * 1024);
  if (config.ca_bundle) {
    options.ca_bundle = config.ca_bundle->string();
  }
  options.headers.push_back("Authorization: Bearer " + token); // never logged
  return options;
}

util::Result<std::string> read_secret(const fs::path& file) {
  auto text = util::read_file(file, 4096);
  if (!text) {
    return text.error();
  }
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) {
    text->pop_back();
  }
  return std::move(*text);
}

// Runs `attempt` until it succeeds or only a refusal is left: transfer failures (the server
// unreachable, a cut connection) are retried after base, 2 base, 4 base... each with up to half
// again of random jitter, so a fleet that lost its server does not come back at once. A
// verification failure is never retried: the same bytes would fail again.
template <typename Attempt> auto with_retries(const AgentConfig& config, Attempt attempt) {
  auto result = attempt();
  std::mt19937_64 random(std::random_device{}());
  for (int retry = 0;
       retry < config.retries && !result && result.error().code == signing::tuf::ErrorCode::download_failed; ++retry) {
    const auto base = config.retry_base_milliseconds << retry;
    const auto jitter = base > 0 ? static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(base / 2 + 1)) : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(base + jitter));
    result = attempt();
  }
  return result;
}

// Sends the queued reports as receipts signed with the device key; what the server does not
// acknowledge stays queued for next time.
void send_reports(signing::curl::HttpFetcher& client, const std::string& server, const fs::path& dir,
                  Installer& installer, InstanceSync& outcome) {
  const auto pending = installer.pending_reports();
  const auto key = signing::load_key(dir / "device-key.pem", std::nullopt);
  if (!pending || !key) {
    outcome.report_errors.push_back(!pending ? pending.error().message : "the device key: " + key.error().message);
    return;
  }
  for (const auto& report : *pending) {
    const signing::InstallReceipt receipt{outcome.device, report.id,
                                          report.update,  report.outcome,
                                          report.detail,  signing::tuf::parse_expires(report.queued_at).value_or(0)};
    const auto body = signing::sign_receipt(receipt, *key);
    if (!body) {
      outcome.reports_queued.push_back(report.id);
      continue;
    }
    const auto reply = client.post_json(server + "/v1/devices/me/reports", *body, k_max_answer_bytes);
    // 409: the server holds another report under this id; resending cannot change that.
    if (reply && (reply->status == 200 || reply->status == 201 || reply->status == 409) &&
        installer.mark_sent(report.id)) {
      outcome.reports_sent.push_back(report.id);
    } else {
      outcome.reports_queued.push_back(report.id);
      if (reply && reply->status >= 400 && reply->status != 409) {
        outcome.report_errors.push_back(report.id + ": " + signing::curl::problem_summary(*reply));
      }
    }
  }
}

// The server's withheld updates, each as "KB: REASON..." or "KB: superseded by KB".
void withheld_lines(const Json& answer, std::vector<std::string>& lines) {
  const auto withheld = answer.find("withheld");
  if (withheld == answer.end() || !withheld->is_array()) {
    return;
  }
  for (const auto& item : *withheld) {
    if (!item.is_object()) {
      continue;
    }
    std::string line = text_at(item, "kb") + ":";
    if (const auto by = text_at(item, "superseded_by"); !by.empty()) {
      line += " superseded by " + by;
    }
    for (const auto& reason : texts_at(item, "reasons")) {
      line += " " + reason;
    }
    lines.push_back(line);
  }
}

// One agent at a time per instance: a timer's run and a person's must not interleave downloads,
// installs or ledger writes. The kernel releases the lock when the process ends, however it ends.
class InstanceLock {
 public:
  static util::Result<InstanceLock> acquire(const fs::path& dir, const std::string& name) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    const int fd = ::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      return util::make_error(util::ErrorKind::io, (dir / "lock").string() + " cannot be opened");
    }
    InstanceLock lock(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      return util::make_error(util::ErrorKind::conflict,
                              "another lifeline-agent is working on instance " + name + "; try again when it is done");
    }
    return lock;
  }
  InstanceLock(InstanceLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  InstanceLock& operator=(InstanceLock&&) = delete;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }

 private:
  explicit InstanceLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

} // namespace

util::Result<Registration> Agent::register_instance(const std::string& name, const std::string& enrolment_token) {
  const auto* instance = m_config.instance(name);
  if (instance == nullptr) {
    return util::make_error(util::ErrorKind::not_found, "no instance " + name + " in the configuration");
  }
  const auto dir = instance_dir(m_config, name);
  std::error_code ec;
  if (fs::exists(dir / "credential", ec)) {
    return util::make_error(util::ErrorKind::conflict, "instance " + name + " is already registered");
  }
  if (auto made = signing::ensure_private_directory(m_config.state_dir); !made) {
    return made.error();
  }
  const auto lock = InstanceLock::acquire(dir, name);
  if (!lock) {
    return lock.error();
  }
  fs::create_directories(dir, ec);
  fs::permissions(dir, fs::perms::owner_all, ec);
  auto key = signing::SigningKey::generate();
  if (!key) {
    return key.error();
  }
  signing::curl::HttpFetcher client(http_options(m_config, enrolment_token));
  const Json inventory{{"product", instance->product},
                       {"service_pack", instance->service_pack},
                       {"language", instance->language},
                       {"public_key", key->public_hex()}};
  const auto reply = client.post_json(m_config.server + "/v1/devices", inventory.dump(), k_max_answer_bytes);
  if (!reply) {
    return util::make_error(util::ErrorKind::io, reply.error().message);
  }
  if (reply->status != 201) {
    return util::make_error(util::ErrorKind::invalid_input,
                            "registration refused: " + signing::curl::problem_summary(*reply));
  }
  const auto answer = Json::parse(reply->body, nullptr, false);
  const auto credential = text_at(answer, "credential");
  Registration registration{name, answer.is_object() && answer.contains("device") ? text_at(answer["device"], "id")
                                                                                  : std::string()};
  if (credential.empty() || !catalog::is_identifier(registration.device)) {
    return util::make_error(util::ErrorKind::invalid_input, "the server's registration answer is malformed");
  }
  // Key first, credential last: the credential's presence is what marks the instance registered.
  std::error_code ignored;
  fs::remove(dir / "device-key.pem", ignored); // from an attempt the server refused
  if (auto saved = signing::save_key(*key, dir / "device-key.pem", std::nullopt); !saved) {
    return saved.error();
  }
  if (auto written = util::write_file_atomically(dir / "device.json", Json{{"device", registration.device}}.dump());
      !written) {
    return written.error();
  }
  if (auto written = util::write_file_atomically(dir / "credential", credential, util::FileMode::private_file);
      !written) {
    return written.error();
  }
  return registration;
}

// Where a sync's bytes come from: the server over HTTP, or a bundle carried into a closed network.
struct SyncSource {
  signing::tuf::Fetcher& metadata;
  signing::tuf::Fetcher& targets;
  std::string metadata_base;
  std::string targets_base;
  // The check-in answer for the instance: entitlement statement, offered and withheld updates;
  // or why there is none.
  std::function<util::Result<std::string>()> answer;
  signing::curl::HttpFetcher* reports = nullptr; // none offline: reports stay queued
  bool retries = true;                           // transfers over a network are retried
};

std::vector<InstanceSync> Agent::sync() {
  return for_each_registered([&](const Instance& instance) { return sync_instance(instance); });
}

std::vector<InstanceSync> Agent::for_each_registered(const std::function<InstanceSync(const Instance&)>& run) {
  std::vector<InstanceSync> all;
  for (const auto& instance : m_config.instances) {
    std::error_code ec;
    const auto dir = instance_dir(m_config, instance.name);
    if (!fs::exists(dir / "credential", ec)) {
      continue;
    }
    const auto lock = InstanceLock::acquire(dir, instance.name);
    auto outcome = lock ? run(instance) : InstanceSync{};
    if (!lock) {
      outcome.instance = instance.name;
      outcome.error = lock.error().message;
    }
    const Json record{{"at", signing::tuf::format_expires(m_clock.now_seconds())},
                      {"device", outcome.device},
                      {"statement_expires", outcome.statement_expires > 0
                                                ? Json(signing::tuf::format_expires(outcome.statement_expires))
                                                : Json()},
                      {"programme_quarter", outcome.programme_quarter},
                      {"downloaded", outcome.downloaded},
                      {"withheld", outcome.withheld},
                      {"pending", outcome.pending},
                      {"not_permitted", outcome.not_permitted},
                      {"installed", outcome.installed},
                      {"reports_sent", outcome.reports_sent},
                      {"reports_queued", outcome.reports_queued},
                      {"report_errors", outcome.report_errors},
                      {"error", outcome.error.empty() ? Json() : Json(outcome.error)}};
    // Errors may quote archive entry names, whose bytes are anything: never a reason to fail here.
    (void)util::write_file_atomically(dir / "last-sync.json",
                                      record.dump(2, ' ', false, Json::error_handler_t::replace)); // best effort
    all.push_back(std::move(outcome));
  }
  return all;
}

util::Result<std::vector<InstanceSync>> Agent::install_bundle(const fs::path& file) {
  if (auto made = signing::ensure_private_directory(m_config.state_dir); !made) {
    return made.error();
  }
  std::string staging_text = (m_config.state_dir / "bundle.XXXXXX").string();
  if (::mkdtemp(staging_text.data()) == nullptr) {
    return util::make_error(util::ErrorKind::io, "cannot unpack the bundle under " + m_config.state_dir.string());
  }
  const fs::path staging(staging_text);
  const auto unpacked = staging / "bundle";
  // The bundle is untrusted like any archive: unpacked safely; every byte in it is verified below.
  const auto opened = unpack(file, unpacked, UnpackLimits{200'000, std::int64_t{64} << 30});
  const auto manifest = opened ? util::read_file(unpacked / "bundle.json", 1 << 20) : util::Result<std::string>("");
  const auto format = manifest ? text_at(Json::parse(*manifest, nullptr, false), "format") : std::string();
  std::error_code ec;
  if (!opened || !manifest || format != "lifeline-bundle/1") {
    fs::remove_all(staging, ec);
    return util::make_error(util::ErrorKind::invalid_input,
                            file.string() + " is not a Lifeline bundle: " +
                                (!opened ? opened.error().message : "no bundle.json of format lifeline-bundle/1"));
  }
  auto all = for_each_registered([&](const Instance& instance) {
    const auto dir = instance_dir(m_config, instance.name);
    const auto device = util::read_file(dir / "device.json", 4096);
    const auto id = device ? text_at(Json::parse(*device, nullptr, false), "device") : std::string();
    const auto check_in = unpacked / "check-ins" / (id + ".json");
    if (id.empty() || !fs::exists(check_in, ec)) {
      InstanceSync outcome;
      outcome.instance = instance.name;
      outcome.device = id;
      outcome.error = "the bundle holds no entitlement statement for device " + id +
                      " (a bundle is made for one customer's registered devices)";
      return outcome;
    }
    signing::tuf::DirectoryFetcher metadata(unpacked / "metadata");
    signing::tuf::DirectoryFetcher targets(unpacked / "targets");
    SyncSource source{metadata, targets, "", "", nullptr, nullptr, false};
    source.answer = [&]() { return util::read_file(check_in, 4 << 20); };
    return run_sync(instance, source);
  });
  fs::remove_all(staging, ec);
  return all;
}

InstanceSync Agent::sync_instance(const Instance& instance) {
  const auto dir = instance_dir(m_config, instance.name);
  const auto token = read_secret(dir / "credential");
  if (!token) {
    InstanceSync outcome;
    outcome.instance = instance.name;
    outcome.error = "the instance's registration is unreadable; register it again";
    return outcome;
  }
  signing::curl::HttpFetcher client(http_options(m_config, *token));
  SyncSource source{client,
                    client,
                    m_config.server + "/v1/repository/metadata/",
                    m_config.server + "/v1/repository/targets/",
                    nullptr,
                    &client,
                    true};
  source.answer = [&]() -> util::Result<std::string> {
    const Json inventory{{"service_pack", instance.service_pack}, {"language", instance.language}};
    const auto reply = with_retries(m_config, [&] {
      return client.post_json(m_config.server + "/v1/devices/me/check-in", inventory.dump(), k_max_answer_bytes);
    });
    if (!reply) {
      return util::make_error(util::ErrorKind::io, reply.error().message);
    }
    if (reply->status != 200) {
      return util::make_error(util::ErrorKind::invalid_input,
                              "check-in refused: " + signing::curl::problem_summary(*reply));
    }
    return reply->body;
  };
  return run_sync(instance, source);
}

InstanceSync Agent::run_sync(const Instance& instance, SyncSource& source) {
  InstanceSync outcome;
  outcome.instance = instance.name;
  const auto dir = instance_dir(m_config, instance.name);
  const auto fail = [&](const std::string& why) {
    outcome.error = why;
    return outcome;
  };
  const auto device = util::read_file(dir / "device.json", 4096);
  if (!device) {
    return fail("the instance's registration is unreadable; register it again");
  }
  outcome.device = text_at(Json::parse(*device, nullptr, false), "device");
  const auto now = m_clock.now_seconds();
  const auto transfer = [&](auto attempt) { return source.retries ? with_retries(m_config, attempt) : attempt(); };
  // 0. Whatever a crash interrupted is finished or rolled back first.
  Installer installer(dir / "work", instance.install_root);
  if (const auto recovered = installer.recover(); !recovered) {
    return fail("recovering an interrupted install: " + recovered.error().message);
  }

  // 1. TUF metadata, from the trusted root shipped with the agent.
  const auto metadata_dir = dir / "tuf";
  std::error_code ec;
  if (!fs::exists(metadata_dir / "root.json", ec)) {
    const auto root = util::read_file(m_config.trusted_root, 512'000);
    if (!root) {
      return fail("the trusted root cannot be read: " + root.error().message);
    }
    fs::create_directories(metadata_dir, ec);
    if (auto written = util::write_file_atomically(metadata_dir / "root.json", *root); !written) {
      return fail(written.error().message);
    }
  }
  signing::tuf::UpdaterConfig tuf;
  tuf.metadata_dir = metadata_dir;
  tuf.metadata_base = source.metadata_base;
  tuf.targets_base = source.targets_base;
  tuf.reference_time = now;
  signing::tuf::Updater updater(tuf, source.metadata, source.targets);
  if (const auto refreshed = transfer([&] { return updater.refresh(); }); !refreshed) {
    return fail("TUF refresh refused: " + refreshed.error().message);
  }

  // 2. Check in; verify the entitlement statement offline before anything is downloaded.
  const auto reply = source.answer();
  if (!reply) {
    return fail(reply.error().message);
  }
  const auto answer = util::parse_strict_json<Json>(*reply, 32);
  if (!answer || !answer->is_object() || !answer->contains("entitlement_statement") || !answer->contains("updates") ||
      !(*answer)["updates"].is_array()) {
    return fail("the check-in answer is malformed");
  }
  const auto statement = signing::verify_statement((*answer)["entitlement_statement"].dump(),
                                                   updater.trusted()->root().signed_part, outcome.device, now);
  if (!statement) {
    return fail("entitlement statement refused: " + statement.error().message);
  }
  if (auto current = accept_statement(*statement, instance, now, dir / "statement.json"); !current) {
    return fail("entitlement statement refused: " + current.error().message);
  }
  outcome.statement_expires = statement->expires;
  outcome.programme_quarter = statement->programme_quarter;

  // 3. What the statement permits among what is offered, verified byte for byte.
  std::vector<std::pair<std::string, std::string>> wanted; // (KB, target path)
  for (const auto& update : (*answer)["updates"]) {
    if (!update.is_object()) {
      continue;
    }
    const auto kb = text_at(update, "kb");
    if (flag_at(update, "not_regression_tested") && !m_config.allow_not_regression_tested) {
      outcome.withheld.push_back(kb + ": not regression-tested (CS-15); allow_not_regression_tested is off");
      continue;
    }
    for (const auto& target_path : texts_at(update, "targets")) {
      if (signing::permits(*statement, target_path)) {
        wanted.emplace_back(kb, target_path);
      } else {
        outcome.not_permitted.push_back(target_path);
      }
    }
  }
  withheld_lines(*answer, outcome.withheld);
  const auto failed = [&](const std::string& why) {
    for (const auto& [kb, target_path] : wanted) {
      if (const auto installed = installer.is_installed(kb); installed && !*installed) {
        outcome.pending.push_back(kb);
      }
    }
    if (source.reports != nullptr) {
      send_reports(*source.reports, m_config.server, dir, installer, outcome); // a failure report included
    }
    return fail(why);
  };
  for (const auto& [kb, target_path] : wanted) {
    const auto installed = installer.is_installed(kb);
    if (!installed || *installed) {
      continue;
    }
    const auto info = updater.target_info(target_path);
    if (!info) {
      return failed(target_path + ": " + info.error().message);
    }
    const auto signed_part = signed_attributes(info->file.custom);
    if (const auto why = not_applicable(signed_part, kb, instance); !why.empty()) {
      outcome.withheld.push_back(kb + ": not applicable here: " + why);
      continue;
    }
    const auto destination = dir / "downloads" / target_path;
    if (!updater.is_cached(*info, destination)) {
      fs::create_directories(destination.parent_path(), ec);
      const auto progress = [&](std::uint64_t received, std::uint64_t length) {
        if (m_progress) {
          m_progress(target_path, received, length);
        }
      };
      if (const auto downloaded = transfer([&] { return updater.download_target(*info, destination, progress); });
          !downloaded) {
        return failed(downloaded.error().message);
      }
      outcome.downloaded.push_back(target_path);
    }
    if (const auto done =
            installer.install(kb, target_path, destination, signed_part.limits, signing::tuf::format_expires(now));
        !done) {
      return failed("installing " + kb + ": " + done.error().message);
    }
    outcome.installed.push_back(kb);
    std::filesystem::remove(destination, ec); // installed: the backup, not the download, is what uninstall needs
  }
  // Everything wanted is installed: what is left (parts of targets no longer offered) is stale.
  fs::remove_all(dir / "downloads", ec);
  if (source.reports != nullptr) {
    send_reports(*source.reports, m_config.server, dir, installer, outcome);
  }
  return outcome;
}

std::string Agent::status_json() const {
  Json instances = Json::array();
  for (const auto& instance : m_config.instances) {
    const auto dir = instance_dir(m_config, instance.name);
    std::error_code ec;
    const bool registered = fs::exists(dir / "credential", ec);
    Json entry{{"instance", instance.name}, {"product", instance.product}, {"registered", registered}};
    if (const auto last = util::read_file(dir / "last-sync.json", 1 << 20)) {
      entry["last_sync"] = Json::parse(*last, nullptr, false);
    }
    if (registered) {
      Installer installer(dir / "work", instance.install_root);
      Json installed = Json::array();
      if (const auto ledger = installer.installed()) {
        for (const auto& update : *ledger) {
          installed.push_back({{"update", update.update}, {"target", update.target}, {"at", update.installed_at}});
        }
      }
      entry["installed"] = installed;
      const auto queued = installer.pending_reports();
      entry["reports_queued"] = queued ? queued->size() : 0;
    }
    instances.push_back(std::move(entry));
  }
  return Json{{"instances", instances}}.dump(2);
}

std::string Agent::status_text() const {
  const auto status = Json::parse(status_json());
  std::ostringstream out;
  const auto list = [&](const Json& object, const char* name, const char* label) {
    const auto items = texts_at(object, name);
    for (const auto& item : items) {
      out << "  " << label << ' ' << item << '\n';
    }
  };
  for (const auto& entry : status["instances"]) {
    out << text_at(entry, "instance") << " (" << text_at(entry, "product") << "): ";
    if (!flag_at(entry, "registered")) {
      out << "not registered\n";
      continue;
    }
    const auto last = entry.contains("last_sync") ? entry["last_sync"] : Json();
    out << "device " << text_at(last, "device") << '\n';
    if (!last.is_object()) {
      out << "  never synced\n";
    } else {
      const auto error = text_at(last, "error");
      out << "  last sync " << text_at(last, "at") << (error.empty() ? ": completed" : ": FAILED: " + error) << '\n';
      const auto expires = signing::tuf::parse_expires(text_at(last, "statement_expires"));
      if (expires) {
        out << "  entitlement statement " << (*expires > m_clock.now_seconds() ? "valid until " : "EXPIRED on ")
            << text_at(last, "statement_expires");
        if (const auto quarter = last.find("programme_quarter");
            quarter != last.end() && quarter->is_number_integer() && quarter->get<std::int64_t>() > 0) {
          out << " (programme quarter " << quarter->get<std::int64_t>() << ')';
        }
        out << '\n';
      }
    }
    for (const auto& update : entry["installed"]) {
      out << "  installed " << text_at(update, "update") << " (" << text_at(update, "at") << ")\n";
    }
    if (last.is_object()) {
      list(last, "pending", "pending");
      list(last, "withheld", "withheld");
      list(last, "not_permitted", "not in the entitlement statement, not fetched:");
    }
    if (const auto queued = entry.find("reports_queued"); queued != entry.end() && *queued != 0) {
      out << "  " << queued->dump() << " report(s) waiting for the server\n";
    }
  }
  return out.str();
}

util::Result<std::size_t> Agent::export_reports(const fs::path& file) const {
  nlohmann::ordered_json receipts = nlohmann::ordered_json::array();
  for (const auto& instance : m_config.instances) {
    const auto dir = instance_dir(m_config, instance.name);
    std::error_code ec;
    if (!fs::exists(dir / "credential", ec)) {
      continue;
    }
    const auto device = util::read_file(dir / "device.json", 4096);
    const auto key = signing::load_key(dir / "device-key.pem", std::nullopt);
    Installer installer(dir / "work", instance.install_root);
    const auto pending = installer.pending_reports();
    if (!device || !key || !pending) {
      return util::make_error(util::ErrorKind::io,
                              "instance " + instance.name + ": its registration or ledger is unreadable");
    }
    const auto device_id = text_at(Json::parse(*device, nullptr, false), "device");
    for (const auto& report : *pending) {
      const signing::InstallReceipt receipt{device_id,     report.id,
                                            report.update, report.outcome,
                                            report.detail, signing::tuf::parse_expires(report.queued_at).value_or(0)};
      const auto signed_receipt = signing::sign_receipt(receipt, *key);
      if (!signed_receipt) {
        return signed_receipt.error();
      }
      receipts.push_back(nlohmann::ordered_json::parse(*signed_receipt));
    }
  }
  const auto count = receipts.size();
  if (auto written = util::write_file_atomically(file, nlohmann::ordered_json{{"receipts", receipts}}.dump(2));
      !written) {
    return written.error();
  }
  return count;
}

util::Result<void> Agent::uninstall(const std::string& name, const std::string& update) {
  const auto* instance = m_config.instance(name);
  if (instance == nullptr) {
    return util::make_error(util::ErrorKind::not_found, "no instance " + name + " in the configuration");
  }
  const auto lock = InstanceLock::acquire(instance_dir(m_config, name), name);
  if (!lock) {
    return lock.error();
  }
  Installer installer(instance_dir(m_config, name) / "work", instance->install_root);
  if (auto recovered = installer.recover(); !recovered) {
    return recovered;
  }
  return installer.uninstall(update);
}

} // namespace lifeline::agent
