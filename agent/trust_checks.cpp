#include "agent/trust_checks.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "signing/tuf/metadata.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"

namespace lifeline::agent {

namespace {

using Json = nlohmann::json;

// Bounds a signed target may raise the agent's defaults to, and no further.
constexpr std::int64_t k_max_signed_entries = 1'000'000;
constexpr std::int64_t k_max_signed_bytes = std::int64_t{64} << 30;

std::string text_at(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get_ref<const std::string&>() : std::string();
}

// Service packs and language tags compare as the server compares them: without case.
bool same_name(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

util::Error refusal(const std::string& why) {
  return util::make_error(util::ErrorKind::invalid_input, why);
}

} // namespace

util::Result<void> accept_statement(const signing::EntitlementStatement& statement, const Instance& instance,
                                    std::int64_t now, const std::filesystem::path& state_file) {
  using signing::tuf::format_expires;
  if (statement.product != instance.product) {
    return refusal("the statement is for product " + statement.product + ", not " + instance.product);
  }
  if (statement.issued > now + k_clock_skew_seconds) {
    return refusal("issued " + format_expires(statement.issued) + ", in the future of this device's clock (" +
                   format_expires(now) + ")");
  }
  const auto last_text = util::read_file(state_file, 4096);
  const auto last = last_text ? Json::parse(*last_text, nullptr, false) : Json();
  const auto number = [&](const char* name) -> std::int64_t {
    if (!last.is_object()) {
      return 0;
    }
    const auto it = last.find(name);
    return it != last.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
  };
  if (statement.issued < number("issued")) {
    return refusal("replayed: issued " + format_expires(statement.issued) + ", before the last accepted statement (" +
                   format_expires(number("issued")) + ")");
  }
  if (statement.programme_quarter < number("programme_quarter")) {
    return refusal("replayed: programme quarter " + std::to_string(statement.programme_quarter) + ", after quarter " +
                   std::to_string(number("programme_quarter")) + " was seen");
  }
  return util::write_file_atomically(
      state_file, Json{{"issued", statement.issued}, {"programme_quarter", statement.programme_quarter}}.dump());
}

SignedAttributes signed_attributes(const std::string& custom) {
  SignedAttributes signed_part;
  const auto attributes = Json::parse(custom, nullptr, false);
  if (!attributes.is_object()) {
    return signed_part;
  }
  const auto lifeline = attributes.find("lifeline");
  if (lifeline == attributes.end() || !lifeline->is_object()) {
    return signed_part;
  }
  signed_part.kb = text_at(*lifeline, "kb");
  signed_part.product = text_at(*lifeline, "product");
  signed_part.language = text_at(*lifeline, "language");
  signed_part.requires_service_pack = text_at(*lifeline, "requires_service_pack");
  const auto unpacked = lifeline->find("unpacked");
  if (unpacked == lifeline->end() || !unpacked->is_object()) {
    return signed_part;
  }
  auto& limits = signed_part.limits;
  for (const auto& [name, bound, ceiling] : {std::tuple{"entries", &limits.max_entries, k_max_signed_entries},
                                             std::tuple{"bytes", &limits.max_bytes, k_max_signed_bytes}}) {
    const auto value = unpacked->find(name);
    if (value != unpacked->end() && value->is_number_integer() && value->get<std::int64_t>() >= 0) {
      *bound = std::min(value->get<std::int64_t>(), ceiling);
    }
  }
  return signed_part;
}

std::string not_applicable(const SignedAttributes& signed_part, const std::string& offered_kb,
                           const Instance& instance) {
  if (!signed_part.kb.empty() && signed_part.kb != offered_kb) {
    return "its signed metadata says it belongs to " + signed_part.kb + ", not " + offered_kb;
  }
  if (!signed_part.product.empty() && signed_part.product != instance.product) {
    return "it is signed for product " + signed_part.product;
  }
  if (!signed_part.language.empty() && !same_name(signed_part.language, instance.language)) {
    return "it is signed for language " + signed_part.language + ", this instance is " + instance.language;
  }
  if (!signed_part.requires_service_pack.empty() &&
      !same_name(signed_part.requires_service_pack, instance.service_pack)) {
    return "it requires service pack " + signed_part.requires_service_pack + ", this instance has " +
           instance.service_pack + " (CS-3)";
  }
  return {};
}

} // namespace lifeline::agent
