#include <gtest/gtest.h>

#include "tests/support/testing.hpp"
#include "util/file.hpp"

namespace lifeline::util {
namespace {

TEST(ReadFile, ReadsAFileWithinTheLimit) {
  testing::TempDir dir;
  testing::write_file(dir / "a.json", "{}");
  const auto text = read_file(dir / "a.json", 16);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "{}");
}

TEST(ReadFile, RefusesAFileOverTheLimitBeforeReadingIt) {
  testing::TempDir dir;
  testing::write_file(dir / "big.json", std::string(17, 'x'));
  const auto text = read_file(dir / "big.json", 16);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::invalid_input);
  EXPECT_NE(text.error().message.find("more than the limit of 16"), std::string::npos);
}

TEST(ReadFile, SaysWhenTheFileIsMissingOrNotRegular) {
  testing::TempDir dir;
  EXPECT_EQ(read_file(dir / "missing.json", 16).error().kind, ErrorKind::not_found);
  EXPECT_EQ(read_file(dir.path(), 16).error().kind, ErrorKind::not_found);
}

} // namespace
} // namespace lifeline::util
