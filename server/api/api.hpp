// The HTTP API's routes over the server data directory (docs/api.md).
#pragma once

#include <filesystem>

#include "server/http/router.hpp"

namespace lifeline::server::api {

struct ApiContext {
  std::filesystem::path data_dir;
};

http::Router make_router(const ApiContext& context);

} // namespace lifeline::server::api
