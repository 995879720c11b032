// The device agent: registers each product instance with an enrolment token, then syncs it:
// TUF metadata refreshed with the shared verifier, the signed entitlement statement checked
// offline (signature chained to root, expiry, device) before any download, and only the targets
// that the statement permits and the server offers downloaded, verified against signed metadata.
#pragma once

#include <cstdint>
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
  std::vector<std::string> downloaded;     // target paths now in the instance's downloads/
  std::vector<std::string> withheld;       // "KB: REASON, REASON" or "KB: superseded by KB"
  std::vector<std::string> not_permitted;  // offered but absent from the signed statement: never fetched
  std::vector<std::string> installed;      // updates installed by this sync
  std::vector<std::string> reports_sent;   // report ids the server acknowledged
  std::vector<std::string> reports_queued; // kept for the next sync (server unreachable)
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
  // What the last sync of each instance recorded (state_dir/instances/<name>/last-sync.json).
  [[nodiscard]] std::string status_json() const;
  // Restores what `update` replaced on `instance` (its backup) and records it.
  util::Result<void> uninstall(const std::string& instance, const std::string& update);

 private:
  InstanceSync sync_instance(const Instance& instance);

  AgentConfig m_config;
  const util::Clock& m_clock;
};

} // namespace lifeline::agent
