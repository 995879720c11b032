// One test per attack TUF names: the client refuses each with its own error code.
#include <gtest/gtest.h>

#include "signing/tuf/metadata.hpp"
#include "tests/unit/signing/test_repository.hpp"

namespace lifeline::signing::testing {
namespace {

using tuf::ErrorCode;

class Attack : public ::testing::Test {
 protected:
  void SetUp() override {
    repo.add_target("hello.txt", "hello lifeline\n");
    repo.delegate("product-a", {"product-a/*/*"}, true);
    repo.add_target("product-a/KB1/update.cab", "update payload\n", "product-a");
    repo.publish();
    ASSERT_TRUE(client.refresh()) << "the honest repository must verify";
  }

  // Serves a snapshot (and a timestamp naming it) that lists targets.json at `targets_version`.
  void serve_snapshot(std::int64_t snapshot_version, std::int64_t targets_version) {
    repo.snapshot["meta"]["targets.json"]["version"] = targets_version;
    repo.snapshot["version"] = snapshot_version;
    repo.write("snapshot", repo.snapshot, std::to_string(snapshot_version) + ".snapshot.json");
    repo.timestamp["version"] = snapshot_version;
    repo.timestamp["meta"]["snapshot.json"] = Json{{"version", snapshot_version}};
    repo.write("timestamp", repo.timestamp, "timestamp.json");
  }

  static ErrorCode code_of(const tuf::Result<void>& result) { return result.error().code; }
  template <typename T> static ErrorCode code_of(const tuf::Result<T>& result) { return result.error().code; }

  TestRepository repo;
  TestClient client{repo};
};

TEST_F(Attack, HonestRepositoryDownloadsVerifiedTargets) {
  EXPECT_EQ(client.download("hello.txt").value(), "hello lifeline\n");
  EXPECT_EQ(client.download("product-a/KB1/update.cab").value(), "update payload\n");
  EXPECT_EQ(code_of(client.download("nothing.txt")), ErrorCode::unknown_target);
}

TEST_F(Attack, RollbackOfTimestamp) {
  repo.publish(); // timestamp v2, trusted by the client
  ASSERT_TRUE(client.refresh());
  repo.timestamp["version"] = 1; // an old timestamp served again
  repo.write("timestamp", repo.timestamp, "timestamp.json");
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::bad_version);
}

TEST_F(Attack, RollbackOfSnapshot) {
  repo.publish();
  ASSERT_TRUE(client.refresh()); // snapshot v2 trusted
  repo.snapshot["version"] = 1;  // timestamp v3 names snapshot v1
  repo.publish(false);
  repo.timestamp["version"] = 3;
  repo.write("timestamp", repo.timestamp, "timestamp.json");
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::bad_version);
}

TEST_F(Attack, RollbackOfTargets) {
  repo.publish();
  ASSERT_TRUE(client.refresh()); // targets v2 trusted
  repo.targets["version"] = 1;
  repo.write("targets", repo.targets, "1.targets.json");
  serve_snapshot(3, 1);
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::bad_version);
}

TEST_F(Attack, RollbackOfRoot) {
  auto old = repo.root; // version 1 served as 2.root.json
  repo.write("root", old, "2.root.json");
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::bad_version);
}

TEST_F(Attack, FastForwardRecoveryAfterTimestampKeyRotation) {
  repo.timestamp["version"] = 100; // the attacker pushed the client far ahead
  repo.write("timestamp", repo.timestamp, "timestamp.json");
  ASSERT_TRUE(client.refresh());
  auto& rotated = repo.new_key("timestamp");
  repo.signers["timestamp"] = {&rotated};
  repo.root["version"] = 2;
  repo.root["keys"][rotated.keyid] =
      Json{{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", rotated.public_key.public_key}}}};
  repo.root["roles"]["timestamp"]["keyids"] = Json::array({rotated.keyid});
  repo.write("root", repo.root, "2.root.json");
  repo.timestamp["version"] = 1; // the repository starts again from 1 with the new key
  repo.write("timestamp", repo.timestamp, "timestamp.json");
  EXPECT_TRUE(client.refresh());
}

TEST_F(Attack, FreezeWithExpiredTimestamp) {
  repo.timestamp["expires"] = tuf::format_expires(k_now - 1);
  repo.publish();
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::expired);
}

TEST_F(Attack, FreezeWithExpiredSnapshot) {
  repo.snapshot["expires"] = tuf::format_expires(k_now);
  repo.publish();
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::expired);
}

TEST_F(Attack, FreezeWithExpiredTargets) {
  repo.targets["expires"] = tuf::format_expires(k_now - 3600);
  repo.publish();
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::expired);
}

TEST_F(Attack, FreezeWithExpiredDelegatedTargets) {
  repo.delegated["product-a"]["expires"] = tuf::format_expires(k_now - 3600);
  repo.publish();
  EXPECT_EQ(code_of(client.download("product-a/KB1/update.cab")), ErrorCode::expired);
}

TEST_F(Attack, FreezeWithExpiredRoot) {
  repo.root["version"] = 2;
  repo.root["expires"] = tuf::format_expires(k_now - 1);
  repo.write("root", repo.root, "2.root.json");
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::expired);
}

TEST_F(Attack, ExpiryIsJudgedAgainstOneStartTime) {
  TestClient late(repo, k_now + 86400 * 31);
  EXPECT_EQ(code_of(late.refresh()), ErrorCode::expired);
}

TEST_F(Attack, MixAndMatchOfSnapshotAndTargets) {
  // A targets file of another version than the snapshot names.
  repo.targets["version"] = 5;
  repo.write("targets", repo.targets, "2.targets.json");
  serve_snapshot(2, 2);
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::bad_version);
}

TEST_F(Attack, SnapshotThatDoesNotMatchTheTimestampHashes) {
  repo.publish();
  auto bytes = lifeline::testing::read_text(repo.metadata() / "2.snapshot.json");
  bytes.back() = bytes.back() == ' ' ? '\n' : ' ';
  lifeline::testing::write_file(repo.metadata() / "2.snapshot.json", bytes);
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::length_or_hash);
}

TEST_F(Attack, ArbitraryTargetContent) {
  const auto digest = sha256_hex("hello lifeline\n");
  lifeline::testing::write_file(repo.targets_dir() / (digest + ".hello.txt"), "hello lifelinX\n"); // same length
  EXPECT_EQ(code_of(client.download("hello.txt")), ErrorCode::length_or_hash);
}

TEST_F(Attack, WrongHashInMetadata) {
  repo.targets["targets"]["hello.txt"]["hashes"]["sha256"] = sha256_hex("something else");
  repo.publish();
  lifeline::testing::write_file(repo.targets_dir() / (sha256_hex("something else") + ".hello.txt"), "hello lifeline\n");
  EXPECT_EQ(code_of(client.download("hello.txt")), ErrorCode::length_or_hash);
}

TEST_F(Attack, EndlessDataInMetadata) {
  repo.timestamp["padding"] = std::string(20'000, 'x'); // over the 16 KiB timestamp limit
  repo.publish();
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::too_large);
}

TEST_F(Attack, EndlessDataInTarget) {
  const auto digest = sha256_hex("hello lifeline\n");
  lifeline::testing::write_file(repo.targets_dir() / (digest + ".hello.txt"), std::string(1 << 16, 'x'));
  EXPECT_EQ(code_of(client.download("hello.txt")), ErrorCode::too_large);
}

TEST_F(Attack, SignaturesBelowThreshold) {
  repo.root["version"] = 2;
  auto& second = repo.new_key("snapshot-2");
  repo.root["keys"][second.keyid] =
      Json{{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", second.public_key.public_key}}}};
  repo.root["roles"]["snapshot"]["keyids"].push_back(second.keyid);
  repo.root["roles"]["snapshot"]["threshold"] = 2;
  repo.write("root", repo.root, "2.root.json");
  repo.publish(); // the snapshot is still signed by one key of two
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::unsigned_metadata);
}

TEST_F(Attack, DuplicateSignaturesOfOneKeyCountOnce) {
  repo.root["version"] = 2;
  repo.root["roles"]["root"]["threshold"] = 2;
  auto bytes = repo.write("root", repo.root, "2.root.json");
  // The same key's signature twice: still one key, and refused outright.
  auto envelope = Json::parse(bytes);
  envelope["signatures"].push_back(envelope["signatures"][0]);
  lifeline::testing::write_file(repo.metadata() / "2.root.json", envelope.dump());
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::malformed);
  const tuf::Role role{{repo.key("root").keyid}, 2};
  const auto parsed = tuf::parse_root(bytes).value();
  EXPECT_EQ(tuf::verify_role("root", role, parsed.signed_part.keys, parsed.signed_bytes,
                             {parsed.signatures[0], parsed.signatures[0]})
                .error()
                .code,
            ErrorCode::unsigned_metadata);
}

TEST_F(Attack, ProductKeySigningAnotherProductsUpdate) {
  repo.delegate("product-b", {"product-b/*/*"}, true);
  // product-a's key lists an update under product-b's paths.
  repo.add_target("product-b/KB2/update.cab", "forged\n", "product-a");
  repo.publish();
  EXPECT_EQ(code_of(client.download("product-b/KB2/update.cab")), ErrorCode::unknown_target);
}

TEST_F(Attack, DelegatedRoleSignedByTheWrongKey) {
  repo.signers["product-a"] = {&repo.key("targets")};
  repo.publish();
  EXPECT_EQ(code_of(client.download("product-a/KB1/update.cab")), ErrorCode::unsigned_metadata);
}

TEST_F(Attack, MalformedExpires) {
  repo.targets["expires"] = "2030-01-01"; // tuf-js 5.0.1 accepts this; the specification does not
  repo.publish();
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::malformed);
}

TEST_F(Attack, NonIntegerVersion) {
  repo.publish();
  auto bytes = lifeline::testing::read_text(repo.metadata() / "timestamp.json");
  const auto at = bytes.rfind("\"version\":2");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 11, "\"version\":2.0");
  lifeline::testing::write_file(repo.metadata() / "timestamp.json", bytes);
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::malformed);
}

TEST_F(Attack, DuplicateKeysInJson) {
  repo.publish();
  auto bytes = lifeline::testing::read_text(repo.metadata() / "timestamp.json");
  bytes.insert(bytes.find("\"signed\":{") + 10, "\"version\":99,");
  lifeline::testing::write_file(repo.metadata() / "timestamp.json", bytes);
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::malformed);
}

TEST_F(Attack, TimestampSignedByTheSnapshotKey) {
  repo.signers["timestamp"] = {&repo.key("snapshot")};
  repo.publish();
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::unsigned_metadata);
}

TEST_F(Attack, UnknownFieldsAreKeptAndStillVerify) {
  repo.targets["x-vendor"] = Json{{"note", "kept"}};
  repo.targets["targets"]["hello.txt"]["custom"] = Json{{"kb", "KB1"}};
  repo.publish();
  EXPECT_TRUE(client.refresh());
  EXPECT_EQ(client.download("hello.txt").value(), "hello lifeline\n");
}

TEST_F(Attack, MetadataPersistedAsTheExactBytesReceived) {
  repo.publish();
  ASSERT_TRUE(client.refresh());
  EXPECT_EQ(lifeline::testing::read_text(client.metadata_dir() / "timestamp.json"),
            lifeline::testing::read_text(repo.metadata() / "timestamp.json"));
  EXPECT_EQ(lifeline::testing::read_text(client.metadata_dir() / "snapshot.json"),
            lifeline::testing::read_text(repo.metadata() / "2.snapshot.json"));
}

TEST_F(Attack, RootRotationChainIsFollowed) {
  const NamedKey* current = &repo.key("root");
  for (int version = 2; version <= 4; ++version) {
    auto& next = repo.new_key("root-" + std::to_string(version));
    repo.root["version"] = version;
    repo.root["keys"][next.keyid] =
        Json{{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", next.public_key.public_key}}}};
    repo.root["roles"]["root"]["keyids"] = Json::array({next.keyid});
    repo.signers["root"] = {current, &next}; // signed by the old threshold and the new one
    repo.write("root", repo.root, std::to_string(version) + ".root.json");
    current = &next;
  }
  ASSERT_TRUE(client.refresh());
  EXPECT_NE(lifeline::testing::read_text(client.metadata_dir() / "root.json").find("\"version\":4"), std::string::npos);
}

TEST_F(Attack, RootNotSignedByThePreviousRootIsRefused) {
  auto& intruder = repo.new_key("intruder");
  repo.root["version"] = 2;
  repo.root["keys"][intruder.keyid] =
      Json{{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", intruder.public_key.public_key}}}};
  repo.root["roles"]["root"]["keyids"] = Json::array({intruder.keyid});
  repo.signers["root"] = {&intruder};
  repo.write("root", repo.root, "2.root.json");
  EXPECT_EQ(code_of(client.refresh()), ErrorCode::unsigned_metadata);
}

} // namespace
} // namespace lifeline::signing::testing
