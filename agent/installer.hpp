// Transactional install of an update's payload into a product's install root, with a SQLite
// ledger and a journal: the files that will be replaced are moved to a backup, the new ones
// renamed in, everything fsynced, and only then does one ledger transaction say "installed"
// (and queue the report). A crash at any instant leaves the journal, and recover() puts the old
// state back; uninstall() restores the backup the same way.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/unpack.hpp"
#include "util/result.hpp"

namespace lifeline::agent {

struct InstalledUpdate {
  std::string update;
  std::string target;
  std::string installed_at;
};

struct PendingReport {
  std::string id;
  std::string update;
  std::string outcome; // installed or failed
  std::string detail;
  std::string queued_at; // YYYY-MM-DDTHH:MM:SSZ
};

class Installer {
 public:
  // `work_dir` holds the ledger, staging and backups of one instance; `install_root` is the
  // product's directory. `after_step` (tests) is called after each file operation.
  Installer(std::filesystem::path work_dir, std::filesystem::path install_root,
            std::function<void(int step)> after_step = {});
  Installer(const Installer&) = delete;
  Installer& operator=(const Installer&) = delete;
  ~Installer();

  // Finishes or rolls back what a crash interrupted. Run before anything else.
  util::Result<void> recover();
  // Unpacks `payload` safely and swaps it in; a failure leaves the old state and queues a
  // "failed" report. `at` (YYYY-MM-DDTHH:MM:SSZ) dates the ledger entry and the report; empty:
  // the system clock.
  util::Result<void> install(const std::string& update, const std::string& target, const std::filesystem::path& payload,
                             const UnpackLimits& limits = {}, const std::string& at = {});
  util::Result<void> uninstall(const std::string& update);

  [[nodiscard]] util::Result<std::vector<InstalledUpdate>> installed() const;
  [[nodiscard]] util::Result<bool> is_installed(const std::string& update) const;
  [[nodiscard]] util::Result<std::vector<PendingReport>> pending_reports() const;
  util::Result<void> mark_sent(const std::string& report_id);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace lifeline::agent
