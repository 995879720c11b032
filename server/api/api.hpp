// The HTTP API's routes over the server data directory (docs/api.md, docs/api/openapi.yaml).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/http/router.hpp"
#include "util/date.hpp"

namespace lifeline::server::api {

struct ApiContext {
  std::filesystem::path data_dir;
  // Where the catalog is: a SQLite file (the data directory's catalog.db) or a PostgreSQL URI.
  std::string catalog;
  std::shared_ptr<const util::Clock> clock = std::make_shared<util::SystemClock>();
  // When set, payloads are not sent by us: an nginx in front serves PREFIX/<target path> from
  // an internal location once the entitlement decision allowed it (docs/nginx.md).
  std::optional<std::string> accel_redirect_prefix;
  // Addresses of reverse proxies whose X-Forwarded-For names the client (the audit's "from").
  std::vector<std::string> trusted_proxies;
  // Served over TLS: the dashboard's session cookie is marked Secure.
  bool tls = false;
  // What check-ins share between devices may hold this much (an eighth of it per enrolment).
  std::size_t check_in_cache_bytes = std::size_t{64} << 20;
  // How long a check-in's last-seen day may wait before it is written (in one batch).
  std::chrono::milliseconds last_seen_interval{1000};
};

http::Router make_router(const ApiContext& context);

} // namespace lifeline::server::api
