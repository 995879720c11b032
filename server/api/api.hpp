// The HTTP API's routes over the server data directory (docs/api.md, docs/api/openapi.yaml).
#pragma once

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
  std::shared_ptr<const util::Clock> clock = std::make_shared<util::SystemClock>();
  // When set, payloads are not sent by us: an nginx in front serves PREFIX/<target path> from
  // an internal location once the entitlement decision allowed it (docs/nginx.md).
  std::optional<std::string> accel_redirect_prefix;
  // Addresses of reverse proxies whose X-Forwarded-For names the client (the audit's "from").
  std::vector<std::string> trusted_proxies;
  // Served over TLS: the dashboard's session cookie is marked Secure.
  bool tls = false;
};

http::Router make_router(const ApiContext& context);

} // namespace lifeline::server::api
