// The real lifeline-server serving on an ephemeral loopback port.
#include <csignal>

#include <gtest/gtest.h>

#include "signing/curl/http_fetcher.hpp"
#include "signing/tuf/updater.hpp"
#include "tests/support/testing.hpp"

namespace lifeline {
namespace {

class HttpServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(testing::run({testing::server_binary().string(), "--data", data(), "init"}).exit_code, 0);
    m_server = std::make_unique<testing::BackgroundProcess>(
        std::vector<std::string>{testing::server_binary().string(), "--data", data(), "serve", "--listen", "127.0.0.1:0"});
    const auto& line = m_server->first_line();
    ASSERT_EQ(line.rfind("listening on http://127.0.0.1:", 0), 0U) << line;
    m_base = line.substr(std::string("listening on ").size());
  }

  std::string data() const { return (m_dir / "data").string(); }

  testing::TempDir m_dir;
  std::unique_ptr<testing::BackgroundProcess> m_server;
  std::string m_base;
};

TEST_F(HttpServer, AnswersHealthAndProblemDocuments) {
  signing::curl::HttpFetcher fetcher;
  EXPECT_EQ(fetcher.fetch(m_base + "/healthz", 1024).value(), R"({"status":"ok"})");
  const auto missing = fetcher.fetch(m_base + "/v1/nothing", 1024);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, signing::tuf::ErrorCode::not_found);
}

TEST_F(HttpServer, DevicesRefreshTufMetadataFromIt) {
  testing::write_file(m_dir / "client" / "root.json",
                      testing::read_text(m_dir / "data" / "repository" / "metadata" / "1.root.json"));
  signing::curl::HttpFetcher fetcher;
  signing::tuf::UpdaterConfig config;
  config.metadata_dir = m_dir / "client";
  config.metadata_base = m_base + "/v1/repository/metadata/";
  config.reference_time = std::time(nullptr);
  signing::tuf::Updater updater(config, fetcher, fetcher);
  const auto refreshed = updater.refresh();
  EXPECT_TRUE(refreshed) << refreshed.error().message;
}

TEST_F(HttpServer, MetadataNamesCannotLeaveTheMetadataDirectory) {
  signing::curl::HttpFetcher fetcher;
  for (const char* name : {"..%2Fconfig.json", "%2E%2E%2Fconfig.json", ".lock", "config.json"}) {
    EXPECT_FALSE(fetcher.fetch(m_base + "/v1/repository/metadata/" + name, 1 << 20)) << name;
  }
}

TEST_F(HttpServer, StopsGracefullyOnSigterm) { EXPECT_EQ(m_server->stop(SIGTERM), 0); }

} // namespace
} // namespace lifeline
