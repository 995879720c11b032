// MSRC and OASIS CVRF documents: the real ones in ../shared/advisories/cvrf read in place, and
// hostile ones built here.
#include <gtest/gtest.h>

#include "advisories/advisory.hpp"

namespace lifeline::advisories {
namespace {

TEST(AdvisoryFormat, NeitherXmlNorJsonIsRefusedBeforeAnyParsing) {
  const auto parsed = parse_advisory("\xEF\xBB\xBF  plain text");
  EXPECT_FALSE(parsed.advisory);
  ASSERT_EQ(parsed.problems.size(), 1U);
  EXPECT_EQ(parsed.problems[0].message, "neither XML (CVRF) nor a JSON object (CSAF)");
  EXPECT_FALSE(parse_advisory(std::string(k_max_document_bytes + 1, ' ')).advisory);
}

} // namespace
} // namespace lifeline::advisories
