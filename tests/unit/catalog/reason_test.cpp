#include <set>

#include <gtest/gtest.h>

#include "catalog/reason.hpp"

namespace lifeline::catalog {
namespace {

TEST(Reason, EveryCodeRoundTripsAndIsUnique) {
  std::set<std::string_view> seen;
  for (int i = 0; i <= static_cast<int>(Reason::prerelease_product); ++i) {
    const auto reason = static_cast<Reason>(i);
    const auto text = code(reason);
    EXPECT_TRUE(seen.insert(text).second) << text;
    EXPECT_EQ(parse_reason(text), reason) << text;
    EXPECT_TRUE(rule(reason).starts_with("CS-")) << text;
  }
}

TEST(Reason, CodesAreExactlyAsTheRulesWriteThem) {
  EXPECT_EQ(code(Reason::contract_inactive), "CONTRACT_INACTIVE");
  EXPECT_EQ(code(Reason::device_limit_reached), "DEVICE_LIMIT_REACHED");
  EXPECT_EQ(code(Reason::important_addon_required), "IMPORTANT_ADDON_REQUIRED");
  EXPECT_EQ(code(Reason::not_in_extended_support), "NOT_IN_EXTENDED_SUPPORT");
  EXPECT_EQ(rule(Reason::hotfix_not_purchased), "CS-11");
  EXPECT_FALSE(parse_reason("device_limit_reached").has_value());
}

} // namespace
} // namespace lifeline::catalog

#include <regex>

#include "tests/support/testing.hpp"

namespace lifeline::catalog {
namespace {

// Every reason code the rules text names (in backquotes) exists, spelled the same.
TEST(Reason, CoversEveryCodeOfTheRulesText) {
  const auto rules_text = testing::read_text(testing::shared_dir() / "spec" / "custom-support-rules.md");
  ASSERT_FALSE(rules_text.empty()) << "the rules text is read in place from ../shared/spec";
  const std::regex code_pattern("`([A-Z][A-Z_]{4,}[A-Z])`");
  int found = 0;
  for (std::sregex_iterator it(rules_text.begin(), rules_text.end(), code_pattern), end; it != end; ++it) {
    EXPECT_TRUE(parse_reason((*it)[1].str()).has_value()) << (*it)[1].str();
    ++found;
  }
  EXPECT_GE(found, 22);
}

} // namespace
} // namespace lifeline::catalog
