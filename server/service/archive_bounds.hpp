// What a payload archive unpacks to, measured when it is published and signed into its target's
// custom attributes, so that a device refuses an archive that would unpack to more entries or
// bytes than the vendor signed for (a zip bomb swapped in cannot pass the hashes anyway; these
// bounds also hold for archives that are signed but malicious).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace lifeline::server::service {

struct ArchiveBounds {
  std::int64_t entries = 0;
  std::int64_t bytes = 0; // content bytes of all entries together
};

// nullopt when the payload is not an archive libarchive reads (a plain file is published as is).
std::optional<ArchiveBounds> archive_bounds(const std::filesystem::path& payload);

} // namespace lifeline::server::service
