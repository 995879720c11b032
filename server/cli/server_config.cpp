#include "server/cli/server_config.hpp"

#include "catalog/catalog.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "util/config_file.hpp"

namespace lifeline::server::cli {

namespace {

// HOST:PORT, the port 0 to 65535 (0: any free port).
bool is_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || text.size() > 300) {
    return false;
  }
  const auto port_text = text.substr(colon + 1);
  int port = -1;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  return ec == std::errc() && end == port_text.data() + port_text.size() && port >= 0 && port <= 65535 &&
         text.find_first_of(" \t\r\n/") == std::string_view::npos;
}

bool is_proxy_address(std::string_view text) {
  return !text.empty() && text.size() <= 64 && text.find_first_of(" \t\r\n,") == std::string_view::npos;
}

bool is_path_prefix(std::string_view text) {
  return text.starts_with('/') && text.size() <= 1024 && text.find_first_of(" \t\r\n") == std::string_view::npos;
}

bool any_path(std::string_view text) {
  return util::is_config_path(text);
}

// Settings that are off when empty, so that `config show`'s output reads back as it was.
bool is_catalog_uri(std::string_view text) {
  return text.empty() || catalog::is_postgres_location(text);
}

bool optional_path(std::string_view text) {
  return text.empty() || util::is_config_path(text);
}

bool optional_prefix(std::string_view text) {
  return text.empty() || is_path_prefix(text);
}

} // namespace

const std::vector<LimitSetting>& limit_settings() {
  static const std::vector<LimitSetting> k_settings{
      {"max_request_line_bytes", &ServerConfig::max_request_line_bytes, 256, 1 << 20,
       "Longest request line (414 beyond)"},
      {"max_header_bytes", &ServerConfig::max_header_bytes, 1024, 1 << 20,
       "Longest request head, request line included (431 beyond)"},
      {"max_header_fields", &ServerConfig::max_header_fields, 8, 10'000,
       "Most header fields in a request (431 beyond)"},
      {"header_timeout_seconds", &ServerConfig::header_timeout_seconds, 1, 600,
       "Time from a request's first byte to the end of its head"},
      {"min_body_bytes_per_second", &ServerConfig::min_body_bytes_per_second, 1, 1'000'000'000,
       "Slowest average body rate accepted once the head's time has passed"},
      {"idle_timeout_seconds", &ServerConfig::idle_timeout_seconds, 1, 3600,
       "How long a kept-alive connection may wait for its next request"},
      {"send_timeout_seconds", &ServerConfig::send_timeout_seconds, 1, 3600,
       "How long a client may take nothing of an answer"},
      {"max_connections", &ServerConfig::max_connections, 1, 1'000'000,
       "Open connections in all; more are closed at once"},
      {"max_connections_per_address", &ServerConfig::max_connections_per_address, 1, 1'000'000,
       "Open connections from one client address (trusted proxies exempt)"},
      {"listen_backlog", &ServerConfig::listen_backlog, 1, 65'535, "Connections the kernel queues before accept"},
      {"max_ranges", &ServerConfig::max_ranges, 1, 1000, "Most ranges in a Range request; more get the whole file"},
  };
  return k_settings;
}

std::string catalog_location(const ServerConfig& config, const std::filesystem::path& data_dir) {
  return config.catalog.empty() ? (data_dir / "catalog.db").string() : config.catalog;
}

std::string redacted_location(const std::string& location) {
  return catalog::redacted_location(location);
}

util::Result<ServerConfig> load_server_config(const std::filesystem::path& path) {
  auto file = util::ConfigFile::load(path);
  if (!file) {
    return file.error();
  }
  ServerConfig config;
  file->text("data", config.data, any_path, "the data directory");
  file->text("catalog", config.catalog, is_catalog_uri, "a PostgreSQL URI (postgresql://...), or empty for catalog.db");
  file->text("listen", config.listen, is_listen_address, "HOST:PORT");
  file->text("tls_certificate", config.tls_certificate, optional_path, "a PEM certificate chain file");
  file->text("tls_private_key", config.tls_private_key, optional_path, "a PEM private key file");
  file->integer("threads", config.threads, 1, 1024);
  file->text("accel_redirect", config.accel_redirect, optional_prefix, "a path prefix such as /protected");
  file->text_list("trusted_proxies", config.trusted_proxies, is_proxy_address, "proxy addresses");
  file->integer("refresh_minutes", config.refresh_minutes, 1, 12 * 60);
  file->integer("max_upload_mib", config.max_upload_mib, 1, 64 * 1024);
  file->integer("check_in_cache_mib", config.check_in_cache_mib, 1, 64 * 1024);
  file->integer("last_seen_seconds", config.last_seen_seconds, 1, 60);
  file->boolean("log_requests", config.log_requests);
  for (const auto& setting : limit_settings()) {
    file->integer(setting.key, config.*setting.field, setting.low, setting.high);
  }
  if (config.tls_certificate.empty() != config.tls_private_key.empty()) {
    file->refuse("tls_private_key", "and /tls_certificate go together");
  }
  if (auto finished = file->finish(); !finished) {
    return finished.error();
  }
  return config;
}

util::Result<void> check_server_config(const ServerConfig& config) {
  const auto refuse = [](const std::string& why) { return util::make_error(util::ErrorKind::invalid_input, why); };
  if (!is_catalog_uri(config.catalog)) {
    return refuse("catalog must be a PostgreSQL URI (postgresql://...)"); // the value may hold a password
  }
  if (!is_listen_address(config.listen)) {
    return refuse("listen must be HOST:PORT, not " + config.listen);
  }
  if (config.tls_certificate.empty() != config.tls_private_key.empty()) {
    return refuse("the TLS certificate and private key go together");
  }
  if (!config.accel_redirect.empty() && !is_path_prefix(config.accel_redirect)) {
    return refuse("accel_redirect must be a path prefix such as /protected");
  }
  for (const auto& proxy : config.trusted_proxies) {
    if (!is_proxy_address(proxy)) {
      return refuse("trusted proxy " + proxy + " is not an address");
    }
  }
  return {};
}

std::string effective_config_json(const ServerConfig& config) {
  nlohmann::ordered_json json{
      {"data", config.data},
      {"catalog", redacted_location(config.catalog)},
      {"listen", config.listen},
      {"tls_certificate", config.tls_certificate},
      {"tls_private_key", config.tls_private_key},
      {"threads", config.threads},
      {"accel_redirect", config.accel_redirect},
      {"trusted_proxies", config.trusted_proxies},
      {"refresh_minutes", config.refresh_minutes},
      {"max_upload_mib", config.max_upload_mib},
      {"check_in_cache_mib", config.check_in_cache_mib},
      {"last_seen_seconds", config.last_seen_seconds},
      {"log_requests", config.log_requests},
  };
  for (const auto& setting : limit_settings()) {
    json[setting.key] = config.*setting.field;
  }
  return json.dump(2);
}

} // namespace lifeline::server::cli
