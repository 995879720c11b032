// CSAF 2.0 documents: the real ones in ../shared/advisories/csaf read in place, and hostile ones
// built here.
#include <gtest/gtest.h>

#include "advisories/advisory.hpp"

namespace lifeline::advisories {
namespace {

TEST(AdvisoryFormat, AJsonArrayIsNotAnAdvisory) {
  const auto parsed = parse_advisory("[]");
  EXPECT_FALSE(parsed.advisory);
  ASSERT_EQ(parsed.problems.size(), 1U);
}

} // namespace
} // namespace lifeline::advisories
