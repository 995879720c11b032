// The contacts' CLI configuration file (docs/configuration.md): the server and trusted root an
// organisation hands its contacts, so that `lifeline login` needs only the credential, and where
// sessions are kept. Options on the command line override it.
#pragma once

#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace lifeline::cli {

// Read when --config is not given, if it exists.
inline constexpr const char* k_default_contact_config = "/etc/lifeline/lifeline.json";

struct ContactConfig {
  std::string server;                // login's --server when it is not given
  std::string root;                  // login's --root when it is not given
  std::filesystem::path session_dir; // empty: $LIFELINE_CONFIG_DIR, $XDG_CONFIG_HOME/lifeline, ~/.config/lifeline
};

util::Result<ContactConfig> load_contact_config(const std::filesystem::path& file);

// The configuration in effect (the session directory resolved), in the file's own format.
std::string effective_config_json(const ContactConfig& config, const std::filesystem::path& session_dir);

} // namespace lifeline::cli
