// The repository half of `check`: the metadata walked with the device's own verifier
// (tuf::TrustedSet), then payloads, catalog agreement and online keys.
#include <algorithm>
#include <map>
#include <optional>
#include <system_error>

#include <nlohmann/json.hpp>

#include "server/maintenance/backup_paths.hpp"
#include "server/maintenance/catalog_file.hpp"
#include "server/maintenance/check_parts.hpp"
#include "server/maintenance/file_digest.hpp"
#include "signing/repository/key_store.hpp"
#include "signing/tuf/fetcher.hpp"
#include "signing/tuf/trusted_set.hpp"
#include "util/file.hpp"
#include "util/strict_json.hpp"

namespace lifeline::server::maintenance {

namespace {

namespace fs = std::filesystem;
namespace tuf = signing::tuf;

constexpr std::size_t k_max_metadata = 64 * 1024 * 1024;
constexpr std::int64_t k_day = 86400;

// Expiry periods from repository/config.json, as the repository signs with them.
struct Periods {
  std::int64_t root = 365 * k_day;
  std::int64_t targets = 365 * k_day;
  std::int64_t snapshot = 7 * k_day;
  std::int64_t timestamp = 1 * k_day;
};

std::string duration_text(std::int64_t seconds) {
  if (seconds >= 2 * k_day) {
    return std::to_string(seconds / k_day) + " days";
  }
  return std::to_string(seconds / 3600) + " hours";
}

class RepositoryCheck {
 public:
  RepositoryCheck(const fs::path& data_dir, std::int64_t now, const std::set<std::string>* update_ids,
                  const std::string& trusted_root, CheckReport& report)
      : m_data(data_dir), m_metadata(data_dir / k_repository_dir / "metadata"),
        m_targets_dir(data_dir / k_repository_dir / "targets"), m_keys(data_dir / k_keys_dir), m_now(now),
        m_update_ids(update_ids), m_trusted_root(trusted_root), m_report(report) {}

  void run() {
    std::error_code ec;
    if (!fs::is_directory(m_data / k_repository_dir, ec)) {
      add(Severity::warning, "repository", std::string(k_repository_dir),
          "no repository: nothing is published yet (lifeline-server init)");
      return;
    }
    read_periods();
    auto trusted = walk_roots();
    if (!trusted) {
      return; // without a trusted root nothing else can be verified
    }
    walk_top_level(*trusted);
    check_payloads();
    check_keys(*trusted);
  }

 private:
  void add(Severity severity, std::string what, std::string where, std::string message) {
    report(m_report, severity, std::move(what), std::move(where), std::move(message));
  }

  [[nodiscard]] std::string where(const std::string& file) const {
    return std::string(k_repository_dir) + "/metadata/" + file;
  }

  std::optional<std::string> read_metadata(const std::string& what, const std::string& file) {
    auto bytes = util::read_file(m_metadata / file, k_max_metadata);
    if (!bytes) {
      add(Severity::problem, what, where(file), "missing or unreadable: " + bytes.error().message);
      return std::nullopt;
    }
    return std::move(*bytes);
  }

  void read_periods() {
    const auto file = m_data / k_repository_dir / "config.json";
    auto bytes = util::read_file(file, 1024 * 1024);
    auto config =
        bytes ? util::parse_strict_json<nlohmann::json>(*bytes, 8) : util::Result<nlohmann::json>(bytes.error());
    if (!config || !config->is_object() || !config->contains("expiry_days") || !config->at("expiry_days").is_object()) {
      add(Severity::problem, "repository", std::string(k_repository_dir) + "/config.json",
          "missing or malformed: the server cannot open the repository");
      return;
    }
    const auto& days = config->at("expiry_days");
    const auto period = [&](const char* role, std::int64_t& out) {
      if (days.contains(role) && days.at(role).is_number_integer()) {
        out = days.at(role).get<std::int64_t>() * k_day;
      }
    };
    period("root", m_periods.root);
    period("targets", m_periods.targets);
    period("snapshot", m_periods.snapshot);
    period("timestamp", m_periods.timestamp);
  }

  // Expired is a problem. Refresh re-signs timestamp, snapshot and targets when half their
  // period is left and runs hourly: under a quarter left means it is not running. Root is
  // re-signed offline: warned about from half its period, as refresh warns.
  void check_expiry(const std::string& what, const std::string& file, const tuf::Common& common, std::int64_t period) {
    const auto left = common.expires - m_now;
    const auto expires = tuf::format_expires(common.expires);
    if (common.is_expired(m_now)) {
      add(Severity::problem, what, where(file), "expired " + expires);
    } else if (left < (what == "root" ? period / 2 : period / 4)) {
      add(Severity::warning, what, where(file), "expires " + expires + ", in " + duration_text(left));
    }
  }

  // 1.root.json, then each next version signed by the previous root's threshold and its own.
  // Signatures, versions and hashes are checked by the same TrustedSet a device uses; it is
  // given the epoch as its reference time so that an expired role is reported, not fatal, and
  // expiry is judged against --at here.
  std::optional<tuf::TrustedSet> walk_roots() {
    std::error_code ec;
    std::int64_t newest = 0;
    for (const auto& entry : fs::directory_iterator(m_metadata, ec)) {
      const auto name = entry.path().filename().string();
      if (name.ends_with(".root.json") && name.size() > 10 && name.size() < 28 &&
          std::all_of(name.begin(), name.end() - 10, [](char c) { return c >= '0' && c <= '9'; })) {
        newest = std::max<std::int64_t>(newest, std::stoll(name.substr(0, name.size() - 10)));
      }
    }
    if (ec || newest == 0) {
      add(Severity::problem, "root", where("1.root.json"), "no root metadata");
      return std::nullopt;
    }
    auto trusted = m_trusted_root.empty() ? first_root() : given_root();
    if (!trusted) {
      return std::nullopt;
    }
    m_report.counts.root_versions = 1;
    for (auto version = trusted->root().signed_part.common.version + 1; version <= newest; ++version) {
      const auto file = std::to_string(version) + ".root.json";
      auto bytes = read_metadata("root", file);
      if (!bytes) {
        break;
      }
      if (auto updated = trusted->update_root(*bytes); !updated) {
        add(Severity::problem, "root", where(file), "does not verify as the next root: " + updated.error().message);
        break;
      }
      ++m_report.counts.root_versions;
    }
    const auto newest_file = std::to_string(trusted->root().signed_part.common.version) + ".root.json";
    check_expiry("root", newest_file, trusted->root().signed_part.common, m_periods.root);
    auto current = util::read_file(m_metadata / "root.json", k_max_metadata);
    auto newest_bytes = util::read_file(m_metadata / newest_file, k_max_metadata);
    if (!current || !newest_bytes || *current != *newest_bytes) {
      add(Severity::warning, "root", where("root.json"), "is not a copy of the newest root, " + newest_file);
    }
    return std::move(*trusted);
  }

  std::optional<tuf::TrustedSet> first_root() {
    auto first = read_metadata("root", "1.root.json");
    if (!first) {
      return std::nullopt;
    }
    auto trusted = tuf::TrustedSet::create(*first, 0);
    if (!trusted) {
      add(Severity::problem, "root", where("1.root.json"), trusted.error().message);
      return std::nullopt;
    }
    return std::move(*trusted);
  }

  // --trusted-root: the chain starts from a root known good elsewhere, so a data directory whose
  // roots were replaced wholesale (a rewritten backup) cannot vouch for itself.
  std::optional<tuf::TrustedSet> given_root() {
    auto trusted = tuf::TrustedSet::create(m_trusted_root, 0);
    if (!trusted) {
      add(Severity::problem, "root", "--trusted-root", "not a valid root: " + trusted.error().message);
      return std::nullopt;
    }
    const auto file = std::to_string(trusted->root().signed_part.common.version) + ".root.json";
    const auto same_version = read_metadata("root", file);
    if (!same_version) {
      return std::nullopt;
    }
    if (*same_version != m_trusted_root) {
      add(Severity::problem, "root", where(file), "is not the trusted root given (--trusted-root) of that version");
      return std::nullopt;
    }
    return std::move(*trusted);
  }

  bool verify_step(const std::string& what, const std::string& file, const tuf::Result<void>& step) {
    if (!step) {
      add(Severity::problem, what, where(file), step.error().message);
      return false;
    }
    ++m_report.counts.roles;
    return true;
  }

  std::optional<std::int64_t> snapshot_version_of(const tuf::TrustedSet& trusted, const std::string& role) {
    const auto& meta = trusted.snapshot()->signed_part.meta;
    const auto found = meta.find(role + ".json");
    if (found == meta.end()) {
      add(Severity::problem, "snapshot",
          where(std::to_string(trusted.snapshot()->signed_part.common.version) + ".snapshot.json"),
          "does not list " + role + ".json");
      return std::nullopt;
    }
    return found->second.version;
  }

  // timestamp -> snapshot -> targets -> the product roles targets delegates to.
  void walk_top_level(tuf::TrustedSet& trusted) {
    auto timestamp = read_metadata("timestamp", "timestamp.json");
    if (!timestamp || !verify_step("timestamp", "timestamp.json", trusted.update_timestamp(*timestamp))) {
      return;
    }
    const auto& timestamp_common = trusted.timestamp()->signed_part.common;
    m_report.counts.timestamp_version = timestamp_common.version;
    check_expiry("timestamp", "timestamp.json", timestamp_common, m_periods.timestamp);
    const auto snapshot_file =
        std::to_string(trusted.timestamp()->signed_part.snapshot_meta.version) + ".snapshot.json";
    auto snapshot = read_metadata("snapshot", snapshot_file);
    if (!snapshot || !verify_step("snapshot", snapshot_file, trusted.update_snapshot(*snapshot))) {
      return;
    }
    check_expiry("snapshot", snapshot_file, trusted.snapshot()->signed_part.common, m_periods.snapshot);
    const auto targets_version = snapshot_version_of(trusted, "targets");
    if (!targets_version) {
      return;
    }
    const auto targets_file = std::to_string(*targets_version) + ".targets.json";
    auto targets = read_metadata("targets", targets_file);
    if (!targets || !verify_step("targets", targets_file, trusted.update_targets(*targets, "targets", "root"))) {
      return;
    }
    const auto* top = trusted.targets("targets");
    check_expiry("targets", targets_file, top->signed_part.common, m_periods.targets);
    collect_targets("targets", targets_file, *top, nullptr);
    if (!top->signed_part.delegations) {
      return;
    }
    for (const auto& delegated : top->signed_part.delegations->roles) {
      const auto version = snapshot_version_of(trusted, delegated.name);
      if (!version) {
        continue;
      }
      const auto file = std::to_string(*version) + "." + tuf::percent_encode(delegated.name) + ".json";
      auto bytes = read_metadata("role", file);
      if (!bytes || !verify_step("role", file, trusted.update_targets(*bytes, delegated.name, "targets"))) {
        continue;
      }
      const auto* role = trusted.targets(delegated.name);
      check_expiry("role", file, role->signed_part.common, m_periods.targets);
      collect_targets(delegated.name, file, *role, &delegated);
      m_role_keys.emplace(delegated.name, delegated.role.keyids);
    }
  }

  void collect_targets(const std::string& role, const std::string& file,
                       const tuf::Metadata<tuf::TargetsSigned>& metadata, const tuf::DelegatedRole* delegation) {
    for (const auto& [path, target] : metadata.signed_part.targets) {
      if (delegation != nullptr && !delegation->matches(path)) {
        add(Severity::problem, "role", where(file), role + " lists " + path + ", outside the paths delegated to it");
        continue;
      }
      m_listed.push_back(Listed{role, path, target});
      if (m_update_ids != nullptr) {
        check_update_known(role, path, target);
      }
    }
  }

  // Publishing adds the update to the catalog before it signs the payload: a target naming an
  // update the catalog does not know means the two were restored or copied apart.
  void check_update_known(const std::string& role, const std::string& path, const tuf::TargetFile& target) {
    const auto custom = nlohmann::json::parse(target.custom.empty() ? "{}" : target.custom, nullptr, false);
    if (!custom.is_object() || !custom.contains("lifeline") || !custom.at("lifeline").is_object() ||
        !custom.at("lifeline").contains("kb") || !custom.at("lifeline").at("kb").is_string()) {
      return; // not one of ours: nothing to compare
    }
    const auto kb = custom.at("lifeline").at("kb").get<std::string>();
    if (!m_update_ids->contains(kb) && !m_catalog_read_again) {
      // The catalog was read before the metadata: a publish that committed in between is in it
      // now (the catalog only grows, and publishing adds to it before it signs).
      m_catalog_read_again = true;
      if (auto ids = catalog_update_ids(m_data / k_catalog_file)) {
        m_known_later.insert(ids->begin(), ids->end());
      }
    }
    if (!m_update_ids->contains(kb) && !m_known_later.contains(kb)) {
      add(Severity::problem, "catalog", std::string(k_catalog_file),
          "does not know update " + kb + ", which " + role + " publishes as " + path);
    }
  }

  // Every listed target is at its content address with its signed length and hashes; files
  // there that no trusted role lists are reported.
  void check_payloads() {
    std::set<fs::path> expected;
    for (const auto& listed : m_listed) {
      const auto sha256 = std::find_if(listed.target.hashes.begin(), listed.target.hashes.end(),
                                       [](const auto& hash) { return hash.first == "sha256"; });
      if (sha256 == listed.target.hashes.end()) {
        add(Severity::problem, "payload", listed.path, listed.role + " lists it without a SHA-256");
        continue;
      }
      const auto slash = listed.path.rfind('/');
      const auto directory = slash == std::string::npos ? std::string() : listed.path.substr(0, slash + 1);
      const auto base = listed.path.substr(slash == std::string::npos ? 0 : slash + 1);
      const auto relative = directory + sha256->second + "." + base;
      const auto file = m_targets_dir / relative;
      const auto shown = std::string(k_repository_dir) + "/targets/" + relative;
      expected.insert(file.lexically_normal());
      std::vector<std::string> algorithms;
      for (const auto& [algorithm, digest] : listed.target.hashes) {
        algorithms.push_back(algorithm);
      }
      auto digest = digest_file(file, algorithms);
      if (!digest) {
        add(Severity::problem, "payload", shown, "missing: " + listed.role + " lists " + listed.path);
        continue;
      }
      ++m_report.counts.targets;
      m_report.counts.target_bytes += digest->length;
      if (static_cast<std::int64_t>(digest->length) != listed.target.length) {
        add(Severity::problem, "payload", shown,
            "corrupted: " + std::to_string(digest->length) + " bytes, signed " + std::to_string(listed.target.length));
        continue;
      }
      for (const auto& [algorithm, signed_digest] : listed.target.hashes) {
        const auto found = digest->hashes.find(algorithm);
        if (found != digest->hashes.end() && found->second != signed_digest) {
          add(Severity::problem, "payload", shown, "corrupted: its " + algorithm + " is not the signed one");
          break;
        }
      }
    }
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(m_targets_dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->path().filename().string().starts_with(".") || !it->is_regular_file(ec)) {
        continue; // temporaries being written
      }
      if (!expected.contains(it->path().lexically_normal())) {
        add(Severity::warning, "payload",
            std::string(k_repository_dir) + "/targets/" + fs::relative(it->path(), m_targets_dir, ec).generic_string(),
            "listed by no trusted role (revoked, or left by an interrupted publish)");
      }
    }
  }

  void check_key(const std::string& what, const fs::path& file, const std::vector<std::string>& keyids,
                 const std::string& delegator = "root") {
    const auto shown = fs::relative(file, m_data).generic_string();
    auto key = signing::load_key(file, std::nullopt);
    if (!key) {
      add(Severity::problem, "key", shown, "cannot sign " + what + ": " + key.error().message);
      return;
    }
    ++m_report.counts.keys;
    if (std::find(keyids.begin(), keyids.end(), key->keyid) == keyids.end()) {
      add(Severity::problem, "key", shown,
          "is not the key that " + delegator + " lists for " + what + " (keyid " + key->keyid.substr(0, 16) + "...)");
    }
    std::error_code ec;
    const auto perms = fs::status(file, ec).permissions();
    if (!ec && (perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
      add(Severity::warning, "key", shown, "readable by others than the service account (expected 0600)");
    }
  }

  void check_keys(const tuf::TrustedSet& trusted) {
    std::error_code ec;
    if (!fs::is_directory(m_keys, ec)) {
      add(Severity::problem, "key", std::string(k_keys_dir),
          "no online keys: nothing can be published or re-signed (a backup made --without-keys?)");
      return;
    }
    const auto& root = trusted.root().signed_part;
    for (const char* role : {"targets", "snapshot", "timestamp"}) {
      check_key(role, m_keys / (std::string(role) + ".pem"), root.role(role).keyids);
    }
    if (root.entitlement) {
      check_key("entitlement statements", m_keys / "entitlement.pem", root.entitlement->keyids);
    }
    for (const auto& [role, keyids] : m_role_keys) {
      check_key(role, m_keys / "roles" / (role + ".pem"), keyids, "targets");
    }
  }

  struct Listed {
    std::string role;
    std::string path;
    tuf::TargetFile target;
  };

  fs::path m_data;
  fs::path m_metadata;
  fs::path m_targets_dir;
  fs::path m_keys;
  std::int64_t m_now;
  const std::set<std::string>* m_update_ids;
  const std::string& m_trusted_root;
  bool m_catalog_read_again = false;
  std::set<std::string> m_known_later;
  CheckReport& m_report;
  Periods m_periods;
  std::vector<Listed> m_listed;
  std::map<std::string, std::vector<std::string>> m_role_keys; // product role -> delegated keyids
};

} // namespace

void check_repository(const fs::path& data_dir, std::int64_t now, const std::set<std::string>* update_ids,
                      const std::string& trusted_root, CheckReport& report) {
  RepositoryCheck(data_dir, now, update_ids, trusted_root, report).run();
}

} // namespace lifeline::server::maintenance
