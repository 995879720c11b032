// The HTTP API end to end: devices enrol with tokens, check in, download what the rules allow
// and report installs; contacts and operators see what their role and customer permit.
#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

using Json = nlohmann::json;

class Api : public ApiFixture {};

std::vector<std::string> reasons_of(const ApiReply& reply) {
  const auto json = json_of(reply);
  return json.contains("reasons") ? json["reasons"].get<std::vector<std::string>>() : std::vector<std::string>{};
}

TEST_F(Api, DeviceEnrolsChecksInAndIsOfferedWhatTheRulesAllow) {
  const auto device = register_device(enrolment_token(k_sql));
  ASSERT_FALSE(device.empty());
  const auto reply = client(device).post("/v1/devices/me/check-in", R"({"service_pack":"SP4","language":"en-US"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto body = json_of(reply);
  EXPECT_EQ(body["device"]["site"], "paris");
  EXPECT_EQ(body["device"]["last_seen"], k_at);
  ASSERT_EQ(body["updates"].size(), 1U) << body.dump();
  EXPECT_EQ(body["updates"][0]["kb"], "KB4057113");
  EXPECT_EQ(body["updates"][0]["severity"], "critical");
  EXPECT_EQ(body["updates"][0]["installed"], false);
  ASSERT_EQ(body["withheld"].size(), 1U);
  EXPECT_EQ(body["withheld"][0]["kb"], "KB4019089");
  EXPECT_EQ(body["withheld"][0]["reasons"], Json::array({"IMPORTANT_ADDON_REQUIRED"}));
  const auto& statement = body["entitlement_statement"];
  EXPECT_EQ(statement["signed"]["device"], body["device"]["id"]);
  EXPECT_EQ(statement["signed"]["targets"].size(), 1U);
  EXPECT_FALSE(statement["signatures"].empty());
}

TEST_F(Api, EnrolmentTokensAreOneTimeAndNeverStored) {
  const auto token = enrolment_token(k_sql);
  EXPECT_EQ(token.rfind("le_", 0), 0U);
  EXPECT_EQ(read_text(m_dir / "data" / "catalog.db").find(token.substr(20)), std::string::npos);
  EXPECT_FALSE(register_device(token).empty());
  const auto again = client(token).post("/v1/devices", R"({"product":"sql-server-2005-sp4","service_pack":"SP4",)"
                                                       R"("language":"en-US"})");
  EXPECT_EQ(again.status, 401);
  EXPECT_NE(json_of(again)["detail"].get<std::string>().find("used up"), std::string::npos) << again.body;
  const auto other_product =
      client(enrolment_token(k_sql))
          .post("/v1/devices", R"({"product":"windows-server-2003-sp2","service_pack":"SP2","language":"en-US"})");
  EXPECT_EQ(other_product.status, 422);
}

TEST_F(Api, ATokenForASiteTheOrderDoesNotListIsRefused) {
  const auto reply =
      client(m_alice).post("/v1/enrolment-tokens", R"({"site":"berlin","product":"sql-server-2005-sp4"})");
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reasons_of(reply), std::vector<std::string>{"SITE_NOT_LISTED"});
}

TEST_F(Api, RegistrationsRacingAtTheCapRegisterExactlyTheCap) {
  // On 2017-01-12 contoso's SQL Server plan allows 3 devices (the quarter from 2016-10-13).
  const auto token = enrolment_token(k_sql, 10);
  std::vector<std::thread> threads;
  std::atomic<int> registered = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (!register_device(token).empty()) {
        ++registered;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(registered.load(), 3);
  const auto refused =
      client(token).post("/v1/devices", R"({"product":"sql-server-2005-sp4","service_pack":"SP4","language":"en-US"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(reasons_of(refused), std::vector<std::string>{"DEVICE_LIMIT_REACHED"});
}

TEST_F(Api, DownloadsAreDecidedAuditedAndResumable) {
  const auto device = register_device(enrolment_token(k_sql));
  const auto url = payload_url("KB4057113");
  const auto whole = client(device).get(url);
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.body, m_payload_4057113);
  EXPECT_EQ(whole.headers.at("cache-control"), "private, no-store");
  const auto rest = client(device).get(url, {{"Range", "bytes=9-"}});
  EXPECT_EQ(rest.status, 206);
  EXPECT_EQ(rest.body, m_payload_4057113.substr(9));
  const auto refused = client(device).get(payload_url("KB4019089"));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(reasons_of(refused), std::vector<std::string>{"IMPORTANT_ADDON_REQUIRED"});
  const auto audit = json_of(client(m_alice).get("/v1/audit"));
  int allowed = 0;
  int denied = 0;
  for (const auto& entry : audit["entries"]) {
    if (entry["action"] == "download.allow") {
      ++allowed;
      EXPECT_EQ(entry["detail"]["from"], "127.0.0.1");
      EXPECT_EQ(entry["actor"].get<std::string>().rfind("device:", 0), 0U);
    }
    denied += entry["action"] == "download.deny" ? 1 : 0;
  }
  EXPECT_EQ(allowed, 2);
  EXPECT_EQ(denied, 1);
}

TEST_F(Api, AContactOfAnotherCustomerGetsNothingOfContoso) {
  const auto url = payload_url("KB4057113");
  const auto pulled = client(m_carol).get(url);
  EXPECT_EQ(pulled.status, 403);
  EXPECT_EQ(reasons_of(pulled), (std::vector<std::string>{"CONTRACT_INACTIVE", "NOT_ENROLLED"}));
  EXPECT_EQ(client(m_carol).get("/v1/devices?customer=contoso").status, 403);
  EXPECT_EQ(client(m_carol).get("/v1/audit?customer=contoso").status, 403);
  const auto carol_audit = json_of(client(m_carol).get("/v1/audit"));
  ASSERT_FALSE(carol_audit["entries"].empty());
  for (const auto& entry : carol_audit["entries"]) {
    EXPECT_EQ(entry["customer"], "fabrikam") << entry.dump();
  }
  EXPECT_EQ(client(m_alice).get(url).status, 200);
}

TEST_F(Api, ARemovedContactIsRefusedOnTheNextRequest) {
  const auto bob = ll({"contacts", "credential", "--email", "bob@contoso.example"});
  EXPECT_EQ(client(bob).get("/v1/updates").status, 200);
  const auto created =
      json_of(client(bob).post("/v1/enrolment-tokens", R"({"site":"paris","product":"sql-server-2005-sp4"})"));
  ASSERT_TRUE(created.contains("token")) << created.dump();
  const auto bob_token = created["token"].get<std::string>();
  auto order = Json::parse(read_text(source_dir() / "examples" / "order-contoso.json"));
  order["contacts"].erase(1);
  const auto applied = client(m_operator).put("/v1/orders", order.dump());
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(client(bob).get("/v1/updates").status, 401);
  EXPECT_EQ(client(m_alice).get("/v1/updates").status, 200);
  const auto orphan = client(bob_token).post(
      "/v1/devices", R"({"product":"sql-server-2005-sp4","service_pack":"SP4","language":"en-US"})");
  EXPECT_EQ(orphan.status, 401) << "a removed contact's enrolment tokens die with it: " << orphan.body;
  const auto restored =
      client(m_operator).put("/v1/orders", read_text(source_dir() / "examples" / "order-contoso.json"));
  ASSERT_EQ(restored.status, 200);
  EXPECT_EQ(client(bob).get("/v1/updates").status, 401) << "designated again, bob needs a new credential";
}

TEST_F(Api, CredentialsAndEnrolmentTokensCanBeRevoked) {
  const auto id = m_alice.substr(3, 16);
  const auto token = enrolment_token(k_sql, 5);
  const auto token_id = token.substr(3, 16);
  EXPECT_EQ(client(m_carol).send("DELETE", "/v1/enrolment-tokens/" + token_id, "", {}).status, 404)
      << "another customer's token is not found";
  EXPECT_EQ(client(m_alice).send("DELETE", "/v1/enrolment-tokens/" + token_id, "", {}).status, 200);
  EXPECT_TRUE(register_device(token).empty());
  EXPECT_EQ(client(m_operator).send("DELETE", "/v1/tokens/" + id, "", {}).status, 200);
  EXPECT_EQ(client(m_alice).get("/v1/updates").status, 401);
  EXPECT_EQ(client(m_operator).send("DELETE", "/v1/tokens/" + id, "", {}).status, 404);
}

TEST_F(Api, OnlyPayloadsThatSignedMetadataListsAreServed) {
  const auto device = register_device(enrolment_token(k_sql));
  const auto stray = std::string(64, 'a') + ".stray.cab";
  write_file(m_dir / "data" / "repository" / "targets" / k_sql / "KB4057113" / stray, "unsigned bytes");
  const auto reply = client(device).get("/v1/repository/targets/" + std::string(k_sql) + "/KB4057113/" + stray);
  EXPECT_EQ(reply.status, 404) << reply.body;
}

TEST_F(Api, AReportIdReusedForAnotherUpdateIsAConflict) {
  const auto device = register_device(enrolment_token(k_sql));
  ASSERT_EQ(client(device)
                .post("/v1/devices/me/reports", R"({"report_id":"r-1","update":"KB4057113","outcome":"installed"})")
                .status,
            201);
  EXPECT_EQ(client(device)
                .post("/v1/devices/me/reports", R"({"report_id":"r-1","update":"KB4019089","outcome":"installed"})")
                .status,
            409);
}

TEST_F(Api, StopsOnSigtermEvenRightAfterStarting) {
  for (int i = 0; i < 10; ++i) {
    stop_server();
    start_server();
    EXPECT_EQ(m_server->stop(SIGTERM), 0) << "trial " << i;
  }
}

TEST_F(Api, ContactsListEntitledUpdatesAndBulletinsByLevel) {
  const auto updates = json_of(client(m_alice).get("/v1/updates"));
  std::vector<std::string> kbs;
  for (const auto& update : updates["updates"]) {
    kbs.push_back(update["kb"].get<std::string>() + "/" + update["product"].get<std::string>());
  }
  EXPECT_NE(std::find(kbs.begin(), kbs.end(), "KB4057113/sql-server-2005-sp4"), kbs.end()) << updates.dump();
  const auto bulletins = client(m_alice).get("/v1/bulletins");
  ASSERT_EQ(bulletins.status, 200);
  EXPECT_FALSE(json_of(bulletins)["bulletins"].empty());
  const auto level_one = client(m_carol).get("/v1/bulletins");
  EXPECT_EQ(level_one.status, 403);
  const auto reasons = reasons_of(level_one);
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "SUPPORT_LEVEL_TOO_LOW"), reasons.end());
}

TEST_F(Api, InstallReportsAreIdempotent) {
  const auto device = register_device(enrolment_token(k_sql));
  const std::string report = R"({"report_id":"r-1","update":"KB4057113","outcome":"installed"})";
  const auto first = client(device).post("/v1/devices/me/reports", report);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(json_of(first)["state"], "installed");
  const auto again = client(device).post("/v1/devices/me/reports", report);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json_of(again)["duplicate"], true);
  const auto refused = client(device).post("/v1/devices/me/reports",
                                           R"({"report_id":"r-2","update":"KB4019089","outcome":"installed"})");
  EXPECT_EQ(json_of(refused)["state"], "refused");
  const auto compliance = json_of(client(m_alice).get("/v1/compliance"));
  ASSERT_EQ(compliance["devices"].size(), 1U) << compliance.dump();
  EXPECT_EQ(compliance["devices"][0]["installed"], Json::array({"KB4057113"}));
  int recorded = 0;
  const auto audit = json_of(client(m_operator).get("/v1/audit?customer=contoso"));
  for (const auto& entry : audit["entries"]) {
    recorded += entry["action"] == "install.record" ? 1 : 0;
  }
  EXPECT_EQ(recorded, 1) << audit.dump();
}

TEST_F(Api, OperatorsReadEveryCustomersComplianceAtOnce) {
  register_device(enrolment_token(k_sql));
  // fabrikam's contract ended in 2016: its device joined while it ran.
  ll({"devices", "register", "--customer", "fabrikam", "--site", "seattle", "--product", "windows-xp-sp3",
      "--service-pack", "SP3", "--language", "en-US", "--id", "fab-1", "--at", "2015-01-15"});
  const auto all = client(m_operator).get("/v1/compliance");
  ASSERT_EQ(all.status, 200) << all.body;
  const auto devices = json_of(all);
  EXPECT_TRUE(devices["customer"].is_null()) << devices.dump();
  std::vector<std::string> owners;
  for (const auto& device : devices["devices"]) {
    owners.push_back(device["customer"].get<std::string>() + "/" + device["id"].get<std::string>());
  }
  EXPECT_EQ(owners, (std::vector<std::string>{"contoso/dev-1", "fabrikam/fab-1"})) << devices.dump();
  // Each customer's part is what naming the customer gives.
  const auto contoso = json_of(client(m_operator).get("/v1/compliance?customer=contoso"));
  EXPECT_EQ(contoso["customer"], "contoso");
  ASSERT_EQ(contoso["devices"].size(), 1U);
  EXPECT_EQ(contoso["devices"][0], devices["devices"][0]);
  const auto alice = json_of(client(m_alice).get("/v1/compliance"));
  EXPECT_EQ(alice["customer"], "contoso");
  EXPECT_EQ(alice["devices"], contoso["devices"]) << "a contact sees its own customer's only";

  const auto products = json_of(client(m_operator).get("/v1/compliance/products"));
  EXPECT_TRUE(products["customer"].is_null());
  std::vector<std::string> rows;
  for (const auto& row : products["products"]) {
    rows.push_back(row["customer"].get<std::string>() + "/" + row["product"].get<std::string>());
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"contoso/sql-server-2005-sp4", "fabrikam/windows-xp-sp3"}))
      << products.dump();
  const auto one = json_of(client(m_operator).get("/v1/compliance/products?customer=contoso"));
  EXPECT_EQ(one["customer"], "contoso");
  ASSERT_EQ(one["products"].size(), 1U);
  EXPECT_EQ(one["products"][0], products["products"][0]);

  const auto migration = json_of(client(m_operator).get("/v1/compliance/migration"));
  EXPECT_TRUE(migration["customer"].is_null());
  std::set<std::string> planned;
  for (const auto& row : migration["quarters"]) {
    planned.insert(row["customer"].get<std::string>() + "/" + row["product"].get<std::string>());
  }
  EXPECT_EQ(planned, (std::set<std::string>{"contoso/sql-server-2005-sp4", "contoso/windows-server-2003-sp2",
                                            "fabrikam/windows-xp-sp3"}))
      << migration.dump();
  // Contacts keep to their own customer, named or not.
  for (const char* path : {"/v1/compliance/products", "/v1/compliance/migration"}) {
    const auto own = json_of(client(m_carol).get(path));
    EXPECT_EQ(own["customer"], "fabrikam") << path;
    EXPECT_EQ(own.dump().find("contoso"), std::string::npos) << own.dump();
    EXPECT_EQ(client(m_carol).get(std::string(path) + "?customer=contoso").status, 403) << path;
  }
}

// Listings read a page at a time, and exports streamed whole.
class ApiPages : public Api {
 protected:
  // The ids of every device of `path`'s pages of `limit`, following next_cursor; each page checked.
  std::vector<std::string> walk(const std::string& token, const std::string& path, int limit,
                                const std::function<void()>& between_pages = {}) const {
    std::vector<std::string> ids;
    std::string cursor;
    for (int pages = 0; pages < 1000; ++pages) {
      const auto separator = path.find('?') == std::string::npos ? "?" : "&";
      const auto reply = client(token).get(path + separator + "limit=" + std::to_string(limit) +
                                           (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(reply.status, 200) << reply.body;
      const auto page = json_of(reply);
      EXPECT_LE(page["devices"].size(), static_cast<std::size_t>(limit));
      for (const auto& device : page["devices"]) {
        ids.push_back(device["customer"].get<std::string>() + "/" + device["id"].get<std::string>());
      }
      if (!page["next_cursor"].is_string()) {
        EXPECT_TRUE(page["next_cursor"].is_null()) << reply.body.substr(0, 200);
        return ids;
      }
      EXPECT_EQ(page["devices"].size(), static_cast<std::size_t>(limit)) << "only the last page is short";
      cursor = page["next_cursor"].get<std::string>();
      if (between_pages) {
        between_pages();
      }
    }
    ADD_FAILURE() << "the pages never end";
    return ids;
  }
};

// RFC 4180 records: quoted fields with doubled quotes and CRLF inside; every record ends in CRLF.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::exchange(field, std::string()));
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(std::exchange(field, std::string()));
      records.push_back(std::exchange(record, {}));
      ++i;
    } else {
      EXPECT_NE(c, '\n') << "a bare LF at byte " << i;
      EXPECT_NE(c, '"') << "a quote inside an unquoted field at byte " << i;
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "an unterminated quoted field";
  EXPECT_TRUE(field.empty() && record.empty()) << "the last record does not end in CRLF";
  return records;
}

TEST_F(ApiPages, DevicePagesCoverEveryDeviceOnceInRegistrationOrder) {
  grow_fleet(12);
  const auto whole = json_of(client(m_alice).get("/v1/devices?limit=5000"));
  ASSERT_EQ(whole["devices"].size(), 12U);
  EXPECT_TRUE(whole["next_cursor"].is_null());
  std::vector<std::string> expected;
  for (const auto& device : whole["devices"]) {
    expected.push_back("contoso/" + device["id"].get<std::string>());
  }
  for (const int limit : {1, 5, 12, 13}) {
    EXPECT_EQ(walk(m_alice, "/v1/devices", limit), expected) << limit;
  }
  // Without a limit: the first 500, the whole of this fleet.
  EXPECT_EQ(json_of(client(m_alice).get("/v1/devices"))["devices"], whole["devices"]);
  EXPECT_EQ(walk(m_operator, "/v1/devices?customer=contoso", 4), expected);
}

TEST_F(ApiPages, RegistrationsBetweenPagesNeitherRepeatNorHideADevice) {
  grow_fleet(9);
  const auto before = walk(m_alice, "/v1/devices", 100);
  int round = 0;
  const auto token = enrolment_token(k_sql, 3);
  // Between pages: one device registered today (it sorts last) and one back-dated by an
  // operator (it sorts before the pages already read).
  const auto seen = walk(m_alice, "/v1/devices", 4, [&] {
    ASSERT_FALSE(register_device(token).empty());
    ll({"devices", "register", "--customer", "contoso", "--site", "lyon", "--product", k_sql, "--service-pack", "SP4",
        "--language", "en-US", "--id", "backdated-" + std::to_string(++round), "--at", "2016-11-01"});
  });
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "no device twice";
  for (const auto& id : before) {
    EXPECT_TRUE(unique.contains(id)) << id << " was hidden";
  }
  EXPECT_EQ(seen.size(), before.size() + static_cast<std::size_t>(round)) << "the new devices of today come last";
  for (std::size_t i = before.size(); i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].find("backdated"), std::string::npos) << seen[i];
  }
  // A new walk lists everything, the back-dated devices first.
  const auto after = walk(m_alice, "/v1/devices", 4);
  EXPECT_EQ(after.size(), before.size() + 2U * static_cast<std::size_t>(round));
  EXPECT_EQ(after.front(), "contoso/backdated-1");
}

TEST_F(ApiPages, CompliancePagesAreThePagesOfTheWholeReport) {
  grow_fleet(7);
  ll({"devices", "register", "--customer", "fabrikam", "--site", "seattle", "--product", "windows-xp-sp3",
      "--service-pack", "SP3", "--language", "en-US", "--id", "fab-1", "--at", "2015-01-15"});
  const auto whole = json_of(client(m_operator).get("/v1/compliance?limit=5000"));
  ASSERT_EQ(whole["devices"].size(), 8U) << whole.dump();
  std::vector<std::string> expected;
  for (const auto& device : whole["devices"]) {
    expected.push_back(device["customer"].get<std::string>() + "/" + device["id"].get<std::string>());
  }
  EXPECT_EQ(expected.back(), "fabrikam/fab-1");
  for (const int limit : {1, 3, 7, 8}) {
    EXPECT_EQ(walk(m_operator, "/v1/compliance", limit), expected) << limit;
  }
  // Each page is that slice of the report, device by device.
  const auto first = json_of(client(m_alice).get("/v1/compliance?limit=3&stale_days=30"));
  ASSERT_EQ(first["devices"].size(), 3U);
  const auto all = json_of(client(m_alice).get("/v1/compliance?stale_days=30"));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(first["devices"][i], all["devices"][i]);
  }
  const auto second = json_of(
      client(m_alice).get("/v1/compliance?limit=3&stale_days=30&cursor=" + first["next_cursor"].get<std::string>()));
  EXPECT_EQ(second["devices"][0], all["devices"][3]);
  EXPECT_EQ(second["customer"], "contoso");
  EXPECT_EQ(walk(m_alice, "/v1/compliance", 2).size(), 7U) << "a contact pages its own customer only";
}

TEST_F(ApiPages, BadLimitsAndCursorsAreRefusedWithTheReason) {
  grow_fleet(3);
  for (const char* path : {"/v1/devices", "/v1/compliance", "/v1/audit"}) {
    for (const char* limit : {"0", "5001", "-1", "abc", "", "1e3", "007"}) {
      const auto reply = client(m_alice).get(std::string(path) + "?limit=" + limit);
      EXPECT_EQ(reply.status, 400) << path << " limit=" << limit;
      EXPECT_NE(json_of(reply)["detail"].get<std::string>().find("limit must be a number from 1 to 5000"),
                std::string::npos)
          << reply.body;
    }
    for (const char* cursor : {"garbage!", "djEgZGV2aWNlcw", "AAAA", "djEgZGV2aWNlcyBjb250b3NvIDIwMTctMDEtMTIgMQ%3D%3D",
                               "djEgZGV2aWNlcyBjb250b3NvIDIwMTctMTMtMTIgMQ"}) {
      const auto reply = client(m_alice).get(std::string(path) + "?cursor=" + cursor);
      EXPECT_EQ(reply.status, 400) << path << " cursor=" << cursor;
      EXPECT_NE(json_of(reply)["detail"].get<std::string>().find("cursor"), std::string::npos) << reply.body;
    }
  }
  // A cursor is for the listing that wrote it.
  const auto devices = json_of(client(m_alice).get("/v1/devices?limit=1"));
  const auto device_cursor = devices["next_cursor"].get<std::string>();
  const auto elsewhere = client(m_alice).get("/v1/compliance?cursor=" + device_cursor);
  EXPECT_EQ(elsewhere.status, 400);
  EXPECT_NE(elsewhere.body.find("another listing"), std::string::npos) << elsewhere.body;
  EXPECT_EQ(client(m_alice).get("/v1/audit?after=1&cursor=" + device_cursor).status, 400);
  const auto audit = json_of(client(m_alice).get("/v1/audit?limit=1"));
  EXPECT_EQ(client(m_alice).get("/v1/audit?after=1&cursor=" + audit["next_cursor"].get<std::string>()).status, 400);
  EXPECT_EQ(client(m_alice).get("/v1/devices/export?format=xml").status, 400);
  EXPECT_EQ(client(m_alice).get("/v1/compliance/export?stale_days=0").status, 400);
}

TEST_F(ApiPages, AContactCannotPageAnotherCustomersDevices) {
  grow_fleet(3);
  const auto alice_page = json_of(client(m_alice).get("/v1/devices?limit=1"));
  const auto cursor = alice_page["next_cursor"].get<std::string>();
  const auto compliance_cursor =
      json_of(client(m_alice).get("/v1/compliance?limit=1"))["next_cursor"].get<std::string>();
  // contoso's own cursors, and one forged for contoso: refused, and nothing of contoso shows.
  const auto forged = "djEgZGV2aWNlcyBjb250b3NvIDIwMTctMDEtMTIgMQ"; // "v1 devices contoso 2017-01-12 1"
  for (const auto& path : {"/v1/devices?cursor=" + cursor, "/v1/compliance?cursor=" + compliance_cursor,
                           std::string("/v1/devices?cursor=") + forged}) {
    const auto reply = client(m_carol).get(path);
    EXPECT_EQ(reply.status, 400) << path;
    EXPECT_NE(reply.body.find("another customer"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("dev-"), std::string::npos) << reply.body;
  }
  for (const auto& path :
       {"/v1/devices?customer=contoso&cursor=" + cursor, std::string("/v1/devices/export?customer=contoso"),
        std::string("/v1/compliance/export?customer=contoso")}) {
    EXPECT_EQ(client(m_carol).get(path).status, 403) << path;
  }
  // An operator's cursor of contoso's devices does not read fabrikam's either.
  EXPECT_EQ(client(m_operator).get("/v1/devices?customer=fabrikam&cursor=" + cursor).status, 400);
  const auto exported = client(m_carol).get("/v1/compliance/export?format=csv");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.body.find("contoso"), std::string::npos) << exported.body;
}

TEST_F(ApiPages, TheExportsStreamEveryDeviceAsWellFormedCsvOrJson) {
  grow_fleet(25);
  // One device at the site a spreadsheet would run: it must come out inert.
  ll({"devices", "register", "--customer", "contoso", "--site", "=HYPERLINK(\"http://x.example\"),\"evil\"",
      "--product", k_sql, "--service-pack", "SP4", "--language", "en-US", "--id", "sheet-1", "--at", "2016-11-01"});
  const auto reply = client(m_alice).get("/v1/compliance/export?format=csv");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers.at("transfer-encoding"), "chunked") << "made while sent, not held whole";
  EXPECT_EQ(reply.headers.count("content-length"), 0U);
  EXPECT_EQ(reply.headers.at("content-type").rfind("text/csv", 0), 0U);
  EXPECT_NE(reply.headers.at("content-disposition").find("compliance-contoso-2017-01-12.csv"), std::string::npos);
  const auto records = parse_csv(reply.body);
  ASSERT_EQ(records.size(), 1U + 26U) << "a header and one row per active device";
  EXPECT_EQ(records[0],
            (std::vector<std::string>{"CUSTOMER", "DEVICE", "SITE", "PRODUCT", "LAST SEEN", "STALE", "INSTALLED",
                                      "ENTITLED-MISSING", "PREREQUISITE-MISSING", "NOT-ENTITLED", "SUPERSEDED"}));
  std::set<std::string> ids;
  for (std::size_t i = 1; i < records.size(); ++i) {
    ASSERT_EQ(records[i].size(), 11U) << i;
    EXPECT_EQ(records[i][0], "contoso");
    ids.insert(records[i][1]);
  }
  EXPECT_EQ(ids.size(), 26U);
  EXPECT_EQ(records[1][1], "sheet-1") << "registration order: the back-dated device first";
  EXPECT_EQ(records[1][2], "'=HYPERLINK(\"http://x.example\"),\"evil\"");
  EXPECT_EQ(records[2][6] + records[2][7], "KB4057113") << "entitled and missing";
  EXPECT_EQ(records[2][10], "KB4019089(by KB4057113)");

  const auto json = client(m_alice).get("/v1/compliance/export?format=json");
  ASSERT_EQ(json.status, 200);
  const auto document = json_of(json);
  ASSERT_TRUE(document.is_object()) << json.body.substr(0, 300);
  EXPECT_EQ(document["customer"], "contoso");
  EXPECT_EQ(document["devices"].size(), 26U);
  EXPECT_EQ(document["devices"], json_of(client(m_alice).get("/v1/compliance"))["devices"]);

  const auto devices = client(m_alice).get("/v1/devices/export");
  ASSERT_EQ(devices.status, 200);
  const auto rows = parse_csv(devices.body);
  ASSERT_EQ(rows.size(), 27U);
  EXPECT_EQ(rows[0][0], "DEVICE");
  EXPECT_EQ(rows[1][0], "sheet-1");
  const auto listed = json_of(client(m_alice).get("/v1/devices/export?format=json"));
  EXPECT_EQ(listed["devices"], json_of(client(m_alice).get("/v1/devices"))["devices"]);
  // An operator naming no customer exports every customer's, customer by customer.
  const auto everyone = parse_csv(client(m_operator).get("/v1/compliance/export").body);
  EXPECT_EQ(everyone.size(), 27U) << "fabrikam has no active device";
}

TEST_F(ApiPages, TheAuditTrailPagesWithALimitAndACursor) {
  grow_fleet(4);
  const auto whole = json_of(client(m_alice).get("/v1/audit?limit=5000"));
  ASSERT_GT(whole["entries"].size(), 4U);
  EXPECT_TRUE(whole["next_after"].is_null());
  EXPECT_TRUE(whole["next_cursor"].is_null());
  Json paged = Json::array();
  std::string cursor;
  for (int pages = 0; pages < 100; ++pages) {
    const auto page = json_of(client(m_alice).get("/v1/audit?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (const auto& entry : page["entries"]) {
      paged.push_back(entry);
    }
    if (page["next_cursor"].is_null()) {
      EXPECT_TRUE(page["next_after"].is_null());
      break;
    }
    EXPECT_EQ(page["next_after"], page["entries"].back()["sequence"]);
    cursor = page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(paged, whole["entries"]);
  // The sequence number still reads on as before.
  const auto after = json_of(client(m_alice).get("/v1/audit?limit=2&after=" + whole["entries"][0]["sequence"].dump()));
  EXPECT_EQ(after["entries"][0], whole["entries"][1]);
}

TEST_F(Api, AcknowledgedReportsSurviveSigkill) {
  const auto device = register_device(enrolment_token(k_sql));
  std::atomic<bool> stop = false;
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&, t] {
      const auto api = client(device);
      for (int i = 0; !stop; ++i) {
        const auto id = "t" + std::to_string(t) + "-" + std::to_string(i);
        const auto reply = api.post("/v1/devices/me/reports",
                                    Json{{"report_id", id}, {"update", "KB4057113"}, {"outcome", "installed"}}.dump());
        if (reply.status == 201) {
          const std::lock_guard lock(mutex);
          acknowledged.push_back(id);
        }
      }
    });
  }
  while (true) {
    {
      const std::lock_guard lock(mutex);
      if (acknowledged.size() >= 200) {
        break;
      }
    }
    std::this_thread::yield();
  }
  m_server->stop(SIGKILL);
  stop = true;
  for (auto& poster : posters) {
    poster.join();
  }
  start_server();
  for (const auto& id : acknowledged) {
    const auto reply = client(device).post(
        "/v1/devices/me/reports", Json{{"report_id", id}, {"update", "KB4057113"}, {"outcome", "installed"}}.dump());
    ASSERT_EQ(reply.status, 200) << id << " was acknowledged but lost: " << reply.body;
  }
}

TEST_F(Api, MalformedAndOversizedBodiesGet4xx) {
  const auto device = register_device(enrolment_token(k_sql));
  const auto api = client(device);
  const std::string path = "/v1/devices/me/check-in";
  EXPECT_EQ(api.post(path, "{not json").status, 400);
  EXPECT_EQ(api.post(path, "[1,2]").status, 400);
  EXPECT_EQ(api.post(path, R"({"service_pack":"SP4","service_pack":"SP3","language":"en-US"})").status, 400);
  EXPECT_EQ(api.post(path, std::string(100, '[') + std::string(100, ']')).status, 400);
  EXPECT_EQ(api.post(path, R"({"service_pack":"SP4","language":"en-US"})", "text/plain").status, 415);
  EXPECT_EQ(api.post(path, R"({"service_pack":4,"language":"en-US"})").status, 422);
  EXPECT_EQ(api.post(path, "\"\xff\xfe\"").status, 400);
  // Refused from the declared length, before a byte of the body is read.
  EXPECT_EQ(api.raw_status("POST " + path +
                           " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           "Content-Length: 9437184\r\n\r\n"),
            413);
  EXPECT_EQ(api.raw_status("POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"), 411);
  EXPECT_EQ(api.raw_status("GARBAGE\r\n\r\n"), 400);
  for (const char* length : {"+20971520", "00000000000000000020971520", "20971520x"}) {
    EXPECT_EQ(api.raw_status("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n"), 400)
        << length;
  }
  EXPECT_EQ(api.raw_status("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n"),
            400);
  // An anonymous upload is refused from its head: the 100 MB body is never read.
  EXPECT_EQ(client().raw_status("POST /v1/publish HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                                "boundary=b\r\nContent-Length: 100000000\r\n\r\n"),
            401);
  EXPECT_EQ(api.post("/v1/devices/me/reports", R"({"report_id":"../x","update":"KB1","outcome":"installed"})").status,
            422);
  EXPECT_EQ(client().get("/healthz").status, 200) << "the server is still up";
}

TEST_F(Api, MetricsCountRequestsAndDecisionsByReason) {
  const auto device = register_device(enrolment_token(k_sql));
  EXPECT_EQ(client(device).get(payload_url("KB4019089")).status, 403);
  const auto metrics = client(m_operator).get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(lifeline_http_requests_total{method="POST",route="/v1/devices",status="201"} 1)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(
                R"(lifeline_decisions_total{kind="download",decision="deny",reason="IMPORTANT_ADDON_REQUIRED"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("lifeline_http_request_duration_seconds_bucket{method=\"GET\""), std::string::npos);
  EXPECT_EQ(client(m_alice).get("/metrics").status, 403);
}

TEST_F(Api, OperatorsPublishThroughTheSigningPipeline) {
  const auto manifest = read_text(source_dir() / "examples" / "updates" / "KB4091664.json");
  const auto published = client(m_publisher).publish(manifest, "KB4091664.msu", "hotfix bytes");
  ASSERT_EQ(published.status, 201) << published.body;
  EXPECT_EQ(json_of(published)["published"][0]["length"], 12);
  const auto refused = client(m_publisher).publish("{}", "x.msu", "bytes");
  EXPECT_EQ(refused.status, 422);
  EXPECT_FALSE(json_of(refused)["problems"].empty());
  EXPECT_EQ(client(m_alice).publish(manifest, "KB4091664.msu", "bytes").status, 403);
}

class AccelRedirect : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    stop_server();
    start_server({"--accel-redirect", "/internal-targets"});
  }
};

TEST_F(AccelRedirect, AllowedPayloadsAreHandedToNginxAfterTheDecision) {
  const auto device = register_device(enrolment_token(k_sql));
  const auto url = payload_url("KB4057113");
  const auto reply = client(device).get(url);
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(reply.headers.at("x-accel-redirect"),
            "/internal-targets/" + url.substr(std::string("/v1/repository/targets/").size()));
  EXPECT_EQ(client(device).get(payload_url("KB4019089")).headers.count("x-accel-redirect"), 0U);
}

} // namespace
} // namespace lifeline::testing

namespace lifeline::testing {
namespace {

// Every role x every endpoint x own/other customer: the expected status of each.
TEST_F(Api, AccessMatrix) {
  const auto device = register_device(enrolment_token(k_sql));
  ASSERT_FALSE(device.empty());
  const auto products = read_text(source_dir() / "examples" / "products.json");
  const auto order = read_text(source_dir() / "examples" / "order-contoso.json");
  const auto manifest = read_text(source_dir() / "examples" / "updates" / "KB4057113.json");
  const auto payload = payload_url("KB4057113");
  const std::string check_in = R"({"service_pack":"SP4","language":"en-US"})";
  const std::string report = R"({"report_id":"m-1","update":"KB4057113","outcome":"installed"})";
  const std::string token_request = R"({"site":"paris","product":"sql-server-2005-sp4"})";
  const std::string registration = R"({"product":"sql-server-2005-sp4","service_pack":"SP4","language":"en-US"})";

  struct Row {
    std::string method;
    std::string path;
    std::string body;
    // anonymous, operator, publisher, contact of contoso, contact of fabrikam, device of contoso
    std::array<int, 6> expected;
  };
  const std::vector<Row> rows{
      {"GET", "/healthz", "", {200, 200, 200, 200, 200, 200}},
      {"GET", "/metrics", "", {401, 200, 403, 403, 403, 403}},
      {"GET", "/v1/whoami", "", {401, 200, 200, 200, 200, 200}},
      {"GET", "/v1/repository/metadata/timestamp.json", "", {200, 200, 200, 200, 200, 200}},
      {"GET", payload, "", {401, 200, 200, 200, 403, 200}},
      {"GET", "/v1/updates", "", {401, 200, 200, 200, 200, 200}},
      {"GET", "/v1/bulletins", "", {401, 403, 403, 200, 403, 403}},
      {"GET", "/v1/devices?customer=contoso", "", {401, 200, 403, 200, 403, 403}},
      {"GET", "/v1/devices?customer=fabrikam", "", {401, 200, 403, 403, 200, 403}},
      {"GET", "/v1/compliance?customer=contoso", "", {401, 200, 403, 200, 403, 403}},
      {"GET", "/v1/compliance?customer=fabrikam", "", {401, 200, 403, 403, 200, 403}},
      {"GET", "/v1/devices/export?customer=contoso", "", {401, 200, 403, 200, 403, 403}},
      {"GET", "/v1/devices/export?customer=fabrikam", "", {401, 200, 403, 403, 200, 403}},
      {"GET", "/v1/compliance/export?customer=contoso", "", {401, 200, 403, 200, 403, 403}},
      {"GET", "/v1/compliance/export?customer=fabrikam", "", {401, 200, 403, 403, 200, 403}},
      {"GET", "/v1/audit?customer=contoso", "", {401, 200, 403, 200, 403, 403}},
      {"GET", "/v1/audit?customer=fabrikam", "", {401, 200, 403, 403, 200, 403}},
      {"GET", "/v1/billing?customer=contoso&product=sql-server-2005-sp4", "", {401, 200, 403, 200, 403, 403}},
      {"GET", "/v1/billing?customer=fabrikam&product=windows-xp-sp3", "", {401, 200, 403, 403, 200, 403}},
      {"POST", "/v1/enrolment-tokens", token_request, {401, 403, 403, 201, 403, 403}},
      {"POST", "/v1/devices", registration, {401, 401, 401, 401, 401, 401}},
      {"POST", "/v1/devices/me/check-in", check_in, {401, 403, 403, 403, 403, 200}},
      {"POST", "/v1/devices/me/reports", report, {401, 403, 403, 403, 403, 201}},
      {"PUT", "/v1/products", products, {401, 200, 403, 403, 403, 403}},
      {"PUT", "/v1/orders", order, {401, 200, 403, 403, 403, 403}},
      {"POST", "/v1/updates", manifest, {401, 200, 200, 403, 403, 403}},
      {"POST", "/v1/publish", "", {401, 400, 400, 403, 403, 403}},
      {"POST", "/v1/tokens", R"({"role":"publisher","name":"ci"})", {401, 201, 403, 403, 403, 403}},
      {"DELETE", "/v1/tokens/0000000000000000", "", {401, 404, 403, 403, 403, 403}},
      {"DELETE", "/v1/enrolment-tokens/0000000000000000", "", {401, 403, 403, 404, 404, 403}},
  };
  const std::array<std::string, 6> callers{"", m_operator, m_publisher, m_alice, m_carol, device};
  const std::array<const char*, 6> names{"anonymous",       "operator",         "publisher",
                                         "contoso contact", "fabrikam contact", "contoso device"};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < callers.size(); ++i) {
      const auto reply =
          row.method == "GET"
              ? client(callers[i]).get(row.path)
              : client(callers[i]).send(row.method, row.path, row.body, {{"Content-Type", "application/json"}});
      EXPECT_EQ(reply.status, row.expected[i])
          << row.method << " " << row.path << " as " << names[i] << ": " << reply.body.substr(0, 300);
      if (reply.status >= 400) {
        EXPECT_EQ(reply.headers.at("content-type"), "application/problem+json") << row.path;
      }
    }
  }
}

} // namespace
} // namespace lifeline::testing
