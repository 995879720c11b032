// Several `serve` processes on one PostgreSQL catalog (docs/scale-out.md): what must be exact
// stays exact when the requests that race for it arrive at different servers at once.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

using Json = nlohmann::json;

class MultiServer : public ApiFixture {
 protected:
  void SetUp() override {
    m_catalog = fresh_postgres_schema_uri(); // these tests are about PostgreSQL only
    ApiFixture::SetUp();
    for (int i = 0; i < 2; ++i) { // two more servers beside the fixture's
      std::vector<std::string> command{server_binary().string()};
      const auto location = location_options();
      command.insert(command.end(), location.begin(), location.end());
      command.insert(command.end(), {"serve", "--listen", "127.0.0.1:0", "--at", k_at});
      auto& server = m_others.emplace_back(std::make_unique<BackgroundProcess>(command));
      const auto& line = server->first_line();
      ASSERT_EQ(line.rfind("listening on http://127.0.0.1:", 0), 0U) << line;
      m_bases.push_back(line.substr(std::string("listening on ").size()));
    }
    m_bases.push_back(m_base);
  }

  // `count` requests at once, the i-th to server i % 3; their statuses.
  template <typename Request> std::vector<int> race(int count, const Request& request) {
    std::vector<int> statuses(static_cast<std::size_t>(count));
    std::vector<std::thread> threads;
    std::atomic<bool> go = false;
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        while (!go) {
          std::this_thread::yield();
        }
        statuses[static_cast<std::size_t>(i)] = request(m_bases[static_cast<std::size_t>(i) % m_bases.size()], i);
      });
    }
    go = true;
    for (auto& thread : threads) {
      thread.join();
    }
    return statuses;
  }

  static int count_of(const std::vector<int>& statuses, int status) {
    return static_cast<int>(std::count(statuses.begin(), statuses.end(), status));
  }

  std::vector<std::unique_ptr<BackgroundProcess>> m_others;
  std::vector<std::string> m_bases;
};

Json registration(const char* product, const char* service_pack) {
  return Json{{"product", product}, {"service_pack", service_pack}, {"language", "en-US"}};
}

TEST_F(MultiServer, RegistrationsAtTheCapRegisterExactlyTheCap) {
  // contoso's SQL Server plan allows 3 devices this quarter; the token would allow 12.
  const auto token = enrolment_token(k_sql, 12);
  const auto statuses = race(12, [&](const std::string& base, int) {
    return ApiClient(base, token).post("/v1/devices", registration(k_sql, "SP4").dump()).status;
  });
  EXPECT_EQ(count_of(statuses, 201), 3);
  EXPECT_EQ(count_of(statuses, 403), 9);
  EXPECT_EQ(json_of(client(m_alice).get("/v1/devices"))["devices"].size(), 3U);
}

TEST_F(MultiServer, AnEnrolmentTokenIsUsedExactlyItsUses) {
  // Windows Server 2003's plan allows 4 devices; the token only 2.
  const auto token = enrolment_token("windows-server-2003-sp2", 2);
  const auto statuses = race(10, [&](const std::string& base, int) {
    return ApiClient(base, token).post("/v1/devices", registration("windows-server-2003-sp2", "SP2").dump()).status;
  });
  EXPECT_EQ(count_of(statuses, 201), 2);
  EXPECT_EQ(json_of(client(m_alice).get("/v1/devices"))["devices"].size(), 2U);
}

TEST_F(MultiServer, AReportSentToTwoServersAtOnceIsRecordedOnce) {
  const auto device = register_device(enrolment_token(k_sql));
  ASSERT_FALSE(device.empty());
  for (int round = 0; round < 5; ++round) {
    const auto id = "r-" + std::to_string(round);
    const auto statuses = race(6, [&](const std::string& base, int) {
      return ApiClient(base, device)
          .post("/v1/devices/me/reports",
                Json{{"report_id", id}, {"update", "KB4057113"}, {"outcome", "installed"}}.dump())
          .status;
    });
    EXPECT_EQ(count_of(statuses, 201), 1) << id;
    EXPECT_EQ(count_of(statuses, 200), 5) << id << ": the others are duplicates";
  }
  int recorded = 0;
  const auto audit = json_of(client(m_operator).get("/v1/audit?customer=contoso"));
  for (const auto& entry : audit["entries"]) {
    recorded += entry["action"] == "install.record" ? 1 : 0;
  }
  EXPECT_EQ(recorded, 5) << "one per report, not one per request: " << audit.dump();
}

TEST_F(MultiServer, AnEssentialsPurchaseIsConsumedAtMostItsQuantity) {
  // contoso bought KB4012598 for one Windows Server 2003 device (an Essentials enrolment).
  write_file(m_dir / "KB4012598.cab", "the fix\n");
  ll({"publish", "--manifest", (source_dir() / "examples" / "updates" / "KB4012598.json").string(), "--payload",
      (m_dir / "KB4012598.cab").string()});
  const auto token = enrolment_token("windows-server-2003-sp2", 4);
  std::vector<std::string> devices;
  for (int i = 0; i < 4; ++i) {
    devices.push_back(register_device(token, "windows-server-2003-sp2", "SP2"));
    ASSERT_FALSE(devices.back().empty());
  }
  const auto statuses = race(4, [&](const std::string& base, int i) {
    return ApiClient(base, devices[static_cast<std::size_t>(i)])
        .post("/v1/devices/me/reports",
              Json{{"report_id", "p-" + std::to_string(i)}, {"update", "KB4012598"}, {"outcome", "installed"}}.dump())
        .status;
  });
  ASSERT_EQ(count_of(statuses, 201), 4);
  int installed = 0;
  const auto compliance = json_of(client(m_alice).get("/v1/compliance"));
  for (const auto& row : compliance["devices"]) {
    for (const auto& kb : row["installed"]) {
      installed += kb == "KB4012598" ? 1 : 0;
    }
  }
  EXPECT_EQ(installed, 1) << "one purchase, one device: " << compliance.dump();
}

// A site on SQLite moves to PostgreSQL: the same devices, credentials, installs and audit trail,
// and the server carries on from there.
class CatalogMigration : public ApiFixture {};

TEST_F(CatalogMigration, ASiteMovesToPostgresqlWithEverythingItHad) {
  ASSERT_TRUE(m_catalog.empty()) << "the site starts on SQLite";
  const auto device = register_device(enrolment_token(k_sql));
  ASSERT_FALSE(device.empty());
  ASSERT_EQ(client(device)
                .post("/v1/devices/me/reports", R"({"report_id":"r-1","update":"KB4057113","outcome":"installed"})")
                .status,
            201);
  const auto before = json_of(client(m_alice).get("/v1/compliance"));
  const auto trail_before = json_of(client(m_operator).get("/v1/audit"))["entries"].size();
  stop_server();

  const auto target = fresh_postgres_schema_uri();
  auto migrated = run({server_binary().string(), "--data", data(), "catalog", "migrate", "--to", target, "--json"});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  const auto summary = Json::parse(migrated.out);
  EXPECT_EQ(summary["tables"]["devices"], 1);
  EXPECT_EQ(summary["tables"]["installs"], 1);
  // Into a database that holds a catalog already: refused, nothing changed.
  const auto again = run({server_binary().string(), "--data", data(), "catalog", "migrate", "--to", target});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("already holds a Lifeline catalog"), std::string::npos) << again.err;

  m_catalog = target;
  start_server();
  EXPECT_EQ(json_of(client(m_alice).get("/v1/compliance")), before);
  EXPECT_EQ(json_of(client(m_operator).get("/v1/audit"))["entries"].size(), trail_before);
  const auto check_in = client(device).post("/v1/devices/me/check-in", R"({"service_pack":"SP4","language":"en-US"})");
  EXPECT_EQ(check_in.status, 200) << "the device's credential moved with it: " << check_in.body;
  // New rows continue after the copied ones.
  EXPECT_FALSE(register_device(enrolment_token(k_sql)).empty());
  const auto devices = json_of(client(m_alice).get("/v1/devices"))["devices"];
  ASSERT_EQ(devices.size(), 2U);
  EXPECT_NE(devices[0]["id"], devices[1]["id"]);
}

} // namespace
} // namespace lifeline::testing
