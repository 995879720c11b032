#include "server/api/api.hpp"

#include <algorithm>

namespace lifeline::server::api {

namespace {

using http::HttpRequest;
using http::HttpResponse;

// One file name of the metadata directory: no path, no hidden or staging file.
bool is_metadata_name(const std::string& name) {
  return !name.empty() && name.size() <= 255 && name.front() != '.' && name.ends_with(".json") &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-' || c == '%';
         });
}

} // namespace

http::Router make_router(const ApiContext& context) {
  http::Router router;
  router.add("GET", "/healthz", [](const HttpRequest&) {
    return HttpResponse{200, "application/json", R"({"status":"ok"})", {}, {}};
  });
  // TUF metadata is public: devices verify every byte against root, so serving it to anyone
  // gives nothing away that the signatures do not already protect.
  const auto metadata_dir = context.data_dir / "repository" / "metadata";
  router.add("GET", "/v1/repository/metadata/{file}", [metadata_dir](const HttpRequest& request) {
    const auto& name = request.params.at("file");
    std::error_code ec;
    if (!is_metadata_name(name) || !std::filesystem::is_regular_file(metadata_dir / name, ec)) {
      return http::problem(404, "Not Found", "no metadata file " + name);
    }
    HttpResponse response;
    response.content_type = "application/json";
    response.file = metadata_dir / name;
    response.headers["Cache-Control"] = name == "timestamp.json" || name == "root.json" ? "no-cache" : "max-age=31536000, immutable";
    return response;
  });
  return router;
}

} // namespace lifeline::server::api
