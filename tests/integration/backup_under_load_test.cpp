// The acceptance case of backups: taken while updates are published and metadata is read, a
// backup restores to a data directory that passes check and serves exactly the state captured.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "signing/crypto.hpp"
#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

namespace fs = std::filesystem;

std::string manifest_for(int number) {
  return nlohmann::json{{"id", "KB99" + std::to_string(10000 + number)},
                        {"kind", "security"},
                        {"title", "Load update " + std::to_string(number)},
                        {"released", "2017-01-10"},
                        {"cves", {"CVE-2017-0101"}},
                        {"products", {{{"product", "sql-server-2005-sp4"}, {"severity", "critical"}}}},
                        {"requires_service_pack", "SP4"},
                        {"language", "en-US"},
                        {"regression_tested", true}}
      .dump();
}

std::string payload_for(int number) {
  return "payload of load update " + std::to_string(number) + "\n" +
         std::string(64 * 1024, static_cast<char>('a' + number % 26));
}

struct Captured {
  std::string file;
  std::int64_t timestamp_version = 0;
  double seconds = 0;
  std::uintmax_t size = 0;
  int published_during = 0;       // publishes that completed while it ran
  bool publish_in_flight = false; // a publish request was being served when it started
  double lock_seconds = 0;
};

class BackupUnderLoad : public ApiFixture {};

TEST_F(BackupUnderLoad, RestoresToAServerThatPassesCheckAndServesTheCapturedState) {
  const auto device = register_device(enrolment_token(k_sql));
  ASSERT_FALSE(device.empty());
  std::atomic<bool> stop = false;
  std::atomic<int> published = 0;
  std::atomic<int> failures = 0;
  std::atomic<bool> in_flight = false;
  std::mutex seen_mutex;
  std::map<std::int64_t, std::string> timestamps_seen; // every timestamp.json the original served
  std::thread publisher([&] {
    for (int number = 1; !stop; ++number) {
      in_flight = true;
      const auto reply = client(m_publisher).publish(manifest_for(number), "update.cab", payload_for(number));
      in_flight = false;
      if (reply.status == 201) {
        ++published;
      } else {
        ++failures;
      }
    }
  });
  std::thread reader([&] {
    while (!stop) {
      const auto reply = client().get("/v1/repository/metadata/timestamp.json");
      const auto document = nlohmann::json::parse(reply.body, nullptr, false);
      if (reply.status == 200 && document.is_object()) {
        const std::lock_guard lock(seen_mutex);
        timestamps_seen.emplace(document["signed"]["version"].get<std::int64_t>(), reply.body);
      } else {
        ++failures;
      }
      if (client(m_operator).get("/v1/updates").status != 200) {
        ++failures;
      }
    }
  });
  std::vector<Captured> backups;
  const auto load_start = std::chrono::steady_clock::now();
  for (int round = 0; round < 5; ++round) {
    // Each backup overlaps publishing: wait (without a clock) until some more have landed.
    const int wanted = published + 3;
    while (published < wanted && failures == 0) {
      std::this_thread::yield();
    }
    Captured captured;
    captured.file = (m_dir / ("backup-" + std::to_string(round) + ".tar")).string();
    const auto start = std::chrono::steady_clock::now();
    const int before = published;
    captured.publish_in_flight = in_flight;
    const auto result = run({server_binary().string(), "--data", data(), "backup", "--out", captured.file, "--json"});
    captured.published_during = published - before;
    captured.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto summary = nlohmann::json::parse(result.out);
    captured.timestamp_version = summary["timestamp_version"].get<std::int64_t>();
    captured.lock_seconds = summary["lock_seconds"].get<double>();
    captured.size = fs::file_size(captured.file);
    backups.push_back(captured);
  }
  stop = true;
  publisher.join();
  reader.join();
  const auto load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  EXPECT_EQ(failures, 0);
  ASSERT_GE(published, 15);
  EXPECT_TRUE(std::any_of(backups.begin(), backups.end(), [](const Captured& captured) {
    return captured.publish_in_flight || captured.published_during > 0;
  })) << "no backup overlapped a publish";
  std::cout << published << " updates published in " << load_seconds << " s\n";
  const auto original_updates = json_of(client(m_operator).get("/v1/updates"));

  for (const auto& captured : backups) {
    std::cout << "backup " << captured.file << ": timestamp version " << captured.timestamp_version << ", "
              << captured.size << " bytes, " << captured.seconds << " s (lock held " << captured.lock_seconds
              << " s), publish in flight at its start: " << captured.publish_in_flight << ", "
              << captured.published_during << " completed while it ran\n";
    TempDir scratch;
    const auto restored = (scratch / "data").string();
    const auto restore = run({server_binary().string(), "--data", restored, "restore", "--from", captured.file});
    ASSERT_EQ(restore.exit_code, 0) << restore.err;
    const auto check_start = std::chrono::steady_clock::now();
    const auto check = run({server_binary().string(), "--data", restored, "check", "--at", k_at});
    std::cout << "check: " << std::chrono::duration<double>(std::chrono::steady_clock::now() - check_start).count()
              << " s\n";
    ASSERT_EQ(check.exit_code, 0) << check.out << check.err;

    BackgroundProcess copy(
        {server_binary().string(), "--data", restored, "serve", "--listen", "127.0.0.1:0", "--at", k_at});
    ASSERT_EQ(copy.first_line().rfind("listening on http://", 0), 0U) << copy.first_line();
    const ApiClient restored_client(copy.first_line().substr(std::string("listening on ").size()));

    // The timestamp it serves is the one captured, as the original served it.
    const auto timestamp = restored_client.get("/v1/repository/metadata/timestamp.json");
    ASSERT_EQ(timestamp.status, 200);
    const auto timestamp_json = nlohmann::json::parse(timestamp.body);
    EXPECT_EQ(timestamp_json["signed"]["version"], captured.timestamp_version);
    {
      const std::lock_guard lock(seen_mutex);
      const auto seen = timestamps_seen.find(captured.timestamp_version);
      if (seen != timestamps_seen.end()) {
        EXPECT_EQ(timestamp.body, seen->second);
      }
    }
    // Snapshot, targets and the product role of that state: byte for byte what the original serves.
    const auto snapshot_file =
        std::to_string(timestamp_json["signed"]["meta"]["snapshot.json"]["version"].get<std::int64_t>()) +
        ".snapshot.json";
    const auto snapshot = restored_client.get("/v1/repository/metadata/" + snapshot_file);
    ASSERT_EQ(snapshot.status, 200);
    EXPECT_EQ(snapshot.body, client().get("/v1/repository/metadata/" + snapshot_file).body);
    const auto meta = nlohmann::json::parse(snapshot.body)["signed"]["meta"];
    std::string role_body;
    for (const auto& [name, entry] : meta.items()) {
      const auto file = std::to_string(entry["version"].get<std::int64_t>()) + "." + name;
      const auto served = restored_client.get("/v1/repository/metadata/" + file);
      ASSERT_EQ(served.status, 200) << file;
      EXPECT_EQ(served.body, client().get("/v1/repository/metadata/" + file).body) << file;
      if (name == std::string(k_sql) + ".json") {
        role_body = served.body;
      }
    }
    // The updates an operator reads: every published one, and only what the original knew.
    const auto role_targets = nlohmann::json::parse(role_body)["signed"]["targets"];
    const auto restored_updates = json_of(
        ApiClient(copy.first_line().substr(std::string("listening on ").size()), m_operator).get("/v1/updates"));
    std::set<std::string> listed;
    for (const auto& update : restored_updates["updates"]) {
      listed.insert(update["kb"].get<std::string>());
    }
    std::set<std::string> original;
    for (const auto& update : original_updates["updates"]) {
      original.insert(update["kb"].get<std::string>());
    }
    EXPECT_TRUE(std::includes(original.begin(), original.end(), listed.begin(), listed.end()));
    std::string newest_path;
    for (const auto& [path, signed_target] : role_targets.items()) {
      const auto kb = signed_target["custom"]["lifeline"]["kb"].get<std::string>();
      EXPECT_TRUE(listed.contains(kb)) << kb << " is published but the restored catalog does not know it";
      if (kb.starts_with("KB99")) {
        newest_path = std::max(newest_path, path);
      }
    }
    EXPECT_LE(listed.size(), role_targets.size() + 1) << "at most the one update being published when it was taken";
    // A payload published under load, downloaded by a device and checked against the metadata.
    ASSERT_FALSE(newest_path.empty());
    const auto& target = role_targets[newest_path];
    const auto slash = newest_path.rfind('/');
    const auto url = "/v1/repository/targets/" + newest_path.substr(0, slash + 1) +
                     target["hashes"]["sha256"].get<std::string>() + "." + newest_path.substr(slash + 1);
    const auto payload = ApiClient(copy.first_line().substr(std::string("listening on ").size()), device).get(url);
    ASSERT_EQ(payload.status, 200) << payload.body;
    EXPECT_EQ(static_cast<std::int64_t>(payload.body.size()), target["length"].get<std::int64_t>());
    EXPECT_EQ(signing::sha256_hex(payload.body), target["hashes"]["sha256"]);
    EXPECT_EQ(copy.stop(SIGTERM), 0);
  }
}

} // namespace
} // namespace lifeline::testing
