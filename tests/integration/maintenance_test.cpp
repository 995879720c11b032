// backup, restore and check on the example world: what check finds, what restore refuses, and
// that a refused restore leaves nothing behind.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/api_fixture.hpp"
#include "tests/support/archives.hpp"

namespace lifeline::testing {
namespace {

namespace fs = std::filesystem;

class Maintenance : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    stop_server(); // the files are changed underneath in most tests
  }

  [[nodiscard]] CommandResult server(const std::string& dir, std::vector<std::string> arguments) const {
    arguments.insert(arguments.begin(), {server_binary().string(), "--data", dir});
    return run(arguments);
  }
  [[nodiscard]] CommandResult check(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> arguments{"check"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return server(data(), arguments);
  }
  [[nodiscard]] std::string backup(const std::string& name = "backup.tar") const {
    const auto out = (m_dir / name).string();
    const auto result = server(data(), {"backup", "--out", out});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return out;
  }
  // The payload file of KB4057113 (content-addressed).
  [[nodiscard]] fs::path payload_file() const {
    return m_dir / "data" / "repository" / "targets" / k_sql / "KB4057113" /
           fs::path(payload_url("KB4057113")).filename();
  }
  // Every entry of `dir`, so that a refused restore can be shown to leave nothing.
  static std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

void overwrite(const fs::path& file, std::uintmax_t offset, const std::string& bytes) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekp(static_cast<std::streamoff>(offset));
  stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST_F(Maintenance, CheckPassesOnAHealthyDataDirectory) {
  const auto result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("check: healthy: 0 problems"), std::string::npos) << result.out;
  const auto json = nlohmann::json::parse(check({"--json"}).out);
  EXPECT_EQ(json["status"], "healthy");
  EXPECT_EQ(json["checked"]["targets"], 2);
  EXPECT_GE(json["checked"]["keys"], 5);
}

// A data directory whose repository was replaced wholesale verifies against its own roots; only
// a root known good from elsewhere (the one shipped to devices) tells it apart.
TEST_F(Maintenance, CheckFromTheShippedRootFindsARepositoryReplacedWholesale) {
  const auto shipped = m_dir / "shipped-root.json";
  write_file(shipped, read_text(fs::path(data()) / "repository" / "metadata" / "1.root.json"));
  EXPECT_EQ(check({"--trusted-root", shipped.string()}).exit_code, 0);

  TempDir other;
  const auto other_data = (other / "data").string();
  ASSERT_EQ(server(other_data, {"init"}).exit_code, 0);
  fs::remove_all(fs::path(data()) / "repository" / "metadata");
  fs::copy(fs::path(other_data) / "repository" / "metadata", fs::path(data()) / "repository" / "metadata");
  const auto replaced = check({"--trusted-root", shipped.string()});
  EXPECT_EQ(replaced.exit_code, 1) << replaced.out;
  EXPECT_NE(replaced.out.find("1.root.json: is not the trusted root given (--trusted-root)"), std::string::npos)
      << replaced.out;
  const auto bad = check({"--trusted-root", (m_dir / "absent.json").string()});
  EXPECT_EQ(bad.exit_code, 3) << bad.out;
}

TEST_F(Maintenance, CheckFindsACorruptedPayload) {
  overwrite(payload_file(), 3, "X");
  const auto result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("PROBLEM  payload  repository/targets/sql-server-2005-sp4/KB4057113/"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("corrupted: its sha256 is not the signed one"), std::string::npos) << result.out;
}

TEST_F(Maintenance, CheckFindsAMissingPayloadAndAnUnlistedOne) {
  fs::rename(payload_file(), payload_file().parent_path() / "stray.cab");
  const auto result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("missing: sql-server-2005-sp4 lists sql-server-2005-sp4/KB4057113/"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("WARNING  payload  repository/targets/sql-server-2005-sp4/KB4057113/stray.cab"),
            std::string::npos)
      << result.out;
}

TEST_F(Maintenance, CheckFindsATamperedSignature) {
  const auto timestamp = m_dir / "data" / "repository" / "metadata" / "timestamp.json";
  auto text = read_text(timestamp);
  const auto at = text.find("\"expires\":\"");
  ASSERT_NE(at, std::string::npos) << text;
  text[at + 11] = text[at + 11] == '2' ? '3' : '2'; // another millennium: the signature no longer covers it
  write_file(timestamp, text);
  const auto result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("PROBLEM  timestamp  repository/metadata/timestamp.json:"), std::string::npos)
      << result.out;
}

TEST_F(Maintenance, CheckReportsExpiredMetadataAtALaterDate) {
  const auto result = check({"--at", "2099-01-01"});
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("PROBLEM  timestamp  repository/metadata/timestamp.json: expired"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("PROBLEM  root"), std::string::npos) << result.out;
}

TEST_F(Maintenance, CheckFindsACorruptedDatabasePage) {
  const auto database = m_dir / "data" / "catalog.db";
  ASSERT_GT(fs::file_size(database), 8U * 4096U);
  overwrite(database, 4U * 4096U, std::string(3U * 4096U, '\x55'));
  const auto result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("PROBLEM  catalog  catalog.db:"), std::string::npos) << result.out;
}

TEST_F(Maintenance, CheckFindsAnUpdateTheCatalogDoesNotKnow) {
  // The repository of this world, with the catalog of a world where nothing was published.
  TempDir other;
  ASSERT_EQ(
      server((other / "data").string(), {"products", "apply", (source_dir() / "examples" / "products.json").string()})
          .exit_code,
      0);
  fs::copy_file(other / "data" / "catalog.db", m_dir / "data" / "catalog.db", fs::copy_options::overwrite_existing);
  const auto result = check();
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.out.find("does not know update KB4057113"), std::string::npos) << result.out;
}

TEST_F(Maintenance, CheckWarnsOfWhatAnInterruptedBackupLeft) {
  fs::create_directories(m_dir / "data" / ".backup-x1y2z3");
  const auto result = check();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_NE(result.out.find("WARNING  backup  .backup-x1y2z3: left by an interrupted backup"), std::string::npos)
      << result.out;
}

TEST_F(Maintenance, CheckCannotCheckWithoutACatalog) {
  TempDir empty;
  const auto result = server((empty / "absent").string(), {"check"});
  EXPECT_EQ(result.exit_code, 3) << result.out;
  EXPECT_FALSE(fs::exists(empty / "absent")) << "check creates nothing";
}

TEST_F(Maintenance, BackupRestoresToAPrivateDirectoryThatPassesCheck) {
  const auto file = backup();
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
  TempDir target;
  const auto restored = (target / "restored").string();
  const auto result = server(restored, {"restore", "--from", file});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(::stat(restored.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700U);
  ASSERT_EQ(::stat((restored + "/keys").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700U);
  ASSERT_EQ(::stat((restored + "/keys/timestamp.pem").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
  EXPECT_EQ(read_text(payload_file()), read_text(fs::path(restored) / fs::relative(payload_file(), m_dir / "data")));
  const auto checked = server(restored, {"check"});
  EXPECT_EQ(checked.exit_code, 0) << checked.out;
  EXPECT_EQ(listing(target.path()), std::vector<std::string>{"restored"});
}

TEST_F(Maintenance, ABackupWithoutKeysRestoresWithoutThem) {
  const auto out = (m_dir / "public.tar").string();
  ASSERT_EQ(server(data(), {"backup", "--out", out, "--without-keys"}).exit_code, 0);
  TempDir target;
  const auto restored = (target / "restored").string();
  ASSERT_EQ(server(restored, {"restore", "--from", out}).exit_code, 0);
  EXPECT_FALSE(fs::exists(fs::path(restored) / "keys"));
  const auto checked = server(restored, {"check"});
  EXPECT_EQ(checked.exit_code, 1);
  EXPECT_NE(checked.out.find("PROBLEM  key  keys: no online keys"), std::string::npos) << checked.out;
}

TEST_F(Maintenance, RestoreRefusesANonEmptyDirectory) {
  const auto file = backup();
  TempDir target;
  write_file(target / "restored" / "notes.txt", "keep me");
  const auto result = server((target / "restored").string(), {"restore", "--from", file});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("is not empty"), std::string::npos) << result.err;
  EXPECT_EQ(listing(target / "restored"), std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(listing(target.path()), std::vector<std::string>{"restored"});
}

TEST_F(Maintenance, RestoreRefusesATamperedBackupAndLeavesNothing) {
  const auto file = backup();
  auto bytes = read_text(file);
  const auto at = bytes.find("important fix for SQL Server 2005 SP4");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'I';
  write_file(file, bytes);
  TempDir target;
  const auto result = server((target / "restored").string(), {"restore", "--from", file});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("does not match its length and SHA-256"), std::string::npos) << result.err;
  EXPECT_TRUE(listing(target.path()).empty());
}

TEST_F(Maintenance, RestoreRefusesAPathOutsideTheDataDirectory) {
  TempDir target;
  const auto file = target / "evil.tar";
  write_file(file, tar_of({{"catalog.db", "x"}, {"repository/../../escaped.txt", "out"}}));
  const auto result = server((target / "restored").string(), {"restore", "--from", file.string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("unsafe or unexpected path"), std::string::npos) << result.err;
  EXPECT_EQ(listing(target.path()), std::vector<std::string>{"evil.tar"});
  EXPECT_FALSE(fs::exists(target / "escaped.txt"));
  EXPECT_FALSE(fs::exists(target.path().parent_path() / "escaped.txt"));
}

TEST_F(Maintenance, RestoreRefusesLinksInTheArchive) {
  for (const char* kind : {"symbolic", "hard"}) {
    TempDir target;
    const auto tree = target / "tree";
    fs::create_directories(tree / "keys");
    write_file(tree / "catalog.db", "x");
    if (std::string(kind) == "symbolic") {
      fs::create_symlink("/etc/passwd", tree / "keys" / "targets.pem");
    } else {
      fs::create_hard_link(tree / "catalog.db", tree / "keys" / "targets.pem");
    }
    const auto file = target / "links.tar";
    const auto packed = run({"/bin/tar", "-C", tree.string(), "-cf", file.string(), "catalog.db", "keys"});
    ASSERT_EQ(packed.exit_code, 0) << packed.err;
    fs::remove_all(tree);
    const auto result = server((target / "restored").string(), {"restore", "--from", file.string()});
    EXPECT_EQ(result.exit_code, 3) << kind;
    EXPECT_EQ(listing(target.path()), std::vector<std::string>{"links.tar"}) << kind << ": " << result.err;
  }
}

TEST_F(Maintenance, RestoreRefusesAnArchiveWithoutAManifest) {
  TempDir target;
  const auto file = target / "plain.tar";
  write_file(file, tar_of({{"catalog.db", "x"}}));
  const auto result = server((target / "restored").string(), {"restore", "--from", file.string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("not a Lifeline backup"), std::string::npos) << result.err;
  EXPECT_EQ(listing(target.path()), std::vector<std::string>{"plain.tar"});
}

} // namespace
} // namespace lifeline::testing
