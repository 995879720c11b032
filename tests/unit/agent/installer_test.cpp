// Transactional installs: the ledger and the files agree after every possible interruption.
#include <map>

#include <stdlib.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "agent/installer.hpp"
#include "tests/support/archives.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::agent {
namespace {

namespace fs = std::filesystem;
using Tree = std::map<std::string, std::string>;

void write_tar(const fs::path& file, const Tree& files) {
  testing::write_file(file, testing::tar_of(files));
}

Tree read_tree(const fs::path& root) {
  Tree tree;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      tree[fs::relative(entry.path(), root).string()] = testing::read_text(entry.path());
    }
  }
  return tree;
}

struct Interrupted {};

// The product's install root beside the agent's state directory, or (with `true`) on another file
// system, as /opt and /var/lib often are: the install still swaps whole files and rolls back.
class InstallerTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      char pattern[] = "/dev/shm/lifeline-installer-XXXXXX";
      ASSERT_NE(::mkdtemp(pattern), nullptr);
      m_root = pattern;
      struct stat here {};
      struct stat there {};
      ASSERT_EQ(::stat(m_dir.path().c_str(), &here), 0);
      ASSERT_EQ(::stat(m_root.c_str(), &there), 0);
      if (here.st_dev == there.st_dev) {
        GTEST_SKIP() << "/dev/shm is on the temporary directory's file system here";
      }
    } else {
      m_root = m_dir / "root";
    }
    testing::write_file(root() / "bin" / "server.exe", "old server");
    testing::write_file(root() / "readme.txt", "old readme");
    write_tar(payload(), {{"bin/server.exe", "new server"}, {"bin/patch.dll", "new library"}});
  }
  void TearDown() override {
    if (GetParam() && !m_root.empty()) {
      std::error_code ec;
      fs::remove_all(m_root, ec);
    }
  }
  [[nodiscard]] fs::path root() const { return m_root; }
  [[nodiscard]] fs::path work() const { return m_dir / "work"; }
  [[nodiscard]] fs::path payload() const { return m_dir / "KB1.tar"; }

  testing::TempDir m_dir;
  fs::path m_root;
};

INSTANTIATE_TEST_SUITE_P(Roots, InstallerTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "OtherFileSystem" : "SameFileSystem";
                         });

TEST_P(InstallerTest, InstallsRecordsAndUninstallsBackToTheOldFiles) {
  const auto before = read_tree(root());
  Installer installer(work(), root());
  ASSERT_TRUE(installer.install("KB1", "p/KB1/KB1.tar", payload()));
  EXPECT_EQ(read_tree(root()),
            (Tree{{"bin/server.exe", "new server"}, {"bin/patch.dll", "new library"}, {"readme.txt", "old readme"}}));
  EXPECT_TRUE(installer.is_installed("KB1").value());
  const auto reports = installer.pending_reports().value();
  ASSERT_EQ(reports.size(), 1U);
  EXPECT_EQ(reports[0].outcome, "installed");
  ASSERT_TRUE(installer.uninstall("KB1"));
  EXPECT_EQ(read_tree(root()), before);
  EXPECT_FALSE(installer.is_installed("KB1").value());
}

TEST_P(InstallerTest, AnInterruptionAtAnyStepLeavesTheOldOrTheNewState) {
  const auto before = read_tree(root());
  int completed_at = 0;
  for (int stop = 1; completed_at == 0 && stop < 50; ++stop) {
    {
      Installer installer(work(), root(), [stop](int step) {
        if (step == stop) {
          throw Interrupted{}; // the process dies here: no cleanup runs
        }
      });
      try {
        ASSERT_TRUE(installer.install("KB1", "p/KB1/KB1.tar", payload()));
        completed_at = stop;
      } catch (const Interrupted&) {
      }
    }
    Installer next_run(work(), root());
    ASSERT_TRUE(next_run.recover());
    if (completed_at == 0) {
      EXPECT_EQ(read_tree(root()), before) << "interrupted at step " << stop;
      EXPECT_FALSE(next_run.is_installed("KB1").value());
    }
  }
  ASSERT_GT(completed_at, 3) << "the install has several steps, each interrupted once";
  Installer after(work(), root());
  EXPECT_TRUE(after.is_installed("KB1").value());
  EXPECT_EQ(read_tree(root()).at("bin/server.exe"), "new server");
}

// A crash in the middle of a move across file systems leaves the copy beside its destination:
// rollback removes it with the rest.
TEST_P(InstallerTest, RollbackRemovesACopyACrashLeftHalfway) {
  const auto before = read_tree(root());
  {
    Installer installer(work(), root(), [this](int step) {
      if (step == 1) { // the old server.exe is in the backups; its replacement was being copied
        testing::write_file(root() / "bin" / ".server.exe.lifeline-copy", "new ser");
        throw Interrupted{};
      }
    });
    EXPECT_THROW((void)installer.install("KB1", "p/KB1/KB1.tar", payload()), Interrupted);
  }
  Installer next_run(work(), root());
  ASSERT_TRUE(next_run.recover());
  EXPECT_EQ(read_tree(root()), before);
  EXPECT_FALSE(next_run.is_installed("KB1").value());
}

TEST_P(InstallerTest, AnUnsafeArchiveChangesNothingAndIsReportedAsFailed) {
  testing::write_file(payload(), "not an archive");
  const auto before = read_tree(root());
  Installer installer(work(), root());
  EXPECT_FALSE(installer.install("KB1", "p/KB1/KB1.tar", payload()));
  EXPECT_EQ(read_tree(root()), before);
  const auto reports = installer.pending_reports().value();
  ASSERT_EQ(reports.size(), 1U);
  EXPECT_EQ(reports[0].outcome, "failed");
}

} // namespace
} // namespace lifeline::agent
