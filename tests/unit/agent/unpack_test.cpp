// The malicious-archive suite: every refusal of agent/unpack.hpp on archives built here with
// libarchive's writer, and a good archive unpacked exactly.
#include <functional>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "agent/unpack.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::agent {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string path;
  unsigned type = AE_IFREG;
  unsigned mode = 0644;
  std::string content;
  std::string link;     // symlink target
  std::string hardlink; // hard link target
};

void write_archive(const fs::path& file, const std::vector<Entry>& entries) {
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  ASSERT_EQ(archive_write_open_filename(writer, file.c_str()), ARCHIVE_OK);
  for (const auto& item : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, item.path.c_str());
    archive_entry_set_filetype(entry, item.type);
    archive_entry_set_perm(entry, item.mode);
    archive_entry_set_size(entry, static_cast<la_int64_t>(item.content.size()));
    if (!item.link.empty()) {
      archive_entry_set_symlink(entry, item.link.c_str());
    }
    if (!item.hardlink.empty()) {
      archive_entry_set_hardlink(entry, item.hardlink.c_str());
      archive_entry_set_size(entry, 0);
    }
    ASSERT_EQ(archive_write_header(writer, entry), ARCHIVE_OK) << item.path;
    if (!item.content.empty()) {
      archive_write_data(writer, item.content.data(), item.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
}

class Unpack : public ::testing::Test {
 protected:
  util::Result<UnpackSummary> unpack_entries(const std::vector<Entry>& entries, const UnpackLimits& limits = {}) {
    write_archive(m_dir / "payload.tar", entries);
    return unpack(m_dir / "payload.tar", staging(), limits);
  }
  [[nodiscard]] fs::path staging() const { return m_dir / "staging"; }

  testing::TempDir m_dir;
};

TEST_F(Unpack, AGoodArchiveIsUnpackedExactly) {
  const auto summary = unpack_entries({{"bin", AE_IFDIR, 0755, "", "", ""},
                                       {"bin/tool.exe", AE_IFREG, 0755, "MZ tool", "", ""},
                                       {"readme.txt", AE_IFREG, 0644, "read me", "", ""},
                                       {"bin/current", AE_IFLNK, 0777, "", "tool.exe", ""}});
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->entries, 4);
  EXPECT_EQ(summary->bytes, 14);
  EXPECT_EQ(testing::read_text(staging() / "bin" / "tool.exe"), "MZ tool");
  EXPECT_EQ(fs::read_symlink(staging() / "bin" / "current"), "tool.exe");
}

struct Case {
  const char* name;
  std::vector<Entry> entries;
  const char* expected; // in the error, with the entry named
};

class UnpackRefuses : public Unpack, public ::testing::WithParamInterface<Case> {};

TEST_P(UnpackRefuses, NamingTheEntry) {
  const auto& param = GetParam();
  const auto refused = unpack_entries(param.entries, UnpackLimits{3, 100});
  ASSERT_FALSE(refused) << param.name;
  EXPECT_NE(refused.error().message.find(param.expected), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("archive entry \""), std::string::npos) << refused.error().message;
  EXPECT_FALSE(fs::exists(staging())) << "nothing half-unpacked stays";
  EXPECT_FALSE(fs::exists(m_dir / "escaped")) << "nothing written outside";
}

INSTANTIATE_TEST_SUITE_P(
    MaliciousArchives, UnpackRefuses,
    ::testing::Values(
        Case{"AbsolutePath", {{"/tmp/escaped", AE_IFREG, 0644, "x", "", ""}}, "absolute paths"},
        Case{"DotDot", {{"../escaped", AE_IFREG, 0644, "x", "", ""}}, "\"..\""},
        Case{"DotDotInside", {{"a/../../escaped", AE_IFREG, 0644, "x", "", ""}}, "\"..\""},
        Case{"AbsoluteLink", {{"etc", AE_IFLNK, 0777, "", "/etc", ""}}, "leaves the tree"},
        Case{"RelativeLinkOut", {{"a/up", AE_IFLNK, 0777, "", "../../escaped", ""}}, "leaves the tree"},
        Case{"WriteThroughLink",
             {{"dir", AE_IFLNK, 0777, "", ".", ""}, {"dir/file", AE_IFREG, 0644, "x", "", ""}},
             "not a directory"},
        Case{"HardLink", {{"a", AE_IFREG, 0644, "x", "", ""}, {"b", AE_IFREG, 0644, "", "", "a"}}, "hard links"},
        Case{"CharacterDevice", {{"dev", AE_IFCHR, 0644, "", "", ""}}, "device, FIFO"},
        Case{"Fifo", {{"pipe", AE_IFIFO, 0644, "", "", ""}}, "device, FIFO"},
        Case{"Setuid", {{"su", AE_IFREG, 04755, "x", "", ""}}, "setuid"},
        Case{"Setgid", {{"sg", AE_IFREG, 02755, "x", "", ""}}, "setgid"},
        Case{"TooManyEntries",
             {{"1", AE_IFREG, 0644, "x", "", ""},
              {"2", AE_IFREG, 0644, "x", "", ""},
              {"3", AE_IFREG, 0644, "x", "", ""},
              {"4", AE_IFREG, 0644, "x", "", ""}},
             "more entries"},
        Case{"TooManyBytes", {{"big", AE_IFREG, 0644, std::string(101, 'x'), "", ""}}, "more bytes"},
        Case{"Backslash", {{"a\\..\\..\\escaped", AE_IFREG, 0644, "x", "", ""}}, "absolute paths"},
        Case{"TwiceTheSameFile",
             {{"a", AE_IFREG, 0644, "x", "", ""}, {"a", AE_IFREG, 0644, "y", "", ""}},
             "cannot be created"}),
    [](const ::testing::TestParamInfo<Case>& test) { return std::string(test.param.name); });

TEST_F(Unpack, GarbageIsNotAnArchive) {
  testing::write_file(m_dir / "payload.tar", std::string(1000, '\x7f'));
  EXPECT_FALSE(unpack(m_dir / "payload.tar", staging()));
  EXPECT_FALSE(fs::exists(staging()));
}

} // namespace
} // namespace lifeline::agent
