#include <gtest/gtest.h>

#include "agent/trust_checks.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::agent {
namespace {

constexpr std::int64_t k_day = 86'400;
constexpr std::int64_t k_now = 17'178 * k_day; // 2017-01-12

class AcceptStatement : public ::testing::Test {
 protected:
  AcceptStatement() {
    instance.name = "sql";
    instance.product = "sql-server-2005-sp4";
    instance.service_pack = "SP4";
    instance.language = "en-US";
    statement.device = "dev-1";
    statement.product = "sql-server-2005-sp4";
    statement.programme_quarter = 3;
    statement.issued = k_now;
    statement.expires = k_now + k_day;
  }

  util::Result<void> accept(std::int64_t issued, std::int64_t quarter, std::int64_t now = k_now) {
    auto copy = statement;
    copy.issued = issued;
    copy.programme_quarter = quarter;
    return accept_statement(copy, instance, now, m_dir / "statement.json");
  }

  Instance instance;
  signing::EntitlementStatement statement;
  lifeline::testing::TempDir m_dir;
};

TEST_F(AcceptStatement, NewerOrEqualStatementsAreAccepted) {
  EXPECT_TRUE(accept(k_now - 60, 3));
  EXPECT_TRUE(accept(k_now - 60, 3)) << "the same statement again (a cached answer) is no replay";
  EXPECT_TRUE(accept(k_now, 4));
}

TEST_F(AcceptStatement, AnOlderStatementIsAReplay) {
  ASSERT_TRUE(accept(k_now, 3));
  const auto older = accept(k_now - 3600, 3);
  ASSERT_FALSE(older);
  EXPECT_NE(older.error().message.find("replayed: issued 2017-01-11T23:00:00Z, before the last accepted statement"),
            std::string::npos)
      << older.error().message;
}

TEST_F(AcceptStatement, AnEarlierProgrammeQuarterIsAReplay) {
  ASSERT_TRUE(accept(k_now, 4));
  const auto earlier = accept(k_now + 60, 3, k_now + 60);
  ASSERT_FALSE(earlier);
  EXPECT_NE(earlier.error().message.find("replayed: programme quarter 3, after quarter 4"), std::string::npos);
}

TEST_F(AcceptStatement, AStatementFromTheFutureIsRefusedAndNotRemembered) {
  const auto future = accept(k_now + 2 * 3600, 3);
  ASSERT_FALSE(future);
  EXPECT_NE(future.error().message.find("in the future of this device's clock"), std::string::npos);
  EXPECT_TRUE(accept(k_now, 3)) << "a refused statement leaves no high-water mark";
  EXPECT_TRUE(accept(k_now + 1800, 3)) << "within the clock skew allowance";
}

TEST_F(AcceptStatement, AStatementForAnotherProductIsRefused) {
  statement.product = "windows-server-2008";
  const auto other = accept(k_now, 3);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("for product windows-server-2008, not sql-server-2005-sp4"), std::string::npos);
}

TEST(SignedAttributes, BoundsReplaceTheDefaultsUpToACeiling) {
  const auto small =
      signed_attributes(R"({"lifeline":{"kb":"KB1","product":"p","unpacked":{"entries":2,"bytes":26}}})");
  EXPECT_EQ(small.kb, "KB1");
  EXPECT_EQ(small.limits.max_entries, 2);
  EXPECT_EQ(small.limits.max_bytes, 26);
  const auto large = signed_attributes(R"({"lifeline":{"unpacked":{"entries":50000,"bytes":1e30}}})");
  EXPECT_EQ(large.limits.max_entries, 50'000) << "a signed bound may exceed the agent's default";
  EXPECT_EQ(large.limits.max_bytes, UnpackLimits{}.max_bytes) << "a non-integer is ignored";
  const auto none = signed_attributes("not json");
  EXPECT_EQ(none.limits.max_entries, UnpackLimits{}.max_entries);
}

TEST(SignedAttributes, TheOfferMustAgreeWithTheSignedTarget) {
  Instance instance;
  instance.product = "sql-server-2005-sp4";
  instance.service_pack = "SP4";
  instance.language = "en-US";
  auto signed_part = signed_attributes(
      R"({"lifeline":{"kb":"KB1","product":"sql-server-2005-sp4","language":"en-us","requires_service_pack":"sp4"}})");
  EXPECT_EQ(not_applicable(signed_part, "KB1", instance), "") << "names compare without case, as on the server";
  EXPECT_NE(not_applicable(signed_part, "KB2", instance).find("belongs to KB1, not KB2"), std::string::npos);
  signed_part.language = "fr-FR";
  EXPECT_NE(not_applicable(signed_part, "KB1", instance).find("signed for language fr-FR"), std::string::npos);
  signed_part.language.clear();
  signed_part.requires_service_pack = "SP3";
  EXPECT_NE(not_applicable(signed_part, "KB1", instance).find("requires service pack SP3"), std::string::npos);
}

} // namespace
} // namespace lifeline::agent
