// The device agent: registers each product instance with an enrolment token, then syncs it:
// TUF metadata refreshed with the shared verifier, the signed entitlement statement checked
// offline (signature chained to root, expiry, device) before any download, and only the targets
// that the statement permits and the server offers downloaded, verified against signed metadata.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "agent/config.hpp"
#include "util/date.hpp"

namespace lifeline::agent {

struct Registration {
  std::string instance;
  std::string device;
};

struct InstanceSync {
  std::string instance;
  std::string device;
  std::int64_t statement_expires = 0;
  std::int64_t programme_quarter = 0;      // the statement's
  std::vector<std::string> downloaded;     // target paths fetched and verified by this sync
  std::vector<std::string> withheld;       // "KB: REASON, REASON" or "KB: superseded by KB"
  std::vector<std::string> pending;        // permitted, not installed yet (the sync stopped first)
  std::vector<std::string> not_permitted;  // offered but absent from the signed statement: never fetched
  std::vector<std::string> installed;      // updates installed by this sync
  std::vector<std::string> reports_sent;   // report ids the server acknowledged
  std::vector<std::string> reports_queued; // kept for the next sync (server unreachable)
  std::vector<std::string> report_errors;  // why reports could not be sent or were refused
  std::string error;                       // empty when the sync completed
};

class Agent {
 public:
  Agent(AgentConfig config, const util::Clock& clock) : m_config(std::move(config)), m_clock(clock) {}

  // Registers `instance` with `enrolment_token`; keeps the device credential and a new Ed25519
  // device key under state_dir/instances/<name>/ (0600).
  util::Result<Registration> register_instance(const std::string& instance, const std::string& enrolment_token);
  // Syncs every registered instance; each one's outcome, failures included.
  std::vector<InstanceSync> sync();
  // Called as a download's bytes arrive (a progress line on a terminal).
  using Progress = std::function<void(const std::string& target, std::uint64_t received, std::uint64_t length)>;
  void set_progress(Progress progress) { m_progress = std::move(progress); }
  // Each instance: registration, installed updates (the ledger) and what its last sync found
  // (state_dir/instances/<name>/last-sync.json), as JSON or as text for a person.
  [[nodiscard]] std::string status_json() const;
  [[nodiscard]] std::string status_text() const;
  // Installs from an offline bundle (`lifeline bundle create`) exactly as a sync would from the
  // server: same metadata verification, statement checks, downloads verified from the bundle,
  // same ledger; reports stay queued (export them). Nothing for a device the bundle has no
  // statement for.
  util::Result<std::vector<InstanceSync>> install_bundle(const std::filesystem::path& file);
  // Writes every queued report of every registered instance as receipts signed with its device
  // key to `file` ({"receipts": [...]}), for a contact to upload from outside a closed network
  // (`lifeline reports upload`). They stay queued: a later sync or upload is harmless.
  util::Result<std::size_t> export_reports(const std::filesystem::path& file) const;
  // Restores what `update` replaced on `instance` (its backup) and records it.
  util::Result<void> uninstall(const std::string& instance, const std::string& update);

 private:
  InstanceSync sync_instance(const Instance& instance);
  // Steps 0 to 6 of a sync (docs/agent.md), whatever the source of the bytes.
  InstanceSync run_sync(const Instance& instance, struct SyncSource& source);
  // Runs `run` for each registered instance under its lock and records what it found.
  std::vector<InstanceSync> for_each_registered(const std::function<InstanceSync(const Instance&)>& run);

  AgentConfig m_config;
  const util::Clock& m_clock;
  Progress m_progress;
};

} // namespace lifeline::agent
