// The vendor's side: documents applied (products, orders, update manifests), updates published
// through the signing pipeline, credentials issued.
#include <fstream>

#include "catalog/identifiers.hpp"
#include "server/api/routes.hpp"
#include "server/auth/credentials.hpp"
#include "server/service/publishing.hpp"
#include "signing/crypto.hpp"
#include "util/hex.hpp"

namespace lifeline::server::api {

namespace {

using catalog::Role;
namespace fs = std::filesystem;

Json summary_json(const catalog::ApplySummary& summary) {
  return Json{{"created", summary.created},
              {"updated", summary.updated},
              {"unchanged", summary.unchanged},
              {"removed", summary.removed}};
}

// Parses and applies one document, all or nothing: the shape every document route shares.
template <typename Parse, typename Apply>
HttpResponse apply_document(const HttpRequest& request, const std::string& what, Parse parse, Apply apply) {
  if (!http::media_type_is(request.header("content-type"), "application/json")) {
    return http::problem(415, "Unsupported Media Type", "the " + what + " must be application/json");
  }
  auto parsed = parse(request.body);
  if (!parsed.value) {
    return refused_document("the " + what + " was refused; nothing was applied", parsed.problems);
  }
  const auto outcome = apply(*parsed.value);
  if (!outcome) {
    return error_response(outcome.error());
  }
  if (!outcome->applied()) {
    return refused_document("the " + what + " contradicts the catalog; nothing was applied", outcome->problems);
  }
  return json_response(200, Json{{"applied", true}, {"summary", summary_json(outcome->summary)}});
}

HttpResponse apply_products(const HttpRequest& request, Call& call) {
  return apply_document(
      request, "products document", [](const std::string& text) { return catalog::documents::parse_products(text); },
      [&](const std::vector<catalog::Product>& products) {
        return call.catalog.apply_products(products, call.audit());
      });
}

template <typename Parse, typename Apply>
HttpResponse apply_with_products(const HttpRequest& request, Call& call, const std::string& what, Parse parse,
                                 Apply apply) {
  const auto products = service::load_product_index(call.catalog);
  if (!products) {
    return error_response(products.error());
  }
  return apply_document(
      request, what, [&](const std::string& text) { return parse(text, *products); }, apply);
}

HttpResponse apply_order(const HttpRequest& request, Call& call) {
  return apply_with_products(
      request, call, "service order",
      [](const std::string& text, const auto& products) {
        return catalog::documents::parse_service_order(text, products);
      },
      [&](const catalog::ServiceOrder& order) { return call.catalog.apply_order(order, call.audit()); });
}

HttpResponse add_update(const HttpRequest& request, Call& call) {
  return apply_with_products(
      request, call, "update manifest",
      [](const std::string& text, const auto& products) {
        return catalog::documents::parse_update_manifest(text, products);
      },
      [&](const catalog::Update& update) { return call.catalog.add_update(update, call.audit()); });
}

// The payload part is written to DATA/uploads (0600) for the signing pipeline, then removed.
class UploadedFile {
 public:
  explicit UploadedFile(fs::path path) : m_path(std::move(path)) {}
  UploadedFile(const UploadedFile&) = delete;
  UploadedFile& operator=(const UploadedFile&) = delete;
  ~UploadedFile() {
    std::error_code ec;
    fs::remove(m_path, ec);
  }
  [[nodiscard]] const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

HttpResponse publish(const Shared& shared, const HttpRequest& request, Call& call) {
  const auto* manifest = request.part("manifest");
  const auto* payload = request.part("payload");
  if (manifest == nullptr || payload == nullptr) {
    return http::problem(400, "Bad Request",
                         "publish takes multipart/form-data with a \"manifest\" part and a \"payload\" file part");
  }
  const auto file_name = fs::path(payload->filename).filename().string();
  if (!catalog::is_identifier(file_name) || file_name == "." || file_name == "..") {
    return http::problem(422, "Unprocessable Content", "the payload's file name must be [A-Za-z0-9._-], 64 at most");
  }
  auto repository = signing::Repository::open(shared.context.data_dir);
  if (!repository) {
    return error_response(repository.error());
  }
  const auto uploads = shared.context.data_dir / "uploads";
  std::error_code ec;
  fs::create_directories(uploads, ec);
  UploadedFile upload(uploads / (util::to_hex(signing::random_bytes(16)) + ".part"));
  {
    std::ofstream out(upload.path(), std::ios::binary);
    fs::permissions(upload.path(), fs::perms::owner_read | fs::perms::owner_write, ec);
    out.write(payload->content.data(), static_cast<std::streamsize>(payload->content.size()));
    if (!out.flush()) {
      return error_response(util::make_error(util::ErrorKind::io, "cannot store the uploaded payload"));
    }
  }
  const auto outcome = service::publish_update(call.catalog, *repository, manifest->content, upload.path(), file_name,
                                               call.audit(), call.now);
  if (!outcome) {
    return error_response(outcome.error());
  }
  if (!outcome->problems.empty()) {
    return refused_document("the update manifest was refused; nothing was published", outcome->problems);
  }
  Json published = Json::array();
  for (const auto& target : outcome->published) {
    published.push_back(
        Json{{"role", target.role}, {"path", target.path}, {"length", target.length}, {"sha256", target.sha256}});
  }
  return json_response(201, Json{{"published", published}});
}

bool is_vendor_role(std::string_view text) {
  return text == "operator" || text == "publisher";
}

HttpResponse create_token(const HttpRequest& request, Call& call) {
  HttpResponse failure;
  const auto body = json_body(request, failure);
  if (!body) {
    return failure;
  }
  const auto role = string_member(*body, "role", is_vendor_role, "\"operator\" or \"publisher\"", failure);
  const auto name =
      role ? string_member(*body, "name", catalog::is_identifier, "a name ([A-Za-z0-9._-])", failure) : std::nullopt;
  if (!name) {
    return failure;
  }
  const catalog::Principal principal{*catalog::parse_role(*role), *name, std::nullopt};
  const auto issued = auth::issue_token(call.catalog, principal, call.audit());
  if (!issued) {
    return error_response(issued.error());
  }
  return json_response(201, Json{{"token", issued->token}, {"id", issued->id}, {"role", *role}, {"name", *name}});
}

HttpResponse revoke_token(const HttpRequest& request, Call& call) {
  const auto& id = request.params.at("id");
  if (!catalog::is_identifier(id)) {
    return http::problem(404, "Not Found", "no credential " + id);
  }
  const auto revoked = call.catalog.revoke_credential(id, call.audit());
  if (!revoked) {
    return error_response(revoked.error());
  }
  return *revoked ? json_response(200, Json{{"revoked", id}})
                  : http::problem(404, "Not Found", "no live credential " + id);
}

} // namespace

void add_operator_routes(http::Router& router, const SharedPtr& shared) {
  const Roles operators{Role::operator_role};
  const Roles publishers{Role::operator_role, Role::publisher};
  router.add("PUT", "/v1/products", authorised(shared, operators, apply_products));
  router.add("PUT", "/v1/orders", authorised(shared, operators, apply_order));
  router.add("POST", "/v1/updates", authorised(shared, publishers, add_update));
  // Nobody uploads a payload before proving who they are.
  router.gate("POST", "/v1/publish", authorised_gate(shared, publishers));
  router.add("POST", "/v1/publish", authorised(shared, publishers, [shared](const HttpRequest& request, Call& call) {
               return publish(*shared, request, call);
             }));
  router.add("POST", "/v1/tokens", authorised(shared, operators, create_token));
  router.add("DELETE", "/v1/tokens/{id}", authorised(shared, operators, revoke_token));
}

} // namespace lifeline::server::api
