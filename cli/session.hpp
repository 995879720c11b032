// A designated contact's session: the server, the contact's credential and the trusted root
// (TUF's anchor, shipped by the vendor out of band), kept in the user's configuration directory
// with 0600 files in a 0700 directory, never on the command line or in the process list.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lifeline::cli {

struct Session {
  std::string server;     // http(s)://host[:port]
  std::string credential; // ll_... (a secret)
};

// $LIFELINE_CONFIG_DIR, else $XDG_CONFIG_HOME/lifeline, else ~/.config/lifeline.
std::filesystem::path config_dir();

util::Result<void> save_session(const std::filesystem::path& dir, const Session& session, std::string_view root_json);
// A clear error ("run lifeline login") when there is none.
util::Result<Session> load_session(const std::filesystem::path& dir);
void forget_session(const std::filesystem::path& dir);

inline std::filesystem::path trusted_root(const std::filesystem::path& dir) {
  return dir / "root.json";
}
inline std::filesystem::path metadata_dir(const std::filesystem::path& dir) {
  return dir / "tuf";
}

} // namespace lifeline::cli
