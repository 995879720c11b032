#include "server/api/api.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "server/auth/credentials.hpp"

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

// SQLite connections are per thread: each worker thread opens its own catalog once.
util::Result<catalog::Catalog*> thread_catalog(const std::filesystem::path& data_dir) {
  thread_local std::map<std::string, std::unique_ptr<catalog::Catalog>> catalogs;
  auto& slot = catalogs[data_dir.string()];
  if (!slot) {
    auto opened = catalog::open_sqlite_catalog(data_dir / "catalog.db");
    if (!opened) {
      return opened.error();
    }
    slot = std::move(*opened);
  }
  return slot.get();
}

HttpResponse unauthorized() {
  auto response =
      http::problem(401, "Unauthorized", "a valid bearer token is required (CS-12: nothing is served anonymously)");
  response.headers["WWW-Authenticate"] = "Bearer realm=\"lifeline\"";
  return response;
}

// The caller of a request, from "Authorization: Bearer TOKEN".
std::optional<catalog::Principal> caller(const HttpRequest& request, catalog::Catalog& catalog) {
  const auto header = request.header("authorization");
  constexpr std::string_view k_scheme = "Bearer ";
  if (!header.starts_with(k_scheme)) {
    return std::nullopt;
  }
  auto principal = auth::authenticate(catalog, std::string_view(header).substr(k_scheme.size()));
  return principal ? *principal : std::nullopt;
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
    response.headers["Cache-Control"] =
        name == "timestamp.json" || name == "root.json" ? "no-cache" : "max-age=31536000, immutable";
    return response;
  });
  const auto data_dir = context.data_dir;
  router.add("GET", "/v1/whoami", [data_dir](const HttpRequest& request) {
    auto catalog = thread_catalog(data_dir);
    if (!catalog) {
      return http::problem(503, "Service Unavailable", "the catalog cannot be opened");
    }
    const auto principal = caller(request, **catalog);
    if (!principal) {
      return unauthorized();
    }
    const nlohmann::ordered_json body{
        {"role", catalog::to_string(principal->role)},
        {"subject", principal->subject},
        {"customer", principal->customer ? nlohmann::ordered_json(*principal->customer) : nlohmann::ordered_json()}};
    return HttpResponse{200, "application/json", body.dump(), {}, {}};
  });
  return router;
}

} // namespace lifeline::server::api
