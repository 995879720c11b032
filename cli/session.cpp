#include "cli/session.hpp"

#include <cstdlib>

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
  return fs::path(home != nullptr ? home : ".") / ".config" / "lifeline";
}

util::Result<void> save_session(const fs::path& dir, const Session& session, std::string_view root_json) {
  if (auto made = signing::ensure_private_directory(dir); !made) {
    return made;
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
