// Streamed target downloads: hashed while they arrive, cut at the signed length, resumed from
// what an interrupted transfer left, and never kept when the bytes cannot be the target's.
#include <gtest/gtest.h>

#include "signing/crypto.hpp"
#include "signing/tuf/updater.hpp"
#include "tests/unit/signing/test_repository.hpp"
#include "util/file.hpp"

namespace lifeline::signing::testing {
namespace {

using tuf::ErrorCode;
namespace fs = std::filesystem;

const std::string k_payload(100'000, 'p');

// Serves the repository's targets, but can stop a transfer after `cut` bytes (a dropped
// connection) or append bytes (a server that sends too much); records each starting offset.
class FlakyFetcher final : public tuf::Fetcher {
 public:
  explicit FlakyFetcher(fs::path root) : m_files(std::move(root)) {}

  tuf::Result<std::string> fetch(const std::string& location, std::size_t max_bytes) override {
    return m_files.fetch(location, max_bytes);
  }

  tuf::Result<void> fetch_stream(const std::string& location, std::uint64_t offset, std::uint64_t max_bytes,
                                 const ByteSink& sink) override {
    offsets.push_back(offset);
    auto bytes = m_files.fetch(location, 1 << 20);
    if (!bytes) {
      return bytes.error();
    }
    *bytes = bytes->substr(offset) + extra;
    if (cut > 0 && cut < bytes->size()) {
      bytes->resize(cut);
      cut = 0;
      if (auto taken = sink(*bytes); !taken) {
        return taken;
      }
      return tuf::make_error(ErrorCode::download_failed, "connection reset");
    }
    if (offset + bytes->size() > max_bytes) {
      return tuf::make_error(ErrorCode::too_large, location + " is too long");
    }
    return sink(*bytes);
  }

  std::size_t cut = 0;
  std::string extra;
  std::vector<std::uint64_t> offsets;

 private:
  tuf::DirectoryFetcher m_files;
};

class StreamedDownload : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.add_target("product-a/KB1/update.cab", k_payload);
    repo.publish();
    lifeline::testing::write_file(m_client.path() / "metadata" / "root.json", repo.root_bytes());
  }

  tuf::Result<void> download() {
    tuf::UpdaterConfig config;
    config.metadata_dir = m_client.path() / "metadata";
    config.reference_time = k_now;
    tuf::DirectoryFetcher metadata(repo.metadata());
    tuf::Updater updater(config, metadata, fetcher);
    const auto target = updater.target_info("product-a/KB1/update.cab");
    if (!target) {
      return target.error();
    }
    return updater.download_target(*target, destination(),
                                   [&](std::uint64_t received, std::uint64_t) { last_progress = received; });
  }

  [[nodiscard]] fs::path destination() const { return m_client.path() / "update.cab"; }
  [[nodiscard]] fs::path partial() const {
    return m_client.path() / ("update.cab." + sha256_hex(k_payload).substr(0, 16) + ".part");
  }

  TestRepository repo;
  FlakyFetcher fetcher{repo.targets_dir()};
  std::uint64_t last_progress = 0;

  lifeline::testing::TempDir m_client;
};

TEST_F(StreamedDownload, AnInterruptedTransferResumesWhereItStopped) {
  fetcher.cut = 40'000;
  const auto first = download();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::download_failed);
  EXPECT_EQ(fs::file_size(partial()), 40'000U) << "what arrived is kept for the next attempt";
  EXPECT_FALSE(fs::exists(destination()));
  ASSERT_TRUE(download());
  EXPECT_EQ(fetcher.offsets, (std::vector<std::uint64_t>{0, 40'000}));
  EXPECT_EQ(util::read_file(destination(), 1 << 20).value(), k_payload);
  EXPECT_FALSE(fs::exists(partial()));
  EXPECT_EQ(last_progress, k_payload.size());
}

TEST_F(StreamedDownload, APartThatIsNotTheTargetIsThrownAwayAndTheDownloadStartsAgain) {
  lifeline::testing::write_file(partial(), std::string(40'000, 'x')); // not the target's first bytes
  ASSERT_TRUE(download());
  EXPECT_EQ(fetcher.offsets, (std::vector<std::uint64_t>{40'000, 0})) << "resumed, failed the hash, started again";
  EXPECT_EQ(util::read_file(destination(), 1 << 20).value(), k_payload);
  EXPECT_FALSE(fs::exists(partial()));
}

TEST_F(StreamedDownload, BytesThatFailTheHashFromTheFirstByteAreRefusedAndNotKept) {
  const auto served = repo.targets_dir() / "product-a" / "KB1";
  for (const auto& entry : fs::directory_iterator(served)) {
    lifeline::testing::write_file(entry.path(), std::string(k_payload.size(), 'q'));
  }
  const auto refused = download();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::length_or_hash);
  EXPECT_NE(refused.error().message.find("sha256 is"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(fs::exists(partial()));
  EXPECT_FALSE(fs::exists(destination()));
}

TEST_F(StreamedDownload, APartThatIsALinkIsNeverFollowed) {
  lifeline::testing::write_file(m_client.path() / "elsewhere", "precious");
  fs::create_symlink(m_client.path() / "elsewhere", partial());
  const auto refused = download();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::local_io);
  EXPECT_EQ(util::read_file(m_client.path() / "elsewhere", 100).value(), "precious");
}

TEST_F(StreamedDownload, BytesBeyondTheSignedLengthAreRefusedAndNotKept) {
  fetcher.extra = "endless data";
  const auto refused = download();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::too_large);
  EXPECT_FALSE(fs::exists(partial()));
  EXPECT_FALSE(fs::exists(destination()));
}

TEST_F(StreamedDownload, APartLongerThanTheTargetIsDiscarded) {
  lifeline::testing::write_file(partial(), k_payload + "more");
  ASSERT_TRUE(download());
  EXPECT_EQ(fetcher.offsets, (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(util::read_file(destination(), 1 << 20).value(), k_payload);
}

} // namespace
} // namespace lifeline::signing::testing
