#include "server/service/archive_bounds.hpp"

#include <memory>

#include <archive.h>
#include <archive_entry.h>

namespace lifeline::server::service {

std::optional<ArchiveBounds> archive_bounds(const std::filesystem::path& payload) {
  const std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  if (archive_read_open_filename(reader.get(), payload.c_str(), 1 << 16) != ARCHIVE_OK) {
    return std::nullopt;
  }
  ArchiveBounds bounds;
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    ++bounds.entries;
    bounds.bytes += archive_entry_size(entry);
    archive_read_data_skip(reader.get());
  }
  if (status != ARCHIVE_EOF || bounds.entries == 0) {
    return std::nullopt;
  }
  return bounds;
}

} // namespace lifeline::server::service
