#include <gtest/gtest.h>

#include "signing/entitlement_statement.hpp"
#include "tests/unit/signing/test_repository.hpp"

namespace lifeline::signing::testing {
namespace {

class Statement : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& key = repo.new_key("entitlement");
    repo.root["keys"][key.keyid] =
        Json{{"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", key.public_key.public_key}}}};
    repo.root["x-lifeline-entitlement"] = Json{{"keyids", {key.keyid}}, {"threshold", 1}};
    const auto bytes = repo.write("root", repo.root, "1.root.json");
    root = tuf::parse_root(bytes).value().signed_part;
    statement.device = "dev-1";
    statement.customer = "contoso";
    statement.product = "sql-server-2005-sp4";
    statement.enrolment_type = "standard";
    statement.programme_quarter = 4;
    statement.targets = {"sql-server-2005-sp4/KB4057113/KB4057113.cab"};
    statement.issued = k_now;
    statement.expires = k_now + 3600;
  }

  TestRepository repo;
  tuf::RootSigned root;
  EntitlementStatement statement;
};

TEST_F(Statement, SignedByTheEntitlementKeyThatRootNamesVerifies) {
  const auto bytes = sign_statement(statement, repo.key("entitlement")).value();
  const auto verified = verify_statement(bytes, root, "dev-1", k_now);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_TRUE(permits(*verified, "sql-server-2005-sp4/KB4057113/KB4057113.cab"));
  EXPECT_FALSE(permits(*verified, "sql-server-2005-sp4/KB4019089/KB4019089.cab"));
  EXPECT_EQ(verified->programme_quarter, 4);
}

TEST_F(Statement, ForAnotherDeviceIsRefused) {
  const auto bytes = sign_statement(statement, repo.key("entitlement")).value();
  EXPECT_EQ(verify_statement(bytes, root, "dev-2", k_now).error().code, tuf::ErrorCode::wrong_subject);
}

TEST_F(Statement, ExpiredIsRefused) {
  const auto bytes = sign_statement(statement, repo.key("entitlement")).value();
  EXPECT_EQ(verify_statement(bytes, root, "dev-1", k_now + 3600).error().code, tuf::ErrorCode::expired);
}

TEST_F(Statement, SignedByAnotherKeyIsRefused) {
  const auto bytes = sign_statement(statement, repo.key("targets")).value();
  EXPECT_EQ(verify_statement(bytes, root, "dev-1", k_now).error().code, tuf::ErrorCode::unsigned_metadata);
}

TEST_F(Statement, TamperedTargetsAreRefused) {
  auto bytes = sign_statement(statement, repo.key("entitlement")).value();
  bytes.replace(bytes.find("KB4057113/"), 9, "KB4019089");
  EXPECT_EQ(verify_statement(bytes, root, "dev-1", k_now).error().code, tuf::ErrorCode::unsigned_metadata);
}

TEST_F(Statement, ARootWithoutEntitlementKeysTrustsNoStatement) {
  auto plain = root;
  plain.entitlement.reset();
  const auto bytes = sign_statement(statement, repo.key("entitlement")).value();
  EXPECT_EQ(verify_statement(bytes, plain, "dev-1", k_now).error().code, tuf::ErrorCode::unsigned_metadata);
}

} // namespace
} // namespace lifeline::signing::testing
