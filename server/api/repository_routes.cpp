// The TUF repository over HTTP: metadata for anyone (devices verify every byte against root),
// payloads only for a caller the rules allow, decided and audited per request (CS-12, CS-14).
#include <algorithm>

#include "catalog/identifiers.hpp"
#include "server/api/routes.hpp"

namespace lifeline::server::api {

namespace {

namespace fs = std::filesystem;

bool is_name_character(char c) {
  // No '%': names reach nginx in X-Accel-Redirect, which unescapes them.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// One file name: no path, no hidden or staging file.
bool is_file_name(const std::string& name) {
  return !name.empty() && name.size() <= 255 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), is_name_character);
}

// "<product>/<KB>/<sha256>.<file>" (content-addressed, as TUF clients ask), every segment a
// plain name; `logical` is the path signed metadata lists, "<product>/<KB>/<file>".
struct TargetPath {
  std::string product;
  std::string update;
  std::string logical;
};

std::optional<TargetPath> parse_target_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = std::min(path.find('/', start), path.size());
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  constexpr std::size_t k_digest_hex = 64;
  if (segments.size() != 3 || !std::all_of(segments.begin(), segments.end(), is_file_name) ||
      !catalog::is_identifier(segments[0]) || !catalog::is_kb(segments[1]) || segments[2].size() <= k_digest_hex + 1 ||
      segments[2][k_digest_hex] != '.') {
    return std::nullopt;
  }
  return TargetPath{segments[0], segments[1],
                    segments[0] + "/" + segments[1] + "/" + segments[2].substr(k_digest_hex + 1)};
}

HttpResponse serve_target(Shared& shared, const HttpRequest& request, Call& call) {
  const auto& path = request.params.at("path");
  const auto target = parse_target_path(path);
  const auto file = shared.context.data_dir / "repository" / "targets" / path;
  std::error_code ec;
  if (!target || !fs::is_regular_file(file, ec)) {
    return http::problem(404, "Not Found", "no target " + path);
  }
  // Only what signed metadata lists now: not a revoked role's payload, nor a stray file.
  const auto repository = shared.repository.current();
  if (!repository) {
    return error_response(repository.error());
  }
  const auto listed = (*repository)->payloads(target->product);
  if (!listed) {
    return error_response(listed.error());
  }
  if (!listed->contains(target->logical)) {
    return http::problem(404, "Not Found", "no published target " + path);
  }
  const auto outcome = call.catalog.authorise_download(
      catalog::DownloadRequest{call.caller, target->update, target->product, path, client_address(shared, request)},
      call.audit());
  if (!outcome) {
    return error_response(outcome.error());
  }
  const auto& decision = outcome->decision;
  const auto reasons = reason_codes(decision.findings);
  shared.metrics.record_decision("download", decision.allowed, reasons);
  if (!decision.allowed) {
    return forbidden("the Custom Support rules refuse " + path + " to " + call.actor(), reasons);
  }
  HttpResponse response;
  response.content_type = "application/octet-stream";
  response.headers["Cache-Control"] = "private, no-store";
  if (shared.context.accel_redirect_prefix) {
    // nginx serves the bytes from its internal location; the decision above is already audited.
    response.headers["X-Accel-Redirect"] = *shared.context.accel_redirect_prefix + "/" + path;
    return response;
  }
  response.file = file;
  return response;
}

} // namespace

void add_repository_routes(http::Router& router, const SharedPtr& shared) {
  const auto metadata_dir = shared->context.data_dir / "repository" / "metadata";
  router.add("GET", "/v1/repository/metadata/{file}", [metadata_dir](const HttpRequest& request) {
    const auto& name = request.params.at("file");
    std::error_code ec;
    if (!is_file_name(name) || !name.ends_with(".json") || !fs::is_regular_file(metadata_dir / name, ec)) {
      return http::problem(404, "Not Found", "no metadata file " + name);
    }
    HttpResponse response;
    response.content_type = "application/json";
    response.file = metadata_dir / name;
    response.headers["Cache-Control"] =
        name == "timestamp.json" || name == "root.json" ? "no-cache" : "max-age=31536000, immutable";
    return response;
  });
  router.add(
      "GET", "/v1/repository/targets/{path*}",
      authorised(
          shared,
          {catalog::Role::operator_role, catalog::Role::publisher, catalog::Role::contact, catalog::Role::device},
          [shared](const HttpRequest& request, Call& call) { return serve_target(*shared, request, call); }));
}

} // namespace lifeline::server::api
