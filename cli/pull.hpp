// Pulling updates as a designated contact: the customer's entitled updates, each of their
// targets found and verified through the repository's signed metadata with the shared TUF
// verifier (from the trusted root the contact logged in with), written under the output
// directory by target path; interrupted downloads resume.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cli/contact_client.hpp"

namespace lifeline::cli {

struct PullRequest {
  std::vector<std::string> updates; // KB numbers; empty with `all`
  bool all = false;
  std::filesystem::path out;
  std::filesystem::path metadata_dir; // trusted metadata, starting from the trusted root
  std::int64_t now = 0;               // the verifier's reference time
};

using PullProgress = std::function<void(const std::string& target, std::uint64_t received, std::uint64_t length)>;

// The target paths written. An update that is not entitled (or unknown) is an error naming it.
util::Result<std::vector<std::string>> pull(ContactClient& client, const PullRequest& request,
                                            const PullProgress& progress = {});

} // namespace lifeline::cli
