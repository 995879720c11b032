// Registration rules: what refuses a device, and what only warns (CS-3, CS-5, CS-6, CS-7).
#include <gtest/gtest.h>

#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog::rules {
namespace {

using namespace catalog::testing;
using Codes = std::vector<std::string>;

RegistrationFacts registration(const char* at = "2016-11-01", std::int64_t active = 0) {
  return RegistrationFacts{d(at),
                           sql_server_2005(),
                           contoso(),
                           standard_enrolment(),
                           DeviceRegistration{std::nullopt, "contoso", "paris", "sql-server-2005-sp4", "SP4", "en-US"},
                           active};
}

Codes codes_of(const std::vector<Finding>& findings) {
  Codes out;
  for (const auto& finding : findings) {
    out.emplace_back(code(finding.reason));
  }
  return out;
}

TEST(Registration, AllowedBelowTheCap) {
  const auto decision = check_registration(registration("2016-11-01", 119));
  EXPECT_TRUE(decision.allowed);
  EXPECT_TRUE(decision.warnings.empty());
}

TEST(Registration, RefusedAtTheCapOfTheCurrentQuarter) {
  EXPECT_EQ(codes_of(check_registration(registration("2016-11-01", 120)).refusals), Codes{"DEVICE_LIMIT_REACHED"});
  EXPECT_EQ(codes_of(check_registration(registration("2017-01-13", 80)).refusals), Codes{"DEVICE_LIMIT_REACHED"});
  EXPECT_TRUE(check_registration(registration("2017-01-12", 80)).allowed);
}

TEST(Registration, RefusedAtAnUnlistedSite) {
  auto facts = registration();
  facts.request.site = "berlin";
  EXPECT_EQ(codes_of(check_registration(facts).refusals), Codes{"SITE_NOT_LISTED"});
}

TEST(Registration, RefusedWithoutEnrolmentPlanOrContract) {
  auto facts = registration();
  facts.enrolment.reset();
  EXPECT_EQ(codes_of(check_registration(facts).refusals), Codes{"NOT_ENROLLED"});
  facts = registration();
  facts.enrolment->migration_plan.reset();
  EXPECT_EQ(codes_of(check_registration(facts).refusals), Codes{"NO_MIGRATION_PLAN"});
  EXPECT_EQ(codes_of(check_registration(registration("2018-01-01")).refusals),
            (Codes{"CONTRACT_INACTIVE", "MIGRATION_COMPLETE"}));
}

TEST(Registration, OutdatedServicePackAndUncoveredLanguageOnlyWarn) {
  auto facts = registration();
  facts.request.service_pack = "SP3";
  facts.request.language = "fr-FR";
  const auto decision = check_registration(facts);
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(codes_of(decision.warnings), (Codes{"SERVICE_PACK_OUTDATED", "LANGUAGE_NOT_COVERED"}));
}

} // namespace
} // namespace lifeline::catalog::rules
