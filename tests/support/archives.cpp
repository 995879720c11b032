#include "tests/support/archives.hpp"

#include <vector>

#include <archive.h>
#include <archive_entry.h>

namespace lifeline::testing {

std::string tar_of(const std::map<std::string, std::string>& files) {
  std::vector<char> buffer(1 << 20);
  std::size_t used = 0;
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  archive_write_open_memory(writer, buffer.data(), buffer.size(), &used);
  for (const auto& [path, content] : files) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, path.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_write_header(writer, entry);
    archive_write_data(writer, content.data(), content.size());
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
  return std::string(buffer.data(), used);
}

} // namespace lifeline::testing
