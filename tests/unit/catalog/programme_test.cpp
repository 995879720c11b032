// Programme calendar: quarters, notice (CS-9), plan cap (CS-5) and billing (CS-10).
#include <gtest/gtest.h>

#include "catalog/rules/programme.hpp"

namespace lifeline::catalog::rules {
namespace {

Date d(const char* text) {
  return *Date::parse(text);
}

// SQL Server 2005 SP4: the example of the terms.
const Programme k_programme{d("2016-04-13"), d("2019-04-12")};

TEST(ProgrammeQuarters, StartEveryThreeMonthsFromTheProgrammeStart) {
  EXPECT_EQ(quarter_start(k_programme, 0), d("2016-04-13"));
  EXPECT_EQ(quarter_start(k_programme, 1), d("2016-07-13"));
  EXPECT_EQ(quarter_start(k_programme, 3), d("2017-01-13"));
  EXPECT_EQ(quarter_end(k_programme, 0), d("2016-07-12"));
}

TEST(ProgrammeQuarters, FirstAndLastDayBelongToTheirQuarter) {
  EXPECT_EQ(quarter_index(k_programme, d("2016-04-12")), -1);
  EXPECT_EQ(quarter_index(k_programme, d("2016-04-13")), 0);
  EXPECT_EQ(quarter_index(k_programme, d("2016-07-12")), 0);
  EXPECT_EQ(quarter_index(k_programme, d("2016-07-13")), 1);
  EXPECT_EQ(quarter_index(k_programme, d("2017-01-12")), 2);
  EXPECT_EQ(quarter_index(k_programme, d("2017-01-13")), 3);
}

TEST(ProgrammeQuarters, AMonthEndStartNeverDrifts) {
  const Programme programme{d("2016-11-30"), d("2019-11-29")};
  EXPECT_EQ(quarter_start(programme, 1), d("2017-02-28"));
  EXPECT_EQ(quarter_start(programme, 2), d("2017-05-30"));
  EXPECT_EQ(quarter_index(programme, d("2017-05-29")), 1);
  EXPECT_EQ(quarter_index(programme, d("2017-05-30")), 2);
  EXPECT_TRUE(is_quarter_boundary(programme, d("2017-02-28")));
  EXPECT_FALSE(is_quarter_boundary(programme, d("2017-02-27")));
}

Enrolment enrolled_on(const char* start, std::optional<Date> notice) {
  Enrolment enrolment;
  enrolment.product = "sql-server-2005-sp4";
  enrolment.start = d(start);
  enrolment.unenrol_notice = notice;
  return enrolment;
}

TEST(UnenrolmentNotice, ExactlyFourteenDaysBeforeTheBillingDateIsInTime) {
  // Next billing date 2017-01-13; 14 days before is 2016-12-30.
  EXPECT_EQ(unenrolment_effective(k_programme, enrolled_on("2016-10-13", d("2016-12-30"))), d("2017-01-13"));
}

TEST(UnenrolmentNotice, ThirteenDaysBeforeTakesEffectOneQuarterLater) {
  EXPECT_EQ(unenrolment_effective(k_programme, enrolled_on("2016-10-13", d("2016-12-31"))), d("2017-04-13"));
}

TEST(UnenrolmentNotice, NoticeOnABillingDateAimsAtTheNextOne) {
  EXPECT_EQ(unenrolment_effective(k_programme, enrolled_on("2016-04-13", d("2017-01-13"))), d("2017-04-13"));
}

TEST(UnenrolmentNotice, TheMinimumPeriodIsOneProgrammeQuarter) {
  // Enrolled in quarter 3 (2016-10-13 .. 2017-01-12) and left at once: served to its end.
  EXPECT_EQ(unenrolment_effective(k_programme, enrolled_on("2016-11-20", d("2016-11-20"))), d("2017-01-13"));
}

TEST(UnenrolmentNotice, NoNoticeMeansNoEnd) {
  EXPECT_FALSE(unenrolment_effective(k_programme, enrolled_on("2016-10-13", std::nullopt)).has_value());
}

MigrationPlan example_plan() {
  return MigrationPlan{120, {{d("2016-10-13"), 120}, {d("2017-01-13"), 80}, {d("2017-04-13"), 30}}, d("2017-07-12")};
}

TEST(PlanCap, FollowsTheListedQuartersAndKeepsUnlistedOnes) {
  const auto plan = example_plan();
  EXPECT_EQ(plan_device_cap(plan, d("2016-10-13")), 120);
  EXPECT_EQ(plan_device_cap(plan, d("2017-01-12")), 120);
  EXPECT_EQ(plan_device_cap(plan, d("2017-01-13")), 80);
  EXPECT_EQ(plan_device_cap(plan, d("2017-04-12")), 80);
  EXPECT_EQ(plan_device_cap(plan, d("2017-04-13")), 30);
}

TEST(PlanCap, IsTheTotalBeforeTheFirstListedQuarterAndZeroAfterCompletion) {
  const auto plan = example_plan();
  EXPECT_EQ(plan_device_cap(plan, d("2016-09-01")), 120);
  EXPECT_EQ(plan_device_cap(plan, d("2017-07-12")), 30);
  EXPECT_EQ(plan_device_cap(plan, d("2017-07-13")), 0);
}

const Contract k_contract{2, d("2016-01-01"), d("2018-12-31")};

TEST(Billing, IsRetroactiveToTheProgrammesFirstDay) {
  // The terms' example: available 2016-04-13, enrolled 2016-10-13, fees from the first day.
  const auto quarters =
      billable_quarters(k_programme, k_contract, enrolled_on("2016-10-13", std::nullopt), d("2016-10-13"));
  ASSERT_EQ(quarters.size(), 3U);
  EXPECT_EQ(quarters[0].start, d("2016-04-13"));
  EXPECT_TRUE(quarters[0].retroactive);
  EXPECT_TRUE(quarters[1].retroactive);
  EXPECT_FALSE(quarters[2].retroactive);
  EXPECT_EQ(quarters[2].start, d("2016-10-13"));
}

TEST(Billing, BillsAQuarterOnItsFirstDay) {
  const auto enrolment = enrolled_on("2016-10-13", std::nullopt);
  EXPECT_EQ(billable_quarters(k_programme, k_contract, enrolment, d("2017-01-12")).size(), 3U);
  EXPECT_EQ(billable_quarters(k_programme, k_contract, enrolment, d("2017-01-13")).size(), 4U);
}

TEST(Billing, StopsWhenTheUnenrolmentTakesEffect) {
  const auto enrolment = enrolled_on("2016-10-13", d("2016-12-30"));
  EXPECT_EQ(billable_quarters(k_programme, k_contract, enrolment, d("2018-01-01")).size(), 3U);
}

TEST(Billing, StopsWhenTheContractEnds) {
  const Contract contract{2, d("2016-01-01"), d("2017-02-01")};
  EXPECT_EQ(billable_quarters(k_programme, contract, enrolled_on("2016-10-13", std::nullopt), d("2018-01-01")).size(),
            4U);
}

TEST(Billing, NothingWhenTheContractEndedBeforeTheEnrolment) {
  const Contract contract{2, d("2016-01-01"), d("2016-06-30")};
  EXPECT_TRUE(
      billable_quarters(k_programme, contract, enrolled_on("2016-10-13", std::nullopt), d("2018-01-01")).empty());
}

TEST(Billing, NothingBeforeTheEnrolmentStarts) {
  EXPECT_TRUE(
      billable_quarters(k_programme, k_contract, enrolled_on("2016-10-13", std::nullopt), d("2016-10-12")).empty());
}

TEST(Billing, StopsAtTheProgrammeEnd) {
  EXPECT_EQ(billable_quarters(k_programme, Contract{2, d("2016-01-01"), d("2030-01-01")},
                              enrolled_on("2016-10-13", std::nullopt), d("2025-01-01"))
                .size(),
            12U);
}

} // namespace
} // namespace lifeline::catalog::rules
