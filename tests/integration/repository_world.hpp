// A server data directory driven through the real lifeline-server binary, and a TUF device that
// verifies what it publishes: shared by the repository command and key rotation tests.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signing/tuf/updater.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::testing {

class RepositoryWorld : public ::testing::Test {
 protected:
  CommandResult server(std::vector<std::string> args) {
    args.insert(args.begin(), {server_binary().string(), "--data", (m_dir / "data").string()});
    return run(args);
  }

  // Publishes examples/updates/KB.json with the payload m_dir/KB.cab.
  int publish(const std::string& kb) {
    const auto result = server(
        {"publish", "--manifest", example("updates/" + kb + ".json"), "--payload", (m_dir / (kb + ".cab")).string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.exit_code;
  }

  // contoso's device dev-1 (SQL Server 2005 SP4, en-US at paris), registered before its quarters.
  void register_contoso_device() {
    const auto registered =
        server({"devices", "register", "--customer", "contoso", "--site", "paris", "--product", "sql-server-2005-sp4",
                "--service-pack", "SP4", "--language", "en-US", "--at", "2016-11-01"});
    ASSERT_EQ(registered.exit_code, 0) << registered.err;
  }

  static std::string example(const std::string& name) { return (source_dir() / "examples" / name).string(); }

  // A static copy of the repository (repository export) under m_dir/NAME.
  std::filesystem::path exported(const std::string& name) {
    const auto out = m_dir / name;
    const auto done = server({"repository", "export", "--out", out.string()});
    EXPECT_EQ(done.exit_code, 0) << done.err;
    return out;
  }

  // One device per `client` name, trusting the repository's first root: its metadata directory
  // survives between downloads, as a device's does between syncs.
  signing::tuf::Result<std::string> client_download(const std::filesystem::path& repository, const std::string& path,
                                                    const std::string& client = "client") {
    if (!std::filesystem::exists(m_dir / client / "root.json")) {
      write_file(m_dir / client / "root.json", read_text(repository / "metadata" / "1.root.json"));
    }
    signing::tuf::DirectoryFetcher metadata_fetcher(repository / "metadata");
    signing::tuf::DirectoryFetcher targets_fetcher(repository / "targets");
    signing::tuf::UpdaterConfig config;
    config.metadata_dir = m_dir / client;
    config.reference_time = std::time(nullptr);
    signing::tuf::Updater updater(config, metadata_fetcher, targets_fetcher);
    auto target = updater.target_info(path);
    if (!target) {
      return target.error();
    }
    std::filesystem::remove(m_dir / "downloaded");
    if (auto done = updater.download_target(*target, m_dir / "downloaded"); !done) {
      return done.error();
    }
    return read_text(m_dir / "downloaded");
  }

  TempDir m_dir;
};

} // namespace lifeline::testing
