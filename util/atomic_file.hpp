// Whole-file writes that a crash can never leave half-done: write a temporary file beside the
// target, fsync it, move it into place, fsync the directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lifeline::util {

enum class FileMode { private_file, shared_file }; // 0600 for secrets, 0644 otherwise

// Replaces `path` (or creates it) atomically.
[[nodiscard]] Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                                 FileMode mode = FileMode::shared_file);

// Creates `path` atomically and refuses, without touching it, when it already exists.
[[nodiscard]] Result<void> write_new_file(const std::filesystem::path& path, std::string_view content,
                                          FileMode mode = FileMode::shared_file);

// A file written in pieces (large payloads) and moved into place only by commit(); destroyed
// without commit(), it leaves nothing behind.
class AtomicFileWriter {
 public:
  static Result<AtomicFileWriter> create(const std::filesystem::path& path, FileMode mode = FileMode::shared_file);
  // Continues `partial`, a named temporary that survives a failed or interrupted write so that
  // a later run can go on with it (resumed downloads); discard() removes it. It must be a plain
  // file of its own (no link followed), and read_existing() says what it holds.
  static Result<AtomicFileWriter> resume(const std::filesystem::path& path, const std::filesystem::path& partial);
  // Feeds the bytes a resumed temporary already holds to `reader`, at most `max_bytes` of them
  // (a longer one is emptied), and returns their count: later writes follow exactly those bytes.
  Result<std::uint64_t> read_existing(const std::function<void(std::string_view)>& reader, std::uint64_t max_bytes);
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  [[nodiscard]] Result<void> write(std::string_view bytes);
  // fsync, rename over `path` (or, with `replace` false, refuse an existing one), fsync the directory.
  [[nodiscard]] Result<void> commit(bool replace = true);
  // The same, under a name known only once the content is (content addressing).
  [[nodiscard]] Result<void> commit_as(const std::filesystem::path& path, bool replace = true);
  // Closes and removes the temporary, whatever its kind.
  void discard();
  // commit() then only renames: for files whose bytes are verified again before every use
  // (downloads checked against signed hashes), where a flush would buy nothing.
  void skip_flush() { m_flush = false; }

 private:
  AtomicFileWriter(std::filesystem::path path, std::string temporary, int fd, bool keep = false);
  std::filesystem::path m_path;
  std::string m_temporary;
  int m_fd = -1;
  bool m_keep = false; // a resumable temporary outlives the writer
  bool m_flush = true;
};

} // namespace lifeline::util
