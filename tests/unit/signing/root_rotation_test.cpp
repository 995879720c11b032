// next_root for online keys: the role's keys are replaced, keys no role uses leave root, and
// anything but an online role is refused.
#include <gtest/gtest.h>

#include "signing/repository/root_rotation.hpp"
#include "tests/unit/signing/test_repository.hpp"

namespace lifeline::signing::testing {
namespace {

class NextRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& entitlement = repo.new_key("entitlement");
    repo.root["keys"][entitlement.keyid] = Json{
        {"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", entitlement.public_key.public_key}}}};
    repo.root["x-lifeline-entitlement"] = Json{{"keyids", {entitlement.keyid}}, {"threshold", 1}};
    current = repo.write("root", repo.root, "1.root.json");
  }

  TestRepository repo;
  std::string current;
};

TEST_F(NextRoot, AnOnlineRoleGetsTheNewKeyAndTheOldOneLeaves) {
  const auto& fresh = repo.new_key("timestamp-2");
  const auto old = repo.key("timestamp").keyid;
  RootChange change;
  change.expires = k_now + 86400;
  change.online_keys.emplace("timestamp", fresh.public_key);
  const auto next = next_root(current, change).value();
  EXPECT_EQ(next.at("version"), 2);
  EXPECT_EQ(next.at("roles").at("timestamp").at("keyids"), Json::array({fresh.keyid}));
  EXPECT_TRUE(next.at("keys").contains(fresh.keyid));
  EXPECT_FALSE(next.at("keys").contains(old));
  EXPECT_EQ(next.at("roles").at("root"), repo.root.at("roles").at("root"));
  EXPECT_EQ(next.at("roles").at("snapshot"), repo.root.at("roles").at("snapshot"));
}

TEST_F(NextRoot, TheEntitlementKeyIsReplacedInItsOwnField) {
  const auto& fresh = repo.new_key("entitlement-2");
  const auto old = repo.key("entitlement").keyid;
  RootChange change;
  change.expires = k_now + 86400;
  change.online_keys.emplace("entitlement", fresh.public_key);
  const auto next = next_root(current, change).value();
  EXPECT_EQ(next.at("x-lifeline-entitlement").at("keyids"), Json::array({fresh.keyid}));
  EXPECT_FALSE(next.at("keys").contains(old));
  EXPECT_FALSE(next.at("roles").contains("entitlement"));
}

TEST_F(NextRoot, OnlyOnlineRolesCanBeGivenAKey) {
  for (const char* role : {"root", "sql-server-2005-sp4", ""}) {
    RootChange change;
    change.expires = k_now + 86400;
    change.online_keys.emplace(role, repo.key("targets").public_key);
    EXPECT_FALSE(next_root(current, change)) << role;
  }
}

} // namespace
} // namespace lifeline::signing::testing
