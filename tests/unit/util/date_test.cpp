#include <gtest/gtest.h>

#include "util/date.hpp"

namespace lifeline::util {
namespace {

Date d(const char* text) {
  return *Date::parse(text);
}

TEST(Date, ParsesAndFormatsIsoCalendarDates) {
  EXPECT_EQ(d("2016-04-13").to_string(), "2016-04-13");
  EXPECT_EQ(d("1970-01-01").days_since_epoch(), 0);
  EXPECT_EQ(d("2016-02-29").to_string(), "2016-02-29");
}

TEST(Date, RejectsAnythingButYyyyMmDd) {
  for (const char* bad : {"", "2016-4-13", "2016-04-13T00:00:00Z", "2016/04/13", "2017-02-29", "2016-13-01",
                          "2016-00-10", "2016-04-31", "0000-01-01", "20160413", " 2016-04-13", "２016-04-13"}) {
    EXPECT_FALSE(Date::parse(bad).has_value()) << bad;
  }
}

TEST(Date, AddMonthsClampsToTheLastDayOfShorterMonths) {
  EXPECT_EQ(d("2016-01-31").add_months(1), d("2016-02-29"));
  EXPECT_EQ(d("2017-01-31").add_months(1), d("2017-02-28"));
  EXPECT_EQ(d("2016-04-13").add_months(3), d("2016-07-13"));
  EXPECT_EQ(d("2016-11-30").add_months(3), d("2017-02-28"));
  EXPECT_EQ(d("2016-04-13").add_months(12), d("2017-04-13"));
}

TEST(Date, CountsDaysBetweenDates) {
  EXPECT_EQ(d("2016-12-30").days_until(d("2017-01-13")), 14);
  EXPECT_EQ(d("2017-01-13").days_until(d("2016-12-30")), -14);
}

TEST(Date, FixedClockIsTheInjectableToday) {
  const FixedClock clock(d("2017-01-13"));
  EXPECT_EQ(clock.today(), d("2017-01-13"));
  EXPECT_GT(SystemClock().today(), d("2024-01-01"));
}

} // namespace
} // namespace lifeline::util
