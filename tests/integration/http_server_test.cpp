// The real lifeline-server serving on an ephemeral loopback port, and the listener itself with
// bodies made while they are sent.
#include <csignal>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "server/http/http_server.hpp"
#include "signing/curl/http_fetcher.hpp"
#include "signing/tuf/updater.hpp"
#include "tests/support/testing.hpp"

namespace lifeline {
namespace {

class HttpServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(testing::run({testing::server_binary().string(), "--data", data(), "init"}).exit_code, 0);
    m_server = std::make_unique<testing::BackgroundProcess>(std::vector<std::string>{
        testing::server_binary().string(), "--data", data(), "serve", "--listen", "127.0.0.1:0"});
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

TEST_F(HttpServer, CredentialsIdentifyTheCallerAndAnonymousCallsAreRefused) {
  signing::curl::HttpFetcher anonymous;
  const auto refused = anonymous.fetch(m_base + "/v1/whoami", 4096);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("HTTP 401"), std::string::npos);
  const auto issued = testing::run({testing::server_binary().string(), "--data", data(), "tokens", "create", "--role",
                                    "operator", "--name", "alice"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const auto token = issued.out.substr(0, issued.out.find('\n'));
  EXPECT_EQ(token.size(), 3U + 16U + 1U + 64U);
  EXPECT_EQ(testing::read_text(m_dir / "data" / "catalog.db").find(token.substr(20)), std::string::npos)
      << "the secret is never stored";
  signing::curl::HttpFetcher operator_client(
      signing::curl::HttpOptions{15, 30, std::nullopt, {"Authorization: Bearer " + token}});
  EXPECT_EQ(operator_client.fetch(m_base + "/v1/whoami", 4096).value(),
            R"({"role":"operator","subject":"alice","customer":null})");
  auto forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  signing::curl::HttpFetcher forger(
      signing::curl::HttpOptions{15, 30, std::nullopt, {"Authorization: Bearer " + forged}});
  EXPECT_FALSE(forger.fetch(m_base + "/v1/whoami", 4096));
}

TEST_F(HttpServer, ARemovedContactsCredentialDiesAtOnce) {
  const auto server = testing::server_binary().string();
  const auto examples = testing::source_dir() / "examples";
  ASSERT_EQ(
      testing::run({server, "--data", data(), "products", "apply", (examples / "products.json").string()}).exit_code,
      0);
  ASSERT_EQ(
      testing::run({server, "--data", data(), "orders", "apply", (examples / "order-contoso.json").string()}).exit_code,
      0);
  const auto issued =
      testing::run({server, "--data", data(), "contacts", "credential", "--email", "bob@contoso.example"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  const auto token = issued.out.substr(0, issued.out.find('\n'));
  signing::curl::HttpFetcher bob(signing::curl::HttpOptions{15, 30, std::nullopt, {"Authorization: Bearer " + token}});
  EXPECT_EQ(bob.fetch(m_base + "/v1/whoami", 4096).value(),
            R"({"role":"contact","subject":"bob@contoso.example","customer":"contoso"})");
  auto order = testing::read_text(examples / "order-contoso.json");
  order.replace(order.find(R"(    { "email": "bob@contoso.example", "name": "Bob Durand" })"),
                std::string(R"(    { "email": "bob@contoso.example", "name": "Bob Durand" })").size() + 1, "");
  order.replace(order.find(R"("Alice Martin" },)"), std::string(R"("Alice Martin" },)").size(), R"("Alice Martin" })");
  testing::write_file(m_dir / "order.json", order);
  const auto applied = testing::run({server, "--data", data(), "orders", "apply", (m_dir / "order.json").string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_FALSE(bob.fetch(m_base + "/v1/whoami", 4096)) << "the next request is refused";
  EXPECT_EQ(
      testing::run({server, "--data", data(), "contacts", "credential", "--email", "bob@contoso.example"}).exit_code,
      3);
}

TEST_F(HttpServer, StopsGracefullyOnSigterm) {
  EXPECT_EQ(m_server->stop(SIGTERM), 0);
}

TEST(HttpsServer, ServesOverTlsWithTheGivenCertificate) {
  testing::TempDir dir;
  const auto cert = (dir / "cert.pem").string();
  const auto key = (dir / "key.pem").string();
  // A throw-away certificate for 127.0.0.1, made with Debian's openssl command.
  const auto made = testing::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                                  "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  testing::BackgroundProcess server({testing::server_binary().string(), "--data", (dir / "data").string(), "serve",
                                     "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key});
  ASSERT_EQ(server.first_line().rfind("listening on https://127.0.0.1:", 0), 0U) << server.first_line();
  const auto base = server.first_line().substr(std::string("listening on ").size());
  signing::curl::HttpFetcher trusting(signing::curl::HttpOptions{15, 30, cert, {}});
  EXPECT_EQ(trusting.fetch(base + "/healthz", 1024).value(), R"({"status":"ok"})");
  signing::curl::HttpFetcher stranger; // the system CAs do not know this certificate
  EXPECT_EQ(stranger.fetch(base + "/healthz", 1024).error().code, signing::tuf::ErrorCode::download_failed);
  EXPECT_EQ(server.stop(SIGTERM), 0);
}

// A body made in pieces arrives whole; one whose source fails halfway arrives visibly cut short,
// never as a complete-looking body.
TEST(HttpStreaming, PiecesArriveWholeOrTheTransferBreaks) {
  using server::http::HttpRequest;
  using server::http::HttpResponse;
  const auto pieces = [](int count, bool fail_after) {
    return [count, fail_after](const HttpRequest&) {
      HttpResponse response{200, "text/plain", {}, {}, {}, {}};
      auto sent = std::make_shared<int>(0);
      response.chunks = [sent, count, fail_after]() -> util::Result<std::string> {
        if (*sent == count) {
          if (fail_after) {
            return util::make_error(util::ErrorKind::database, "the catalog went away");
          }
          return std::string();
        }
        return std::string(1000, static_cast<char>('a' + (*sent)++ % 26));
      };
      return response;
    };
  };
  server::http::Router router;
  router.add("GET", "/whole", pieces(1000, false));
  router.add("GET", "/broken", pieces(3, true));
  server::http::HttpServer listener(router, server::http::ServerOptions{});
  const auto port = listener.bind("127.0.0.1", 0);
  ASSERT_TRUE(port) << port.error().message;
  std::thread serving([&] { listener.run(); });
  const auto base = "http://127.0.0.1:" + std::to_string(*port);
  signing::curl::HttpFetcher fetcher;
  const auto whole = fetcher.fetch(base + "/whole", 2 << 20);
  ASSERT_TRUE(whole) << whole.error().message;
  ASSERT_EQ(whole->size(), 1'000'000U);
  EXPECT_EQ(whole->substr(0, 2), "aa");
  EXPECT_EQ(whole->substr(999'000, 2), "ll") << "the pieces in order";
  const auto broken = fetcher.fetch(base + "/broken", 2 << 20);
  EXPECT_FALSE(broken) << "a body cut short is an error, not " << (broken ? broken->size() : 0) << " bytes";
  listener.stop();
  serving.join();
}

} // namespace
} // namespace lifeline
