#include "agent/installer.hpp"

#include <algorithm>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "agent/unpack.hpp"
#include "catalog/sqlite/database.hpp"

namespace lifeline::agent {

namespace {

namespace fs = std::filesystem;
using catalog::sqlite::Database;
using catalog::sqlite::SqliteError;
using catalog::sqlite::Transaction;
using catalog::sqlite::TransactionMode;
using Json = nlohmann::json;

constexpr std::string_view k_schema = R"sql(
CREATE TABLE IF NOT EXISTS installs (
  update_id TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  files TEXT NOT NULL,   -- JSON: [{"path", "existed"}]
  installed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS journal (
  update_id TEXT PRIMARY KEY,
  operation TEXT NOT NULL CHECK (operation IN ('install', 'uninstall')),
  files TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
  report_id TEXT PRIMARY KEY,
  update_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('installed', 'failed')),
  detail TEXT NOT NULL DEFAULT '',
  sent INTEGER NOT NULL DEFAULT 0
);
)sql";
// Ledger version 2: when each report was queued (its receipt's time); '' for older reports.
constexpr std::string_view k_v2 = "ALTER TABLE reports ADD COLUMN queued_at TEXT NOT NULL DEFAULT ''";

void migrate(Database& db) {
  auto version = db.prepare("PRAGMA user_version");
  version.step();
  const auto current = version.integer(0);
  if (current < 1) {
    db.execute(k_schema);
  }
  if (current < 2) {
    db.execute(std::string(k_v2));
    db.execute("PRAGMA user_version = 2");
  }
}

// Error texts name archive entries, whose bytes may be anything: invalid UTF-8 becomes U+FFFD so
// that the report can be signed and sent as JSON, then it is cut to `max_bytes` between two
// characters (the server takes 1000 bytes of detail).
std::string valid_utf8(const std::string& text, std::size_t max_bytes) {
  auto valid = Json::parse(Json(text).dump(-1, ' ', false, Json::error_handler_t::replace)).get<std::string>();
  if (valid.size() > max_bytes) {
    auto end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(valid[end]) & 0xC0U) == 0x80U) {
      --end; // never inside a character
    }
    valid.resize(end);
  }
  return valid;
}

struct FileChange {
  std::string path; // relative to the install root
  bool existed = false;
};

Json to_json(const std::vector<FileChange>& files) {
  Json list = Json::array();
  for (const auto& file : files) {
    list.push_back({{"path", file.path}, {"existed", file.existed}});
  }
  return list;
}

std::vector<FileChange> from_json(const std::string& text) {
  std::vector<FileChange> files;
  const auto list = Json::parse(text, nullptr, false);
  if (list.is_array()) {
    for (const auto& item : list) {
      const auto path = item.find("path");
      const auto existed = item.find("existed");
      if (path != item.end() && path->is_string()) {
        files.push_back({path->get_ref<const std::string&>(), existed != item.end() && *existed == true});
      }
    }
  }
  return files;
}

void sync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void sync_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Where move_file copies to before renaming over `to`: a crash may leave it, and rollback removes it.
fs::path copy_beside(const fs::path& to) {
  return to.parent_path() / ("." + to.filename().string() + ".lifeline-copy");
}

// rename(2), or across file systems (the state directory and a product's install root are often
// on different ones): a copy beside `to`, made durable, renamed over it, then `from` removed.
// Either way `to` is replaced whole, never seen half-written. Throws fs::filesystem_error.
void move_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec != std::errc::cross_device_link) {
    if (ec) {
      throw fs::filesystem_error("cannot move file", from, to, ec);
    }
    return;
  }
  const auto copy = copy_beside(to);
  fs::remove(copy, ec);
  fs::copy(from, copy, fs::copy_options::copy_symlinks);
  if (!fs::is_symlink(copy)) {
    sync_file(copy);
  }
  fs::rename(copy, to);
  fs::remove(from);
}

void move_file(const fs::path& from, const fs::path& to, std::error_code& ec) {
  try {
    move_file(from, to);
    ec.clear();
  } catch (const fs::filesystem_error& error) {
    ec = error.code();
  }
}

// Regular files and links of the staging tree, relative, in a stable order.
std::vector<std::string> staged_files(const fs::path& staging) {
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(staging); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_directory() || it->is_symlink()) {
      files.push_back(fs::relative(it->path(), staging).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace

struct Installer::State {
  fs::path work;
  fs::path root;
  std::function<void(int)> after_step;
  Database db;
  int step = 0;

  void stepped() {
    if (after_step) {
      after_step(++step);
    }
  }

  [[nodiscard]] fs::path backup_dir(const std::string& update) const { return work / "backups" / update; }

  // Puts back what existed before `files` were installed: idempotent, so a crash inside it is
  // repaired by running it again (rollback of an install and uninstall alike).
  void restore(const std::string& update, const std::vector<FileChange>& files) {
    const auto backup = backup_dir(update);
    for (const auto& file : files) {
      const auto installed = root / file.path;
      std::error_code ec;
      if (file.existed) {
        if (fs::exists(fs::symlink_status(backup / file.path, ec))) {
          move_file(backup / file.path, installed, ec);
        }
      } else {
        fs::remove(installed, ec);
      }
      fs::remove(copy_beside(installed), ec);
      sync_directory(installed.parent_path());
      stepped();
    }
    std::error_code ec;
    fs::remove_all(backup, ec);
  }

  void queue_report(const std::string& update, const std::string& outcome, const std::string& detail,
                    const std::string& at) {
    // One id per update and outcome: a report queued twice is sent once, and the server counts
    // a resent one once.
    db.prepare("INSERT OR IGNORE INTO reports (report_id, update_id, outcome, detail, queued_at) "
               "VALUES (?, ?, ?, ?, COALESCE(NULLIF(?, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))")
        .bind(1, update + "-" + outcome)
        .bind(2, update)
        .bind(3, outcome)
        .bind(4, valid_utf8(detail, 1000))
        .bind(5, at)
        .run();
  }
};

Installer::Installer(fs::path work_dir, fs::path install_root, std::function<void(int)> after_step) {
  fs::create_directories(work_dir);
  m_state = std::unique_ptr<State>(
      new State{work_dir, std::move(install_root), std::move(after_step), Database(work_dir / "ledger.db"), 0});
  migrate(m_state->db);
}

Installer::~Installer() = default;

util::Result<void> Installer::recover() {
  try {
    std::vector<std::pair<std::string, std::vector<FileChange>>> interrupted;
    auto rows = m_state->db.prepare("SELECT update_id, files FROM journal");
    while (rows.step()) {
      interrupted.emplace_back(rows.text(0), from_json(rows.text(1)));
    }
    for (const auto& [update, files] : interrupted) {
      m_state->restore(update, files);
      Transaction transaction(m_state->db, TransactionMode::immediate);
      m_state->db.prepare("DELETE FROM journal WHERE update_id = ?").bind(1, update).run();
      m_state->db.prepare("DELETE FROM installs WHERE update_id = ?").bind(1, update).run();
      transaction.commit();
    }
    std::error_code ec;
    fs::remove_all(m_state->work / "staging", ec);
    return {};
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

util::Result<void> Installer::install(const std::string& update, const std::string& target, const fs::path& payload,
                                      const UnpackLimits& limits, const std::string& at) {
  auto& state = *m_state;
  try {
    const auto staging = state.work / "staging" / update;
    std::error_code ec;
    fs::remove_all(staging, ec);
    fs::create_directories(staging.parent_path(), ec);
    const auto unpacked = unpack(payload, staging, limits);
    if (!unpacked) {
      state.queue_report(update, "failed", unpacked.error().message, at);
      return unpacked.error();
    }
    std::vector<FileChange> files;
    for (const auto& path : staged_files(staging)) {
      files.push_back({path, fs::exists(fs::symlink_status(state.root / path, ec))});
    }
    {
      // The journal first: from here a crash is rolled back by recover().
      Transaction transaction(state.db, TransactionMode::immediate);
      state.db.prepare("INSERT INTO journal (update_id, operation, files) VALUES (?, 'install', ?)")
          .bind(1, update)
          .bind(2, to_json(files).dump(-1, ' ', false, Json::error_handler_t::replace))
          .run();
      transaction.commit();
    }
    const auto backup = state.backup_dir(update);
    for (const auto& file : files) {
      const auto installed = state.root / file.path;
      fs::create_directories(installed.parent_path(), ec);
      if (file.existed) {
        fs::create_directories((backup / file.path).parent_path(), ec);
        move_file(installed, backup / file.path);
        state.stepped();
      }
      move_file(staging / file.path, installed);
      sync_directory(installed.parent_path());
      state.stepped();
    }
    // The commit point: installed, journal gone and report queued, or none of it.
    Transaction transaction(state.db, TransactionMode::immediate);
    state.db
        .prepare("INSERT OR REPLACE INTO installs (update_id, target, files, installed_at) "
                 "VALUES (?, ?, ?, COALESCE(NULLIF(?, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))")
        .bind(1, update)
        .bind(2, target)
        .bind(3, to_json(files).dump(-1, ' ', false, Json::error_handler_t::replace))
        .bind(4, at)
        .run();
    state.db.prepare("DELETE FROM journal WHERE update_id = ?").bind(1, update).run();
    state.queue_report(update, "installed", "", at);
    transaction.commit();
    fs::remove_all(staging, ec);
    return {};
  } catch (const fs::filesystem_error& error) {
    (void)recover();
    state.queue_report(update, "failed", error.what(), at);
    return util::make_error(util::ErrorKind::io, std::string("installing ") + update + ": " + error.what());
  } catch (const nlohmann::json::exception& error) {
    (void)recover();
    return util::make_error(util::ErrorKind::invalid_input, std::string("installing ") + update + ": " + error.what());
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

util::Result<void> Installer::uninstall(const std::string& update) {
  auto& state = *m_state;
  try {
    auto row = state.db.prepare("SELECT files FROM installs WHERE update_id = ?");
    row.bind(1, update);
    if (!row.step()) {
      return util::make_error(util::ErrorKind::not_found, update + " is not installed");
    }
    const auto files = from_json(row.text(0));
    {
      Transaction transaction(state.db, TransactionMode::immediate);
      state.db.prepare("INSERT INTO journal (update_id, operation, files) VALUES (?, 'uninstall', ?)")
          .bind(1, update)
          .bind(2, to_json(files).dump(-1, ' ', false, Json::error_handler_t::replace))
          .run();
      transaction.commit();
    }
    return recover();
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

util::Result<std::vector<InstalledUpdate>> Installer::installed() const {
  try {
    std::vector<InstalledUpdate> all;
    auto rows = m_state->db.prepare("SELECT update_id, target, installed_at FROM installs ORDER BY update_id");
    while (rows.step()) {
      all.push_back({rows.text(0), rows.text(1), rows.text(2)});
    }
    return all;
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

util::Result<bool> Installer::is_installed(const std::string& update) const {
  try {
    auto row = m_state->db.prepare("SELECT 1 FROM installs WHERE update_id = ?");
    row.bind(1, update);
    return row.step();
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

util::Result<std::vector<PendingReport>> Installer::pending_reports() const {
  try {
    std::vector<PendingReport> all;
    auto rows = m_state->db.prepare(
        "SELECT report_id, update_id, outcome, detail, queued_at FROM reports WHERE sent = 0 ORDER BY rowid");
    while (rows.step()) {
      all.push_back({rows.text(0), rows.text(1), rows.text(2), rows.text(3), rows.text(4)});
    }
    return all;
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

util::Result<void> Installer::mark_sent(const std::string& report_id) {
  try {
    m_state->db.prepare("UPDATE reports SET sent = 1 WHERE report_id = ?").bind(1, report_id).run();
    return {};
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

} // namespace lifeline::agent
