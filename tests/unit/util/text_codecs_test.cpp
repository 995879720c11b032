// Base64url for opaque tokens and RFC 4180 CSV for spreadsheets: exact round trips, one
// spelling per token, and cells that a spreadsheet can neither split nor run.
#include <gtest/gtest.h>

#include "util/base64url.hpp"
#include "util/csv.hpp"

namespace lifeline::util {
namespace {

TEST(Base64url, RoundTripsEveryLengthWithoutPadding) {
  std::string bytes;
  for (int length = 0; length < 40; ++length) {
    const auto text = to_base64url(bytes);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos) << text;
    const auto back = from_base64url(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, bytes);
    bytes += static_cast<char>(length * 37 + 250); // every value of a byte comes up
  }
  EXPECT_EQ(to_base64url("v1 devices"), "djEgZGV2aWNlcw");
  EXPECT_EQ(to_base64url("\xfb\xff"), "-_8");
}

TEST(Base64url, RefusesAnythingButTheOneCanonicalSpelling) {
  for (const char* text : {"djEgZGV2aWNlcw==", "djEg ZGV2", "dj+g", "d", "djEgZGV2aWNlcx", "%41"}) {
    EXPECT_FALSE(from_base64url(text)) << text;
  }
  EXPECT_EQ(from_base64url(""), std::string());
}

TEST(Csv, QuotesWhatWouldSplitACellAndDisarmsFormulas) {
  EXPECT_EQ(csv_cell("plain text"), "plain text");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\r\nlines"), "\"two\r\nlines\"");
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  for (const char* formula : {"+1", "-1", "@SUM(A1)", "\tx"}) {
    EXPECT_EQ(csv_cell(formula).substr(0, 1), "'") << formula;
  }
  EXPECT_EQ(csv_line({"a", "", "b,c"}), "a,,\"b,c\"\r\n");
}

} // namespace
} // namespace lifeline::util
