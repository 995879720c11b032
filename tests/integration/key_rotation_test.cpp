// Rotating the online keys of targets, snapshot, timestamp and entitlement statements through
// the real binary: with a development root in one command, with an offline root through a draft
// that lifeline-sign signs. A device that trusted the old root follows, and what the old (leaked)
// key signs afterwards is refused.
#include <ctime>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "signing/cli/sign_cli.hpp"
#include "signing/entitlement_statement.hpp"
#include "signing/repository/root_rotation.hpp"
#include "signing/tuf/sign.hpp"
#include "signing/tuf/updater.hpp"
#include "tests/integration/repository_world.hpp"
#include "util/file.hpp"

namespace lifeline {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using signing::NamedKey;

constexpr const char* k_target = "sql-server-2005-sp4/KB4057113/KB4057113.cab";

class KeyRotation : public testing::RepositoryWorld {
 protected:
  void init(std::vector<std::string> init_args = {}) {
    ASSERT_EQ(server({"products", "apply", example("products.json")}).exit_code, 0);
    ASSERT_EQ(server({"orders", "apply", example("order-contoso.json")}).exit_code, 0);
    init_args.insert(init_args.begin(), "init");
    const auto initialised = server(init_args);
    ASSERT_EQ(initialised.exit_code, 0) << initialised.err;
    testing::write_file(m_dir / "KB4057113.cab", "critical fix payload\n");
    testing::write_file(m_dir / "KB4019089.cab", "important fix payload\n");
    ASSERT_EQ(publish("KB4057113"), 0);
    // The device's first contact: it trusts root version 1 and keeps what it verified.
    ASSERT_EQ(client_download(exported("before"), k_target).value(), "critical fix payload\n");
  }

  int sign_cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"lifeline-sign"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::ostringstream out;
    std::ostringstream err;
    const int code = signing::cli::run_sign_cli(argv, out, err, std::time(nullptr));
    EXPECT_EQ(code, 0) << err.str();
    return code;
  }

  fs::path keys() { return m_dir / "data" / "keys"; }
  fs::path metadata() { return m_dir / "data" / "repository" / "metadata"; }

  NamedKey key(const fs::path& file) { return signing::load_key(file, std::nullopt).value(); }

  // Newer targets, snapshot and timestamp in the exported copy `repository`, each signed by
  // `signers[role]` when given and by the server's current key otherwise: what someone who kept
  // the keys in `signers` can publish.
  void forge(const fs::path& repository, const std::map<std::string, const NamedKey*>& signers) {
    const auto dir = repository / "metadata";
    const auto document = [&](const std::string& file) {
      return Json::parse(testing::read_text(dir / file)).at("signed");
    };
    const auto current = [&](const std::string& role) { return key(keys() / (role + ".pem")); };
    const auto write = [&](const std::string& role, const std::string& file, const Json& signed_part) {
      const auto own = current(role);
      const auto* signer = signers.contains(role) ? signers.at(role) : &own;
      const auto bytes = signing::tuf::sign_metadata(signed_part, {signer}).value();
      testing::write_file(dir / file, bytes);
      return Json{{"version", signed_part.at("version")},
                  {"length", bytes.size()},
                  {"hashes", {{"sha256", signing::sha256_hex(bytes)}}}};
    };
    auto timestamp = document("timestamp.json");
    auto snapshot =
        document(std::to_string(timestamp.at("meta").at("snapshot.json").at("version").get<int>()) + ".snapshot.json");
    auto targets =
        document(std::to_string(snapshot.at("meta").at("targets.json").at("version").get<int>()) + ".targets.json");
    targets["version"] = targets.at("version").get<int>() + 1;
    snapshot["meta"]["targets.json"] =
        write("targets", std::to_string(targets.at("version").get<int>()) + ".targets.json", targets);
    snapshot["version"] = snapshot.at("version").get<int>() + 1;
    timestamp["meta"]["snapshot.json"] =
        write("snapshot", std::to_string(snapshot.at("version").get<int>()) + ".snapshot.json", snapshot);
    timestamp["version"] = timestamp.at("version").get<int>() + 1;
    write("timestamp", "timestamp.json", timestamp);
  }
};

class DevelopmentRootRotation : public KeyRotation, public ::testing::WithParamInterface<std::string> {};

TEST_P(DevelopmentRootRotation, TheNewKeyTakesOverAndTheOldOneSignsNothingADeviceAccepts) {
  init();
  const auto role = GetParam();
  const auto leaked = key(keys() / (role + ".pem"));
  const auto rotated = server({"keys", "rotate", "--role", role});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(rotated.out.find("installed root version 2"), std::string::npos) << rotated.out;
  EXPECT_FALSE(fs::exists(keys() / (role + ".pem.pending")));
  const auto fresh = key(keys() / (role + ".pem"));
  EXPECT_NE(fresh.keyid, leaked.keyid);
  EXPECT_EQ(fs::status(keys() / (role + ".pem")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  const auto root = signing::tuf::parse_root(testing::read_text(metadata() / "2.root.json")).value().signed_part;
  EXPECT_FALSE(root.keys.contains(leaked.keyid)) << "a key no role uses leaves root";

  // The device follows root 2 and verifies what the new keys signed.
  const auto after = exported("after");
  ASSERT_EQ(client_download(after, k_target).value(), "critical fix payload\n");

  if (role == "entitlement") {
    signing::EntitlementStatement statement{"dev-1", "contoso",  "sql-server-2005-sp4", "standard",
                                            4,       {k_target}, std::time(nullptr),    std::time(nullptr) + 3600};
    const auto now = std::time(nullptr);
    const auto old_signed = signing::sign_statement(statement, leaked).value();
    EXPECT_EQ(signing::verify_statement(old_signed, root, "dev-1", now).error().code,
              signing::tuf::ErrorCode::unsigned_metadata);
    EXPECT_TRUE(signing::verify_statement(signing::sign_statement(statement, fresh).value(), root, "dev-1", now));
    ASSERT_NO_FATAL_FAILURE(register_contoso_device());
    const auto issued = server({"entitlement", "statement", "--device", "dev-1", "--at", "2017-04-12"});
    ASSERT_EQ(issued.exit_code, 0) << issued.err;
    EXPECT_TRUE(signing::verify_statement(issued.out.substr(0, issued.out.size() - 1), root, "dev-1",
                                          1'491'955'200)); // 2017-04-12
  } else {
    // Someone who kept the old key signs newer metadata with it: the device refuses it.
    forge(after, {{role, &leaked}});
    EXPECT_EQ(client_download(after, k_target).error().code, signing::tuf::ErrorCode::unsigned_metadata);
    // The same forgery with the key in force is accepted (by a device that has not seen the
    // first one): the refusal is the old key's.
    forge(exported("control"), {});
    EXPECT_TRUE(client_download(m_dir / "control", k_target, "control-client"));
  }

  // Publishing and refreshing go on with the new key.
  ASSERT_EQ(publish("KB4019089"), 0);
  const auto refreshed = server({"repository", "refresh", "--at", "2099-01-01"});
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
  EXPECT_NE(refreshed.out.find("snapshot and timestamp re-signed"), std::string::npos);
  EXPECT_EQ(client_download(exported("later"), "sql-server-2005-sp4/KB4019089/KB4019089.cab").value(),
            "important fix payload\n");
}

INSTANTIATE_TEST_SUITE_P(EachOnlineRole, DevelopmentRootRotation,
                         ::testing::Values("timestamp", "snapshot", "targets", "entitlement"));

TEST_F(KeyRotation, EveryOnlineKeyInOneRootChange) {
  init();
  std::map<std::string, NamedKey> leaked;
  for (const char* role : {"targets", "snapshot", "timestamp", "entitlement"}) {
    leaked.emplace(role, key(keys() / (std::string(role) + ".pem")));
  }
  const auto rotated = server(
      {"keys", "rotate", "--role", "targets", "--role", "snapshot", "--role", "timestamp", "--role", "entitlement"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_TRUE(fs::exists(metadata() / "2.root.json"));
  EXPECT_FALSE(fs::exists(metadata() / "3.root.json")) << "one root change for all four keys";
  const auto after = exported("after");
  ASSERT_EQ(client_download(after, k_target).value(), "critical fix payload\n");
  forge(after, {{"targets", &leaked.at("targets")},
                {"snapshot", &leaked.at("snapshot")},
                {"timestamp", &leaked.at("timestamp")}});
  EXPECT_EQ(client_download(after, k_target).error().code, signing::tuf::ErrorCode::unsigned_metadata);
}

TEST_F(KeyRotation, UnknownOrRepeatedRolesAreRefused) {
  init();
  EXPECT_NE(server({"keys", "rotate", "--role", "root"}).exit_code, 0);
  EXPECT_NE(server({"keys", "rotate", "--role", "sql-server-2005-sp4"}).exit_code, 0);
  EXPECT_NE(server({"keys", "rotate", "--role", "timestamp", "--role", "timestamp"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(metadata() / "2.root.json"));
  EXPECT_FALSE(fs::exists(keys() / "timestamp.pem.pending"));
}

class OfflineRootRotation : public KeyRotation {
 protected:
  void SetUp() override {
    ASSERT_EQ(sign_cli({"keys", "create", "--out", (m_dir / "root-keys").string(), "--count", "2", "--threshold", "2"}),
              0);
    init({"--root-keys", (m_dir / "root-keys").string(), "--root-threshold", "2"});
  }
};

TEST_F(OfflineRootRotation, TheDraftIsSignedOfflineThenInstalled) {
  const auto old_key = key(keys() / "timestamp.pem");
  const auto without_out = server({"keys", "rotate", "--role", "timestamp"});
  EXPECT_NE(without_out.exit_code, 0);
  EXPECT_NE(without_out.err.find("--out"), std::string::npos) << without_out.err;
  EXPECT_FALSE(fs::exists(keys() / "timestamp.pem.pending"));

  const auto draft = (m_dir / "2.root.json").string();
  const auto rotated = server({"keys", "rotate", "--role", "timestamp", "--out", draft});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(rotated.out.find("lifeline-sign root sign --in " + draft), std::string::npos) << rotated.out;
  EXPECT_NE(rotated.out.find("repository install-root " + draft), std::string::npos) << rotated.out;
  const auto pending = key(keys() / "timestamp.pem.pending");
  EXPECT_EQ(key(keys() / "timestamp.pem").keyid, old_key.keyid) << "the old key stays in force until install-root";
  EXPECT_TRUE(Json::parse(testing::read_text(draft)).at("signatures").empty());

  const auto timestamp_before = testing::read_text(metadata() / "timestamp.json");
  const auto unsigned_install = server({"repository", "install-root", draft});
  EXPECT_NE(unsigned_install.exit_code, 0);
  EXPECT_FALSE(fs::exists(metadata() / "2.root.json"));
  EXPECT_TRUE(fs::exists(keys() / "timestamp.pem.pending"));
  EXPECT_EQ(testing::read_text(metadata() / "timestamp.json"), timestamp_before);

  ASSERT_EQ(sign_cli({"root", "sign", "--in", draft, "--keys", (m_dir / "root-keys").string()}), 0);
  const auto installed = server({"repository", "install-root", draft});
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_NE(installed.out.find("new keys in force for: timestamp"), std::string::npos) << installed.out;
  EXPECT_FALSE(fs::exists(keys() / "timestamp.pem.pending"));
  EXPECT_EQ(key(keys() / "timestamp.pem").keyid, pending.keyid);
  const auto timestamp = Json::parse(testing::read_text(metadata() / "timestamp.json"));
  EXPECT_EQ(timestamp.at("signatures").at(0).at("keyid"), pending.keyid);

  const auto after = exported("after");
  ASSERT_EQ(client_download(after, k_target).value(), "critical fix payload\n");
  forge(after, {{"timestamp", &old_key}});
  EXPECT_EQ(client_download(after, k_target).error().code, signing::tuf::ErrorCode::unsigned_metadata);
  ASSERT_EQ(publish("KB4019089"), 0);
  EXPECT_EQ(server({"repository", "refresh"}).exit_code, 0);
}

TEST_F(OfflineRootRotation, AnInstallInterruptedAfterTheRootIsWrittenIsFinishedByTheNextRefresh) {
  const auto draft = (m_dir / "2.root.json").string();
  ASSERT_EQ(server({"keys", "rotate", "--role", "timestamp", "--role", "targets", "--out", draft}).exit_code, 0);
  ASSERT_EQ(sign_cli({"root", "sign", "--in", draft, "--keys", (m_dir / "root-keys").string()}), 0);
  const auto pending = key(keys() / "timestamp.pem.pending");
  // What install-root leaves when it stops right after writing the root.
  testing::write_file(metadata() / "2.root.json", testing::read_text(draft));
  testing::write_file(metadata() / "root.json", testing::read_text(draft));

  const auto refreshed = server({"repository", "refresh"});
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
  EXPECT_NE(refreshed.out.find("targets re-signed"), std::string::npos) << refreshed.out;
  EXPECT_NE(refreshed.out.find("snapshot and timestamp re-signed"), std::string::npos) << refreshed.out;
  EXPECT_FALSE(fs::exists(keys() / "timestamp.pem.pending"));
  EXPECT_FALSE(fs::exists(keys() / "targets.pem.pending"));
  EXPECT_EQ(key(keys() / "timestamp.pem").keyid, pending.keyid);
  EXPECT_EQ(client_download(exported("after"), k_target).value(), "critical fix payload\n");
}

TEST_F(OfflineRootRotation, ARootListingAKeyTheServerDoesNotHoldIsRefusedUntouched) {
  // A correctly signed root whose snapshot key is nowhere on the server.
  const auto stranger = signing::describe(signing::SigningKey::generate().value());
  signing::RootChange change;
  change.expires = std::time(nullptr) + 86400 * 30;
  change.online_keys.emplace("snapshot", stranger.public_key);
  const auto next = signing::next_root(testing::read_text(metadata() / "1.root.json"), change).value();
  const auto root_keys = signing::load_keys(m_dir / "root-keys", std::nullopt).value();
  const auto bytes = signing::tuf::sign_metadata(next, {&root_keys.at(0), &root_keys.at(1)}).value();
  testing::write_file(m_dir / "2.root.json", bytes);

  const auto timestamp_before = testing::read_text(metadata() / "timestamp.json");
  const auto snapshot_key = key(keys() / "snapshot.pem");
  const auto refused = server({"repository", "install-root", (m_dir / "2.root.json").string()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("snapshot"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("Nothing was installed"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(metadata() / "2.root.json"));
  EXPECT_EQ(testing::read_text(metadata() / "timestamp.json"), timestamp_before);
  EXPECT_EQ(key(keys() / "snapshot.pem").keyid, snapshot_key.keyid);
  EXPECT_EQ(client_download(exported("after"), k_target).value(), "critical fix payload\n");
}

} // namespace
} // namespace lifeline
