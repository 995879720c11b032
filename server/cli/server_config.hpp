// The server's configuration file (docs/configuration.md): where its data lives and how `serve`
// listens. Command-line options override it; `lifeline-server config show` prints the result.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lifeline::server::cli {

// Read when neither --config nor --data is given (the packaged service's file).
inline constexpr const char* k_default_server_config = "/etc/lifeline/server.json";

struct ServerConfig {
  std::string data = "/var/lib/lifeline";
  // The catalog in PostgreSQL (a libpq URI, postgresql://...), shared by several servers; empty:
  // the data directory's catalog.db (SQLite). A password belongs in ~/.pgpass, not here.
  std::string catalog;
  std::string listen = "127.0.0.1:8443";
  std::string tls_certificate; // PEM chain; with tls_private_key, the server speaks HTTPS
  std::string tls_private_key;
  std::int64_t threads = 16;
  std::string accel_redirect; // nginx X-Accel-Redirect prefix (docs/nginx.md); empty: off
  std::vector<std::string> trusted_proxies;
  std::int64_t refresh_minutes = 60; // re-sign expiring timestamp, snapshot and roles this often
  std::int64_t max_upload_mib = 256;
  std::int64_t check_in_cache_mib = 64; // what check-ins share between devices (docs/architecture.md)
  std::int64_t last_seen_seconds = 1;   // check-ins' last-seen days are written in batches this often
  bool log_requests = false;            // one structured line per request (off: a proxy in front logs them)
  // What one client can make the listener hold (docs/configuration.md, "Listener limits").
  std::int64_t max_request_line_bytes = 8 * 1024;
  std::int64_t max_header_bytes = 16 * 1024;
  std::int64_t max_header_fields = 100;
  std::int64_t header_timeout_seconds = 10;
  std::int64_t min_body_bytes_per_second = 16 * 1024;
  std::int64_t idle_timeout_seconds = 60;
  std::int64_t send_timeout_seconds = 60;
  std::int64_t max_connections = 10'000;
  std::int64_t max_connections_per_address = 256;
  std::int64_t listen_backlog = 1024;
  std::int64_t max_ranges = 16;
};

// The listener's limits: a name in the file, a --option, the range accepted, what it bounds.
struct LimitSetting {
  const char* key;
  std::int64_t ServerConfig::*field;
  std::int64_t low;
  std::int64_t high;
  const char* help;
};
const std::vector<LimitSetting>& limit_settings();

util::Result<ServerConfig> load_server_config(const std::filesystem::path& file);

// Checks what files and command lines may set alike; the error names the setting.
util::Result<void> check_server_config(const ServerConfig& config);

// Where the catalog is: `catalog`, else the data directory's catalog.db.
std::string catalog_location(const ServerConfig& config, const std::filesystem::path& data_dir);
// A catalog location fit for logs and output: a URI's password replaced by ***.
std::string redacted_location(const std::string& location);

// The configuration in effect, defaults included, in the file's own format.
std::string effective_config_json(const ServerConfig& config);

} // namespace lifeline::server::cli
