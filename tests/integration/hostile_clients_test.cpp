// The real server against clients that do not play by the rules: slow heads and bodies, idle
// connections by the thousand, header floods, pipelining, malformed heads, Range abuse and a
// second server on the same port. The service must keep answering everyone else.
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/integration/api_fixture.hpp"
#include "tests/support/raw_connection.hpp"

namespace lifeline::testing {
namespace {

using std::chrono::milliseconds;

class HostileClients : public ApiFixture {
 protected:
  [[nodiscard]] int port() const { return std::stoi(m_base.substr(m_base.rfind(':') + 1)); }

  // GET /healthz on a fresh connection from `source`, answered 200 within 100 ms (the best of
  // three tries, so that one scheduling hiccup of a shared machine is not taken for an outage).
  [[nodiscard]] bool answers_quickly(const std::string& source = "127.0.0.1") const {
    for (int attempt = 0; attempt < 3; ++attempt) {
      RawConnection connection(port(), source);
      const auto started = std::chrono::steady_clock::now();
      if (connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") &&
          status_of(connection.read_until("\r\n\r\n", milliseconds(100))) == 200 &&
          std::chrono::steady_clock::now() - started < milliseconds(100)) {
        return true;
      }
    }
    return false;
  }

  [[nodiscard]] bool checks_in_quickly(const std::string& device) const {
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto started = std::chrono::steady_clock::now();
      const auto reply = client(device).post("/v1/devices/me/check-in", R"({"service_pack":"SP4","language":"en-US"})");
      if (reply.status == 200 && std::chrono::steady_clock::now() - started < milliseconds(100)) {
        return true;
      }
    }
    return false;
  }

  [[nodiscard]] long server_rss_kib() const {
    std::ifstream status("/proc/" + std::to_string(m_server->pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) {
        return std::stol(line.substr(6));
      }
    }
    return -1;
  }
};

// Thousands of sockets in this process too: its soft limit is often 1,024.
void allow_descriptors(rlim_t wanted) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = std::min(limit.rlim_max, std::max(limit.rlim_cur, wanted));
  setrlimit(RLIMIT_NOFILE, &limit);
}

TEST_F(HostileClients, SlowHeadsAndSlowBodiesLeaveTheServiceAnsweringAndAreCutOff) {
  stop_server();
  start_server({"--header-timeout-seconds", "2"});
  const auto device = register_device(enrolment_token(k_sql));
  std::vector<RawConnection> slow;
  for (int i = 0; i < 20; ++i) {
    slow.emplace_back(port());
    ASSERT_TRUE(slow.back().send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  }
  for (int i = 0; i < 20; ++i) {
    slow.emplace_back(port());
    ASSERT_TRUE(slow.back().send("POST /v1/devices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 8000000\r\n\r\n{"));
  }
  // One byte each every 250 ms: a slowloris pace, far below any rate the server accepts.
  for (int round = 0; round < 4; ++round) {
    for (auto& connection : slow) {
      connection.send("a");
    }
    EXPECT_TRUE(answers_quickly()) << "round " << round;
    EXPECT_TRUE(checks_in_quickly(device)) << "round " << round;
    std::this_thread::sleep_for(milliseconds(250));
  }
  // The head's deadline (2 s here) and the body's minimum rate end them all.
  for (std::size_t i = 0; i < slow.size(); ++i) {
    EXPECT_TRUE(slow[i].closed_within(milliseconds(8000))) << (i < 20 ? "slow head " : "slow body ") << i;
  }
  EXPECT_TRUE(answers_quickly());
}

TEST_F(HostileClients, TwoThousandIdleConnectionsAndTheConnectionCaps) {
  allow_descriptors(4096);
  const auto device = register_device(enrolment_token(k_sql));
  std::vector<RawConnection> idle;
  for (int source = 2; source <= 9; ++source) { // 250 each from 127.0.0.2 to 127.0.0.9
    for (int i = 0; i < 250; ++i) {
      idle.emplace_back(port(), "127.0.0." + std::to_string(source));
      ASSERT_TRUE(idle.back().connected());
    }
  }
  EXPECT_FALSE(idle.front().closed_within(milliseconds(200))) << "idle connections are kept";
  EXPECT_FALSE(idle.back().closed_within(milliseconds(200)));
  EXPECT_TRUE(answers_quickly());
  EXPECT_TRUE(checks_in_quickly(device));
  // 256 per address by default: the 257th from 127.0.0.2 is closed at once, another address is not.
  for (int i = 0; i < 6; ++i) {
    idle.emplace_back(port(), "127.0.0.2");
  }
  EXPECT_FALSE(idle.back().closed_within(milliseconds(200)));
  RawConnection over(port(), "127.0.0.2");
  EXPECT_TRUE(over.closed_within(milliseconds(2000)));
  EXPECT_TRUE(answers_quickly("127.0.0.10"));
}

TEST_F(HostileClients, BeyondMaxConnectionsNewOnesAreClosedAtOnce) {
  stop_server();
  start_server({"--max-connections", "100"});
  std::vector<RawConnection> idle;
  for (int i = 0; i < 100; ++i) {
    idle.emplace_back(port(), "127.0.0." + std::to_string(2 + i % 4));
  }
  EXPECT_FALSE(idle.back().closed_within(milliseconds(200)));
  RawConnection over(port(), "127.0.0.9");
  EXPECT_TRUE(over.closed_within(milliseconds(2000))) << "refused at once, not queued";
  while (idle.size() > 90) {
    idle.pop_back();
  }
  std::this_thread::sleep_for(milliseconds(100)); // the server sees the closes
  EXPECT_TRUE(answers_quickly());
}

TEST_F(HostileClients, HeaderFloodsAreCutOffAndTheMemoryIsBounded) {
  const auto before = server_rss_kib();
  ASSERT_GT(before, 0);
  const std::string field = "X-Flood: " + std::string(1000, 'a') + "\r\n";
  for (int flood = 0; flood < 7; ++flood) {
    RawConnection connection(port());
    std::size_t sent = 0;
    if (connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")) {
      while (sent < (100U << 20) && connection.send(field)) {
        sent += field.size();
      }
    }
    EXPECT_LT(sent, 100U << 20) << "the server stopped reading long before 100 MB";
  }
  { // a 200 MiB request line with no end
    RawConnection connection(port());
    const std::string block(1 << 20, 'a');
    std::size_t sent = 0;
    if (connection.send("GET /")) {
      while (sent < (200U << 20) && connection.send(block)) {
        sent += block.size();
      }
    }
    EXPECT_LT(sent, 200U << 20);
  }
  EXPECT_TRUE(answers_quickly());
  const auto after = server_rss_kib();
  EXPECT_LT(after - before, 16 * 1024) << "RSS went from " << before << " KiB to " << after << " KiB";
  RawConnection one(port());
  ASSERT_TRUE(one.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + std::string(17 * 1024, 'a') + "\r\n\r\n"));
  EXPECT_EQ(status_of(one.read_until("\r\n", milliseconds(2000))), 431);
  RawConnection fields(port());
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 101; ++i) {
    many += "X-" + std::to_string(i) + ": 1\r\n";
  }
  ASSERT_TRUE(fields.send(many + "\r\n"));
  EXPECT_EQ(status_of(fields.read_until("\r\n", milliseconds(2000))), 431);
}

TEST_F(HostileClients, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection connection(port());
  ASSERT_TRUE(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              m_alice +
                              "\r\n\r\n"
                              "GET /no/such/thing HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto answers = connection.read_until("no resource at /no/such/thing", milliseconds(5000));
  const auto first = answers.find("HTTP/1.1 200");
  const auto second = answers.find("HTTP/1.1 200", first + 1);
  const auto third = answers.find("HTTP/1.1 404");
  ASSERT_NE(first, std::string::npos) << answers;
  ASSERT_NE(second, std::string::npos) << answers;
  ASSERT_NE(third, std::string::npos) << answers;
  EXPECT_LT(answers.find(R"({"status":"ok"})"), answers.find("alice@contoso.example"));
  EXPECT_LT(second, third);
}

TEST_F(HostileClients, MalformedOrAmbiguousHeadsAreRefused) {
  const auto raw = [this](const std::string& head) {
    RawConnection connection(port());
    connection.send(head);
    return status_of(connection.read_until("\r\n", milliseconds(5000)));
  };
  EXPECT_EQ(raw("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n"), 400);
  EXPECT_EQ(raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(raw("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + m_alice +
                "\r\nAuthorization: Bearer " + m_operator + "\r\n\r\n"),
            400);
  EXPECT_EQ(raw("POST /v1/devices/me/check-in HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
            400);
  EXPECT_EQ(raw("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  EXPECT_EQ(raw("GET /healthz HTTP/1.1\r\n\r\n"), 400) << "HTTP/1.1 without Host";
  EXPECT_EQ(raw("GET /healthz HTTP/1.0\r\n\r\n"), 200) << "HTTP/1.0 needs none";
  // The scheme is case-insensitive (RFC 9110 section 11.1); media types are exact.
  const auto whoami = client().get("/v1/whoami", {{"Authorization", "bearer " + m_alice}});
  EXPECT_EQ(whoami.status, 200) << whoami.body;
  const auto device = register_device(enrolment_token(k_sql));
  EXPECT_EQ(client(device)
                .post("/v1/devices/me/check-in", R"({"service_pack":"SP4","language":"en-US"})", "application/jsonxyz")
                .status,
            415);
  EXPECT_EQ(client(device)
                .post("/v1/devices/me/check-in", R"({"service_pack":"SP4","language":"en-US"})",
                      "Application/JSON; charset=utf-8")
                .status,
            200);
}

TEST_F(HostileClients, HeadAnswersWhereverGetDoes) {
  RawConnection connection(port());
  ASSERT_TRUE(connection.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto answers = connection.read_until(R"({"status":"ok"})", milliseconds(5000));
  EXPECT_EQ(status_of(answers), 200);
  EXPECT_NE(answers.find("Content-Length: 15\r\n"), std::string::npos) << answers;
  EXPECT_EQ(answers.find(R"({"status":"ok"})"), answers.rfind(R"({"status":"ok"})")) << "HEAD sent no body";
  const auto device = register_device(enrolment_token(k_sql));
  const auto head = client(device).send("HEAD", payload_url("KB4057113"), "", {});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.at("content-length"), std::to_string(m_payload_4057113.size()));
  const auto refused = client().send("DELETE", "/healthz", "", {});
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(refused.headers.at("allow"), "GET, HEAD");
}

TEST_F(HostileClients, RangesFollowRfc9110) {
  const auto device = register_device(enrolment_token(k_sql));
  const auto url = payload_url("KB4057113");
  const auto size = std::to_string(m_payload_4057113.size());
  const auto past = client(device).get(url, {{"Range", "bytes=0-99999999"}});
  EXPECT_EQ(past.status, 206);
  EXPECT_EQ(past.headers.at("content-range"), "bytes 0-" + std::to_string(m_payload_4057113.size() - 1) + "/" + size);
  EXPECT_EQ(past.body, m_payload_4057113);
  const auto beyond = client(device).get(url, {{"Range", "bytes=99999999-"}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.headers.at("content-range"), "bytes */" + size);
  std::string flood = "bytes=0-";
  for (int i = 0; i < 799; ++i) {
    flood += ",0-";
  }
  const auto flooded = client(device).get(url, {{"Range", flood}});
  EXPECT_EQ(flooded.status, 200) << "a flood of ranges gets the file once";
  EXPECT_EQ(flooded.body.size(), m_payload_4057113.size());
  // If-Range names a validator this server never sent: the condition fails, the whole file.
  const auto conditional = client(device).get(url, {{"Range", "bytes=0-9"}, {"If-Range", "\"some-etag\""}});
  EXPECT_EQ(conditional.status, 200);
  EXPECT_EQ(conditional.body, m_payload_4057113);
  const auto two = client(device).get(url, {{"Range", "bytes=0-9,20-29,5-12"}});
  EXPECT_EQ(two.status, 206);
  EXPECT_NE(two.headers.at("content-type").find("multipart/byteranges"), std::string::npos);
  EXPECT_NE(two.body.find("Content-Range: bytes 0-12/" + size), std::string::npos) << "overlaps merged";
  EXPECT_NE(two.body.find("Content-Range: bytes 20-29/" + size), std::string::npos);
  EXPECT_NE(two.body.find(m_payload_4057113.substr(20, 10)), std::string::npos);
}

TEST_F(HostileClients, ASecondServerOnAPortInUseIsRefusedByName) {
  const auto listen = "127.0.0.1:" + std::to_string(port());
  const auto second = run({server_binary().string(), "--data", data(), "serve", "--listen", listen});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find(listen), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("in use"), std::string::npos) << second.err;
  EXPECT_TRUE(answers_quickly()) << "the first server still serves";
}

} // namespace
} // namespace lifeline::testing
