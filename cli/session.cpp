#include "cli/session.hpp"

#include <cstdlib>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "signing/repository/key_store.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"

namespace lifeline::cli {

namespace fs = std::filesystem;

fs::path config_dir() {
  if (const char* dir = std::getenv("LIFELINE_CONFIG_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    return fs::path(xdg) / "lifeline";
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    const auto* user = ::getpwuid(::geteuid()); // cron and services may run without HOME
    home = user != nullptr ? user->pw_dir : "/nonexistent";
  }
  return fs::path(home) / ".config" / "lifeline";
}

// The directory must be ours alone: another user who can write to it could swap the trusted root
// or the session. A directory we own that others may read or write is closed down to 0700.
util::Result<void> check_private_directory(const fs::path& dir) {
  struct stat status {};
  if (::lstat(dir.c_str(), &status) != 0) {
    return util::make_error(util::ErrorKind::not_found, dir.string() + " does not exist");
  }
  if (!S_ISDIR(status.st_mode) || status.st_uid != ::geteuid()) {
    return util::make_error(util::ErrorKind::invalid_input,
                            dir.string() + " must be a directory of this user's (not a link, not another user's)");
  }
  if ((status.st_mode & 077U) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    return util::make_error(util::ErrorKind::io, dir.string() + " cannot be made private (0700)");
  }
  return {};
}

util::Result<void> save_session(const fs::path& dir, const Session& session, std::string_view root_json) {
  if (auto made = signing::ensure_private_directory(dir); !made) {
    return made;
  }
  if (auto checked = check_private_directory(dir); !checked) {
    return checked;
  }
  std::error_code ec;
  fs::remove_all(metadata_dir(dir), ec); // metadata trusted for another server or root is not kept
  fs::create_directories(metadata_dir(dir), ec);
  if (auto written = util::write_file_atomically(metadata_dir(dir) / "root.json", root_json); !written) {
    return written;
  }
  if (auto written = util::write_file_atomically(trusted_root(dir), root_json); !written) {
    return written;
  }
  const nlohmann::json file{{"server", session.server}, {"credential", session.credential}};
  return util::write_file_atomically(dir / "session.json", file.dump(), util::FileMode::private_file);
}

util::Result<Session> load_session(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "session.json", ec)) {
    if (auto checked = check_private_directory(dir); !checked) {
      return checked.error();
    }
  }
  const auto text = util::read_file(dir / "session.json", 16 << 10);
  if (!text) {
    return util::make_error(util::ErrorKind::not_found,
                            "not logged in (no " + (dir / "session.json").string() + "): run lifeline login");
  }
  const auto file = nlohmann::json::parse(*text, nullptr, false);
  Session session;
  if (file.is_object()) {
    const auto server = file.find("server");
    const auto credential = file.find("credential");
    if (server != file.end() && server->is_string() && credential != file.end() && credential->is_string()) {
      session.server = server->get<std::string>();
      session.credential = credential->get<std::string>();
    }
  }
  if (session.server.empty() || session.credential.empty()) {
    return util::make_error(util::ErrorKind::invalid_input,
                            (dir / "session.json").string() + " is damaged: run lifeline login again");
  }
  return session;
}

void forget_session(const fs::path& dir) {
  std::error_code ec;
  fs::remove(dir / "session.json", ec);
  fs::remove_all(metadata_dir(dir), ec);
}

} // namespace lifeline::cli
