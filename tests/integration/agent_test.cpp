// lifeline-agent against the real server over loopback: registration with an enrolment token,
// then a sync that verifies the entitlement statement before it downloads, fetches only what the
// statement permits, and refuses bytes that do not match signed metadata.
#include <cstdlib>
#include <filesystem>

#include "signing/install_receipt.hpp"
#include "tests/integration/agent_fixture.hpp"
#include "tests/support/archives.hpp"
#include "tests/support/tampering_proxy.hpp"

namespace lifeline::testing {
namespace {

namespace fs = std::filesystem;

TEST_F(AgentSync, RegistersThenDownloadsOnlyWhatTheStatementPermits) {
  register_agent();
  const auto instance = m_dir / "agent" / "instances" / "sql";
  for (const char* secret : {"credential", "device-key.pem"}) {
    EXPECT_EQ(fs::status(instance / secret).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << secret;
  }
  const auto synced = agent({"sync"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_FALSE(fs::exists(downloads() / "KB4057113" / "KB4057113.cab")) << "installed, then the download removed";
  EXPECT_FALSE(fs::exists(downloads() / "KB4019089")) << "withheld: never downloaded";
  EXPECT_NE(synced.out.find("withheld KB4019089: IMPORTANT_ADDON_REQUIRED"), std::string::npos) << synced.out;
  const auto status = nlohmann::json::parse(agent({"status", "--json"}).out);
  EXPECT_EQ(status["instances"][0]["last_sync"]["downloaded"][0], "sql-server-2005-sp4/KB4057113/KB4057113.cab");
  EXPECT_EQ(status["instances"][0]["installed"][0]["update"], "KB4057113");
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "patched server");
  EXPECT_EQ(status["instances"][0]["last_sync"]["reports_sent"][0], "KB4057113-installed");
  const auto compliance = json_of(client(m_alice).get("/v1/compliance"));
  EXPECT_EQ(compliance["devices"][0]["installed"], nlohmann::json::array({"KB4057113"})) << compliance.dump();
  // The bounds the archive was published with are signed into its target (point 4).
  const auto role = nlohmann::json::parse(read_text(instance / "tuf" / (std::string(k_sql) + ".json")));
  EXPECT_EQ(
      role["signed"]["targets"][std::string(k_sql) + "/KB4057113/KB4057113.cab"]["custom"]["lifeline"]["unpacked"],
      (nlohmann::json{{"entries", 2}, {"bytes", 26}}));
  const auto again = agent({"sync"});
  EXPECT_EQ(again.out.find("installed KB4057113"), std::string::npos) << "installed once: " << again.out;
  const auto text = agent({"status"}).out;
  for (const char* line :
       {"device dev-1", "last sync 2017-01-12T00:00:00Z: completed",
        "entitlement statement valid until 2017-01-13T00:00:00Z (programme quarter 3)",
        "installed KB4057113 (2017-01-12T00:00:00Z)", "withheld KB4019089: IMPORTANT_ADDON_REQUIRED"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " in\n" << text;
  }
}

TEST_F(AgentSync, ReportsAreReceiptsSignedWithTheDeviceKey) {
  register_agent();
  ASSERT_EQ(agent({"sync"}).exit_code, 0);
  const auto device = client(device_credential());
  const auto unsigned_report =
      device.post("/v1/devices/me/reports",
                  nlohmann::json{{"report_id", "forged"}, {"update", "KB4057113"}, {"outcome", "installed"}}.dump());
  EXPECT_EQ(unsigned_report.status, 422) << unsigned_report.body;
  EXPECT_NE(unsigned_report.body.find("signed"), std::string::npos) << unsigned_report.body;
  // A well-formed receipt signed by any key but the one the device registered.
  auto other_key = signing::SigningKey::generate();
  ASSERT_TRUE(other_key);
  const auto forged = signing::sign_receipt(
      signing::InstallReceipt{"dev-1", "forged", "KB4057113", "failed", "forged failure", 1484179200},
      signing::describe(std::move(*other_key)));
  ASSERT_TRUE(forged);
  const auto refused = device.post("/v1/devices/me/reports", *forged);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("not signed by the device's registered key"), std::string::npos) << refused.body;
  // The device's own key, but a receipt about another device.
  const auto device_key = signing::load_key(m_dir / "agent" / "instances" / "sql" / "device-key.pem", std::nullopt);
  ASSERT_TRUE(device_key);
  const auto elsewhere = signing::sign_receipt(
      signing::InstallReceipt{"dev-2", "elsewhere", "KB4057113", "failed", "forged failure", 1484179200}, *device_key);
  EXPECT_EQ(device.post("/v1/devices/me/reports", *elsewhere).status, 403);
  // A failure report's id is in the audit trail: neither refused receipt left one.
  const auto genuine = signing::sign_receipt(
      signing::InstallReceipt{"dev-1", "genuine", "KB4057113", "failed", "disk full", 1484179200}, *device_key);
  EXPECT_EQ(device.post("/v1/devices/me/reports", *genuine).status, 201);
  const auto audit = json_of(client(m_alice).get("/v1/audit")).dump();
  EXPECT_NE(audit.find("genuine"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("forged"), std::string::npos) << "nothing of a refused receipt recorded";
  EXPECT_EQ(audit.find("elsewhere"), std::string::npos);
}

TEST_F(AgentSync, ReceiptsLeaveAClosedNetworkOnFileAndAContactUploadsThem) {
  // The server takes no report: as if the device could reach it only for the sync.
  TamperingProxy proxy(m_base, [](const std::string& path, ProxiedAnswer& answer) {
    if (path == "/v1/devices/me/reports") {
      answer = {503, "", "text/plain"};
    }
  });
  write_config(proxy.base());
  register_agent();
  ASSERT_EQ(agent({"sync"}).exit_code, 0);
  const auto exported = agent({"report", "--export", (m_dir / "receipts.json").string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("1 signed receipt(s)"), std::string::npos) << exported.out;
  login_contacts();
  // Another customer's contact cannot record the device's reports.
  const auto stranger = lifeline("carol", {"reports", "upload", (m_dir / "receipts.json").string()});
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_NE(stranger.out.find("refused (HTTP 404)"), std::string::npos) << stranger.out;
  const auto uploaded = lifeline("alice", {"reports", "upload", (m_dir / "receipts.json").string()});
  ASSERT_EQ(uploaded.exit_code, 0) << uploaded.out << uploaded.err;
  EXPECT_NE(uploaded.out.find("dev-1 KB4057113-installed: installed"), std::string::npos) << uploaded.out;
  const auto again = lifeline("alice", {"reports", "upload", (m_dir / "receipts.json").string()});
  EXPECT_NE(again.out.find("installed (already received)"), std::string::npos) << again.out;
  const auto compliance = json_of(client(m_alice).get("/v1/compliance"));
  EXPECT_EQ(compliance["devices"][0]["installed"], nlohmann::json::array({"KB4057113"})) << compliance.dump();
  // A receipt altered on the way is refused, not recorded.
  auto receipts = nlohmann::json::parse(read_text(m_dir / "receipts.json"));
  receipts["receipts"][0]["signed"]["report_id"] = "altered";
  const auto altered = json_of(client(m_alice).post("/v1/reports", receipts.dump()));
  EXPECT_EQ(altered["results"][0]["status"], 422) << altered.dump();
  EXPECT_EQ(altered["refused"], 1);
}

TEST_F(AgentSync, ABundleInstallsOnADeviceWithNoNetworkAndItsReceiptsComeBack) {
  register_agent(); // enrolment needs the server once
  login_contacts();
  const auto made = lifeline("alice", {"bundle", "create", "--out", (m_dir / "contoso.bundle").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.out.find("statements for 1 device(s)"), std::string::npos) << made.out;
  const auto other = lifeline("carol", {"bundle", "create", "--out", (m_dir / "fabrikam.bundle").string()});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  write_config("http://127.0.0.1:9"); // the closed network: nothing answers
  const auto foreign = agent({"install", "--bundle", (m_dir / "fabrikam.bundle").string()});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_NE(foreign.out.find("the bundle holds no entitlement statement for device dev-1"), std::string::npos)
      << foreign.out;
  const auto installed = agent({"install", "--bundle", (m_dir / "contoso.bundle").string()});
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  EXPECT_NE(installed.out.find("installed KB4057113"), std::string::npos) << installed.out;
  EXPECT_NE(installed.out.find("withheld KB4019089: IMPORTANT_ADDON_REQUIRED"), std::string::npos) << installed.out;
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "patched server");
  // The receipts come back by hand.
  ASSERT_EQ(agent({"report", "--export", (m_dir / "receipts.json").string()}).exit_code, 0);
  const auto uploaded = lifeline("alice", {"reports", "upload", (m_dir / "receipts.json").string()});
  ASSERT_EQ(uploaded.exit_code, 0) << uploaded.out << uploaded.err;
  const auto compliance = json_of(client(m_alice).get("/v1/compliance"));
  EXPECT_EQ(compliance["devices"][0]["installed"], nlohmann::json::array({"KB4057113"})) << compliance.dump();
  const auto garbage = agent({"install", "--bundle", (m_dir / "receipts.json").string()});
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("is not a Lifeline bundle"), std::string::npos) << garbage.err;
}

TEST_F(AgentSync, ADeviceEnrolledWithoutAKeyStillReports) {
  const auto keyless = client(register_device(enrolment_token(k_sql)));
  const auto plain =
      keyless.post("/v1/devices/me/reports",
                   nlohmann::json{{"report_id", "plain"}, {"update", "KB4057113"}, {"outcome", "failed"}}.dump());
  EXPECT_EQ(plain.status, 201) << plain.body;
  const auto enveloped = keyless.post(
      "/v1/devices/me/reports",
      nlohmann::json{{"signed", {{"report_id", "wrapped"}, {"update", "KB4057113"}, {"outcome", "failed"}}},
                     {"signatures", nlohmann::json::array()}}
          .dump());
  EXPECT_EQ(enveloped.status, 201) << enveloped.body;
}

TEST_F(AgentSync, AnUpdateTheStatementDoesNotListIsNeverDownloadedEvenIfOffered) {
  const std::string stray = std::string(k_sql) + "/KB4019089/KB4019089.cab";
  TamperingProxy proxy(m_base, [&](const std::string& path, ProxiedAnswer& answer) {
    if (path == "/v1/devices/me/check-in" && answer.status == 200) {
      auto body = nlohmann::json::parse(answer.body);
      body["updates"].push_back({{"kb", "KB4019089"}, {"targets", {stray}}});
      answer.body = body.dump();
    }
  });
  write_config(proxy.base());
  register_agent();
  const auto synced = agent({"sync"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_NE(synced.out.find("not in the entitlement statement, not fetched: " + stray), std::string::npos)
      << synced.out;
  for (const auto& request : proxy.requests()) {
    EXPECT_EQ(request.find("KB4019089"), std::string::npos) << "asked for " << request;
  }
  EXPECT_NE(synced.out.find("installed KB4057113"), std::string::npos) << synced.out;
}

TEST_F(AgentSync, AnOfferThatContradictsTheSignedTargetIsNotInstalled) {
  TamperingProxy proxy(m_base, [](const std::string& path, ProxiedAnswer& answer) {
    if (path == "/v1/devices/me/check-in" && answer.status == 200) {
      auto body = nlohmann::json::parse(answer.body);
      body["updates"][0]["kb"] = "KB4091664"; // the ledger would record the wrong update
      answer.body = body.dump();
    }
  });
  write_config(proxy.base());
  register_agent();
  const auto synced = agent({"sync"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out;
  EXPECT_NE(synced.out.find("withheld KB4091664: not applicable here: its signed metadata says it belongs to "
                            "KB4057113, not KB4091664"),
            std::string::npos)
      << synced.out;
  EXPECT_FALSE(fs::exists(m_dir / "sql" / "Binn" / "sqlservr.exe"));
}

TEST_F(AgentSync, ARefusedDownloadSaysWhyInTheServersWords) {
  TamperingProxy proxy(m_base, [](const std::string& path, ProxiedAnswer& answer) {
    if (path.find("/targets/") != std::string::npos) {
      answer = {403,
                R"({"title":"Forbidden","status":403,"detail":"the Custom Support rules refuse this download",)"
                R"("reasons":["PURCHASE_EXHAUSTED"]})",
                "application/problem+json"};
    }
  });
  write_config(proxy.base());
  register_agent();
  const auto synced = agent({"sync"});
  EXPECT_EQ(synced.exit_code, 1);
  EXPECT_NE(synced.out.find("HTTP 403: the Custom Support rules refuse this download PURCHASE_EXHAUSTED"),
            std::string::npos)
      << synced.out;
}

TEST_F(AgentSync, AnInterruptedDownloadResumesWithRange) {
  bool cut = false;
  std::size_t half = 0;
  TamperingProxy proxy(m_base, [&](const std::string& path, ProxiedAnswer& answer) {
    if (path.find("/targets/") != std::string::npos && !cut) {
      cut = true;
      half = answer.body.size() / 2;
      answer.body.resize(half); // the connection "ends" half way
    }
  });
  write_config(proxy.base());
  register_agent();
  const auto synced = agent({"sync"});
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  std::vector<std::string> downloads;
  for (const auto& request : proxy.requests()) {
    if (request.find("/targets/") != std::string::npos) {
      downloads.push_back(request);
    }
  }
  ASSERT_EQ(downloads.size(), 2U);
  EXPECT_EQ(downloads[0].find("range="), std::string::npos) << downloads[0];
  EXPECT_NE(downloads[1].find("range=bytes=" + std::to_string(half) + "-"), std::string::npos) << downloads[1];
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "patched server");
}

TEST_F(AgentSync, APayloadOfTheWrongLengthIsRefusedWithItsOwnError) {
  TamperingProxy proxy(m_base, [](const std::string& path, ProxiedAnswer& answer) {
    if (path.find("/targets/") != std::string::npos) {
      answer.body += "trailing bytes";
    }
  });
  write_config(proxy.base());
  register_agent();
  const auto longer = agent({"sync"});
  EXPECT_EQ(longer.exit_code, 1);
  EXPECT_NE(longer.out.find("sent more than " + std::to_string(m_payload_4057113.size()) + " bytes"), std::string::npos)
      << longer.out;
  EXPECT_NE(longer.out.find("pending KB4057113"), std::string::npos) << longer.out;
  proxy.set_rewrite([](const std::string& path, ProxiedAnswer& answer) {
    if (path.find("/targets/") != std::string::npos) {
      answer.body.resize(answer.body.size() - 100);
    }
  });
  const auto shorter = agent({"sync"});
  EXPECT_EQ(shorter.exit_code, 1);
  // Short once, then the resume finds nothing more: the server holds fewer bytes than signed.
  EXPECT_NE(shorter.out.find("holds no byte past " + std::to_string(m_payload_4057113.size() - 100)), std::string::npos)
      << shorter.out;
  EXPECT_FALSE(fs::exists(m_dir / "sql" / "Binn" / "sqlservr.exe")) << "nothing installed";
}

TEST_F(AgentSync, AStatementForAnotherDeviceIsRefused) {
  const auto other = register_device(enrolment_token(k_sql));
  const auto other_check_in =
      client(other).post("/v1/devices/me/check-in", R"({"service_pack":"SP4","language":"en-US"})");
  ASSERT_EQ(other_check_in.status, 200) << other_check_in.body;
  const auto other_statement = json_of(other_check_in)["entitlement_statement"];
  TamperingProxy proxy(m_base, [&](const std::string& path, ProxiedAnswer& answer) {
    if (path == "/v1/devices/me/check-in" && answer.status == 200) {
      auto body = nlohmann::json::parse(answer.body);
      body["entitlement_statement"] = other_statement;
      answer.body = body.dump();
    }
  });
  write_config(proxy.base());
  register_agent();
  const auto synced = agent({"sync"});
  EXPECT_EQ(synced.exit_code, 1);
  EXPECT_NE(synced.out.find("entitlement statement refused: the statement is for device dev-1, not dev-2"),
            std::string::npos)
      << synced.out;
  for (const auto& request : proxy.requests()) {
    EXPECT_EQ(request.find("/targets/"), std::string::npos) << "nothing downloaded: " << request;
  }
}

TEST_F(AgentSync, ReplayedMetadataIsRefused) {
  std::string first_timestamp;
  TamperingProxy proxy(m_base, [&](const std::string& path, ProxiedAnswer& answer) {
    if (path.ends_with("/timestamp.json") && first_timestamp.empty()) {
      first_timestamp = answer.body;
    }
  });
  write_config(proxy.base());
  register_agent();
  ASSERT_EQ(agent({"sync"}).exit_code, 0);
  // A new release moves the repository on; the agent trusts the newer timestamp...
  const auto manifest = read_text(source_dir() / "examples" / "updates" / "KB4091664.json");
  ASSERT_EQ(client(m_publisher).publish(manifest, "KB4091664.msu", tar_of({{"Binn/dst.dll", "dst"}})).status, 201);
  const auto newer = agent({"sync"});
  ASSERT_EQ(newer.exit_code, 0) << newer.out;
  // ...so the old one, replayed, is a rollback.
  proxy.set_rewrite([&](const std::string& path, ProxiedAnswer& answer) {
    if (path.ends_with("/timestamp.json")) {
      answer.body = first_timestamp;
    }
  });
  const auto replayed = agent({"sync"});
  EXPECT_EQ(replayed.exit_code, 1);
  EXPECT_NE(replayed.out.find("TUF refresh refused"), std::string::npos) << replayed.out;
  EXPECT_NE(replayed.out.find("version"), std::string::npos) << replayed.out;
}

TEST_F(AgentSync, UninstallRestoresTheReplacedFiles) {
  write_file(m_dir / "sql" / "Binn" / "sqlservr.exe", "original server");
  register_agent();
  ASSERT_EQ(agent({"sync"}).exit_code, 0);
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "patched server");
  const auto removed = agent({"uninstall", "--instance", "sql", "KB4057113"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(read_text(m_dir / "sql" / "Binn" / "sqlservr.exe"), "original server");
  EXPECT_FALSE(fs::exists(m_dir / "sql" / "Binn" / "KB4057113.txt"));
}

TEST_F(AgentSync, RefusesAPayloadThatDoesNotMatchSignedMetadata) {
  register_agent();
  const auto served = m_dir / "data" / "repository" / "targets" / k_sql / "KB4057113";
  for (const auto& entry : fs::directory_iterator(served)) {
    auto bytes = read_text(entry.path());
    bytes[0] = static_cast<char>(bytes[0] ^ 1); // same length, one bit off
    write_file(entry.path(), bytes);
  }
  const auto synced = agent({"sync"});
  EXPECT_EQ(synced.exit_code, 1);
  EXPECT_NE(synced.out.find("FAILED: sql-server-2005-sp4/KB4057113/KB4057113.cab: sha256 is"), std::string::npos)
      << synced.out;
  EXPECT_FALSE(fs::exists(downloads() / "KB4057113" / "KB4057113.cab")) << "nothing half-written";
  EXPECT_FALSE(fs::exists(m_dir / "sql" / "Binn" / "sqlservr.exe")) << "nothing installed";
  EXPECT_EQ(agent({"status"}).out.find("report(s) waiting"), std::string::npos) << "no install attempted, no report";
}

TEST_F(AgentSync, AnExpiredEntitlementStatementStopsTheSyncBeforeAnyDownload) {
  register_agent();
  // The server's clock stands at 2017-01-12: its statements expire a day later at the latest.
  const auto late = agent({"sync"}, "2017-01-14");
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_NE(late.out.find("entitlement statement refused"), std::string::npos) << late.out;
  EXPECT_FALSE(fs::exists(downloads())) << "nothing downloaded";
}

TEST_F(AgentSync, AnUnknownConfigurationSettingIsNamed) {
  write_file(m_dir / "agent.json",
             R"({"server":"http://x","trusted_root":"r","state_dir":"s","instances":[],"extra":1})");
  const auto refused = agent({"sync"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("/extra is not a known setting"), std::string::npos) << refused.err;
}

} // namespace
} // namespace lifeline::testing
