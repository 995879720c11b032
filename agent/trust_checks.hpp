// What the agent checks beyond signatures before a byte is installed: that the entitlement
// statement is current for this instance (product, never older than the last one accepted),
// and that the publisher's signed attributes of a target agree with the server's offer and with
// the instance's inventory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "agent/config.hpp"
#include "agent/unpack.hpp"
#include "signing/entitlement_statement.hpp"

namespace lifeline::agent {

// How far a statement's issue time may run ahead of the agent's clock (skewed clocks).
inline constexpr std::int64_t k_clock_skew_seconds = 3600;

// Refuses a statement for another product, issued in the future (beyond the skew), or older than
// (or of an earlier programme quarter than) the last one accepted, which `state_file` remembers:
// a replayed statement could bring back an entitlement since withdrawn. Records the accepted one.
// Deleting `state_file` forgets the history (docs/agent.md, after a server clock accident).
util::Result<void> accept_statement(const signing::EntitlementStatement& statement, const Instance& instance,
                                    std::int64_t now, const std::filesystem::path& state_file);

// What the publisher signed about a target (its "custom" field, "lifeline" object).
struct SignedAttributes {
  std::string kb;
  std::string product;
  std::string language;              // "" when any
  std::string requires_service_pack; // "" when any
  UnpackLimits limits;               // the agent's defaults when the target carries none
};

SignedAttributes signed_attributes(const std::string& custom);

// Why the signed attributes say the target is not for this instance, or "" when it is.
std::string not_applicable(const SignedAttributes& signed_part, const std::string& offered_kb,
                           const Instance& instance);

} // namespace lifeline::agent
