#include "signing/entitlement_statement.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "signing/signed_document.hpp"
#include "signing/tuf/sign.hpp"

namespace lifeline::signing {

namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view k_type = "lifeline-entitlement";
constexpr std::size_t k_max_statement = 1 << 20;

} // namespace

util::Result<std::string> sign_statement(const EntitlementStatement& statement, const NamedKey& key) {
  const Json signed_part{{"_type", k_type},
                         {"spec_version", "1.0"},
                         {"device", statement.device},
                         {"customer", statement.customer},
                         {"product", statement.product},
                         {"enrolment", {{"type", statement.enrolment_type}}},
                         {"programme_quarter", statement.programme_quarter},
                         {"targets", statement.targets},
                         {"issued", tuf::format_expires(statement.issued)},
                         {"expires", tuf::format_expires(statement.expires)}};
  return tuf::sign_metadata(signed_part, {&key});
}

tuf::Result<EntitlementStatement> verify_statement(std::string_view bytes, const tuf::RootSigned& root,
                                                   const std::string& device, tuf::UnixTime now) {
  using tuf::ErrorCode;
  if (!root.entitlement) {
    return tuf::make_error(ErrorCode::unsigned_metadata, "root names no entitlement key");
  }
  auto document = open_signed_document(bytes, k_type, "entitlement statement", k_max_statement);
  if (!document) {
    return document.error();
  }
  try {
    const auto& signed_part = document->signed_part;
    if (auto verified =
            tuf::verify_role("entitlement", *root.entitlement, root.keys, document->canonical, document->signatures);
        !verified) {
      return verified.error();
    }
    EntitlementStatement statement;
    statement.device = signed_part.at("device").get<std::string>();
    statement.customer = signed_part.at("customer").get<std::string>();
    statement.product = signed_part.at("product").get<std::string>();
    statement.enrolment_type = signed_part.at("enrolment").at("type").get<std::string>();
    statement.programme_quarter = signed_part.at("programme_quarter").get<std::int64_t>();
    statement.targets = signed_part.at("targets").get<std::vector<std::string>>();
    const auto issued = tuf::parse_expires(signed_part.at("issued").get<std::string>());
    const auto expires = tuf::parse_expires(signed_part.at("expires").get<std::string>());
    if (!issued || !expires) {
      return tuf::make_error(ErrorCode::malformed, "the statement's dates are malformed");
    }
    statement.issued = *issued;
    statement.expires = *expires;
    if (statement.device != device) {
      return tuf::make_error(ErrorCode::wrong_subject,
                             "the statement is for device " + statement.device + ", not " + device);
    }
    if (now >= statement.expires) {
      return tuf::make_error(ErrorCode::expired, "the entitlement statement expired " + tuf::format_expires(*expires));
    }
    return statement;
  } catch (const nlohmann::json::exception& error) {
    return tuf::make_error(ErrorCode::malformed, std::string("malformed entitlement statement: ") + error.what());
  }
}

bool permits(const EntitlementStatement& statement, const std::string& target_path) {
  return std::find(statement.targets.begin(), statement.targets.end(), target_path) != statement.targets.end();
}

} // namespace lifeline::signing
