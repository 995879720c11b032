// Offline bundles for closed networks: one archive holding the repository's signed metadata as a
// device fetches it (root chain from the trusted root, timestamp, snapshot, targets, product
// roles), the payloads the customer's devices are entitled to, and each registered device's
// check-in answer with its signed entitlement statement. `lifeline-agent install --bundle` runs
// the same verification and install as a sync from it; statements name devices, so a bundle
// made for one customer installs nothing for another.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/contact_client.hpp"
#include "cli/pull.hpp"

namespace lifeline::cli {

struct BundleRequest {
  std::vector<std::string> products; // empty: every product with entitled updates
  std::filesystem::path out;
  std::filesystem::path trusted_root; // the root the contact logged in with
  std::int64_t now = 0;
};

struct BundleSummary {
  std::vector<std::string> devices;
  std::vector<std::string> targets;
};

util::Result<BundleSummary> create_bundle(ContactClient& client, const BundleRequest& request,
                                          const PullProgress& progress = {});

} // namespace lifeline::cli
