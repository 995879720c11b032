// One test per reason code and per boundary of the rules; the engine is a pure function.
#include <gtest/gtest.h>

#include "catalog/rules/entitlement.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog::rules {
namespace {

using namespace catalog::testing;
using Codes = std::vector<std::string>;

TEST(Entitlement, CompliantDeviceIsAllowed) {
  const auto decision = decide(device_facts());
  EXPECT_TRUE(decision.allowed);
  EXPECT_TRUE(decision.findings.empty());
  EXPECT_EQ(decision.product, "sql-server-2005-sp4");
  EXPECT_EQ(decision.quarter, 3); // 2017-02-01 is in the fourth programme quarter
}

// CS-1
TEST(Entitlement, ContractInactiveAfterItsLastDay) {
  EXPECT_TRUE(decide(device_facts("2017-07-12")).allowed);
  auto facts = device_facts("2017-02-01");
  facts.customer->contract.end = d("2017-01-31");
  EXPECT_EQ(codes(decide(facts)), Codes{"CONTRACT_INACTIVE"});
  facts.customer->contract.end = d("2017-02-01");
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, ContractInactiveBeforeItStarts) {
  auto facts = device_facts();
  facts.customer->contract.start = d("2017-02-02");
  EXPECT_EQ(codes(decide(facts)), Codes{"CONTRACT_INACTIVE"});
}

// CS-2
TEST(Entitlement, NotEnrolledWithoutAnEnrolment) {
  auto facts = contact_facts();
  facts.enrolment.reset();
  EXPECT_EQ(codes(decide(facts)), Codes{"NOT_ENROLLED"});
}

TEST(Entitlement, NotEnrolledBeforeTheEnrolmentStarts) {
  auto facts = contact_facts("2016-10-12");
  EXPECT_EQ(codes(decide(facts)), Codes{"NOT_ENROLLED"});
  EXPECT_TRUE(decide(contact_facts("2016-10-13")).allowed);
}

TEST(Entitlement, ProgrammeEndedAfterItsLastDay) {
  auto facts = contact_facts("2019-04-12");
  facts.customer->contract.end = d("2020-12-31");
  facts.enrolment->migration_plan->completion = d("2020-12-31");
  EXPECT_TRUE(decide(facts).allowed);
  facts.at = d("2019-04-13");
  EXPECT_EQ(codes(decide(facts)), Codes{"PROGRAMME_ENDED"});
}

// CS-3
TEST(Entitlement, ServicePackOutdated) {
  auto facts = device_facts();
  facts.device->device.service_pack = "SP3";
  EXPECT_EQ(codes(decide(facts)), Codes{"SERVICE_PACK_OUTDATED"});
}

TEST(Entitlement, ServicePackComparisonIgnoresCase) {
  auto facts = device_facts();
  facts.device->device.service_pack = "sp4";
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, UpdatePrerequisiteServicePack) {
  auto facts = device_facts();
  facts.update.requires_service_pack = "SP5";
  EXPECT_EQ(codes(decide(facts)), Codes{"SERVICE_PACK_OUTDATED"});
}

// CS-4
TEST(Entitlement, NoMigrationPlanGivesNoAccess) {
  auto facts = contact_facts();
  facts.enrolment->migration_plan.reset();
  EXPECT_EQ(codes(decide(facts)), Codes{"NO_MIGRATION_PLAN"});
}

TEST(Entitlement, MigrationCompleteTheDayAfterCompletion) {
  EXPECT_TRUE(decide(device_facts("2017-07-12")).allowed);
  EXPECT_EQ(codes(decide(device_facts("2017-07-13"))), Codes{"MIGRATION_COMPLETE"});
}

// CS-5
TEST(Entitlement, DeviceLimitReachedWhenTheQuarterLowersTheCap) {
  auto facts = device_facts("2017-01-12");
  facts.device->active_ahead = 80; // the 81st device in registration order
  EXPECT_TRUE(decide(facts).allowed);
  facts.at = d("2017-01-13"); // first day of the quarter that allows 80
  EXPECT_EQ(codes(decide(facts)), Codes{"DEVICE_LIMIT_REACHED"});
  facts.device->active_ahead = 79;
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, DeviceRetiredFromItsRetirementDay) {
  auto facts = device_facts("2017-02-01");
  facts.device->device.retired = d("2017-02-02");
  EXPECT_TRUE(decide(facts).allowed);
  facts.device->device.retired = d("2017-02-01");
  EXPECT_EQ(codes(decide(facts)), Codes{"DEVICE_RETIRED"});
}

TEST(Entitlement, DeviceNotRegisteredBeforeItsRegistration) {
  auto facts = device_facts("2016-10-31");
  EXPECT_EQ(codes(decide(facts)), Codes{"DEVICE_NOT_REGISTERED"});
}

// CS-6
TEST(Entitlement, SiteNotListed) {
  auto facts = device_facts();
  facts.device->device.site = "berlin";
  EXPECT_EQ(codes(decide(facts)), Codes{"SITE_NOT_LISTED"});
}

// CS-7
TEST(Entitlement, LanguageNotCoveredUnlessTheOrderListsIt) {
  auto facts = device_facts();
  facts.device->device.language = "fr-FR";
  facts.update.language.reset(); // language-neutral update
  EXPECT_EQ(codes(decide(facts)), Codes{"LANGUAGE_NOT_COVERED"});
  facts.enrolment->languages = {"en-US", "fr-FR"};
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, ContactAskingForAnUncoveredLanguageVersion) {
  auto facts = contact_facts();
  facts.update.language = "de-DE";
  EXPECT_EQ(codes(decide(facts)), Codes{"LANGUAGE_NOT_COVERED"});
}

TEST(Entitlement, UpdateForAnotherLanguageIsNotApplicable) {
  auto facts = device_facts();
  facts.update.language = "de-DE";
  EXPECT_EQ(codes(decide(facts)), Codes{"UPDATE_NOT_APPLICABLE"});
}

// CS-8
TEST(Entitlement, StandardBefore2010IncludesImportant) {
  auto facts = device_facts();
  facts.product.support_end = d("2009-12-31");
  facts.update.products[0].severity = Severity::important;
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, StandardFrom2010NeedsTheImportantAddon) {
  auto facts = device_facts();
  facts.product.support_end = d("2010-01-01"); // "on or after 1 January 2010"
  facts.update.products[0].severity = Severity::important;
  EXPECT_EQ(codes(decide(facts)), Codes{"IMPORTANT_ADDON_REQUIRED"});
  facts.enrolment->important_addon = true;
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, StandardAlwaysIncludesCritical) {
  auto facts = device_facts();
  facts.product.support_end = d("2010-01-01");
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, ModerateAndLowAreNeverCovered) {
  for (const auto severity : {Severity::moderate, Severity::low}) {
    auto facts = device_facts();
    facts.product.support_end = d("2009-06-30");
    facts.update.products[0].severity = severity;
    EXPECT_EQ(codes(decide(facts)), Codes{"SEVERITY_NOT_COVERED"});
  }
}

TEST(Entitlement, TheRatingThatCountsIsTheOneForTheDevicesProduct) {
  auto facts = device_facts();
  facts.update.products = {ProductRating{"windows-server-2003-sp2", Severity::critical},
                           ProductRating{"sql-server-2005-sp4", Severity::moderate}};
  EXPECT_EQ(codes(decide(facts)), Codes{"SEVERITY_NOT_COVERED"});
}

TEST(Entitlement, UpdateWithoutARatingForTheProductIsNotApplicable) {
  auto facts = device_facts();
  facts.update.products = {ProductRating{"windows-server-2003-sp2", Severity::critical}};
  EXPECT_EQ(codes(decide(facts)), Codes{"UPDATE_NOT_APPLICABLE"});
}

rules::CheckFacts essentials(std::int64_t bought, std::int64_t consumed, bool taken) {
  auto facts = device_facts();
  facts.enrolment->type = EnrolmentType::essentials;
  facts.purchase = PurchaseFacts{bought, consumed, taken};
  return facts;
}

TEST(Entitlement, EssentialsCriticalNeedsAPurchase) {
  EXPECT_EQ(codes(decide(essentials(0, 0, false))), Codes{"PURCHASE_REQUIRED"});
  EXPECT_TRUE(decide(essentials(10, 9, false)).allowed);
}

TEST(Entitlement, EssentialsPurchaseExhaustedWhenEveryBoughtDeviceIsConsumed) {
  EXPECT_EQ(codes(decide(essentials(10, 10, false))), Codes{"PURCHASE_EXHAUSTED"});
}

TEST(Entitlement, EssentialsDeviceThatTookTheUpdateKeepsIt) {
  EXPECT_TRUE(decide(essentials(10, 10, true)).allowed);
}

TEST(Entitlement, EssentialsCannotBuyImportant) {
  auto facts = essentials(10, 0, false);
  facts.update.products[0].severity = Severity::important;
  EXPECT_EQ(codes(decide(facts)), Codes{"SEVERITY_NOT_COVERED"});
}

TEST(Entitlement, EssentialsContactMayPullABoughtUpdate) {
  auto facts = essentials(2, 2, false);
  facts.device.reset();
  facts.contact = ContactFacts{"alice@contoso.example", true};
  EXPECT_TRUE(decide(facts).allowed);
}

// CS-11
rules::CheckFacts hotfix_after_support_end() {
  auto facts = device_facts();
  facts.update.id = "KB4091664";
  facts.update.kind = UpdateKind::hotfix;
  facts.update.products = {ProductRating{"sql-server-2005-sp4", std::nullopt}};
  return facts;
}

TEST(Entitlement, HotfixAfterSupportEndNeedsItsPurchase) {
  auto facts = hotfix_after_support_end();
  EXPECT_TRUE(decide(facts).allowed);
  EXPECT_EQ(decide(facts).path, Path::custom_support);
  facts.customer->hotfix_purchases.clear();
  EXPECT_EQ(codes(decide(facts)), Codes{"HOTFIX_NOT_PURCHASED"});
}

TEST(Entitlement, HotfixAfterSupportEndStillNeedsEveryCustomSupportCondition) {
  auto facts = hotfix_after_support_end();
  facts.enrolment->migration_plan.reset();
  EXPECT_EQ(codes(decide(facts)), Codes{"NO_MIGRATION_PLAN"});
}

// CS-13
TEST(Entitlement, ContactNotDesignated) {
  auto facts = contact_facts();
  facts.contact->designated = false;
  facts.customer.reset();
  facts.enrolment.reset();
  const auto decision = decide(facts);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(codes(decision), Codes{"CONTACT_NOT_DESIGNATED"});
}

// CS-15
rules::CheckFacts extended_hotfix(const char* at = "2016-11-01") {
  rules::CheckFacts facts;
  facts.at = d(at);
  facts.product = Product{"exchange-server-2010-sp3",
                          "Exchange Server 2010",
                          "Exchange Server",
                          "2010",
                          "SP3",
                          "SP3",
                          d("2015-01-13"),
                          d("2020-10-13"),
                          Programme{d("2020-10-14"), d("2023-10-13")},
                          false};
  facts.update.id = "KB3210001";
  facts.update.kind = UpdateKind::hotfix;
  facts.update.released = d("2016-11-08");
  facts.update.regression_tested = false;
  facts.update.products = {ProductRating{"exchange-server-2010-sp3", std::nullopt}};
  facts.customer = contoso(2);
  facts.customer->contract = Contract{2, d("2014-01-01"), d("2021-12-31")};
  facts.contact = ContactFacts{"alice@contoso.example", true};
  return facts;
}

TEST(Entitlement, ExtendedHotfixNeedsNoEnrolmentAndIsLabelled) {
  const auto decision = decide(extended_hotfix());
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.path, Path::extended_hotfix_support);
  EXPECT_TRUE(decision.not_regression_tested);
}

TEST(Entitlement, ExtendedHotfixIsLabelledEvenWhenTheManifestForgets) {
  auto facts = extended_hotfix();
  facts.update.regression_tested = true;
  EXPECT_TRUE(decide(facts).not_regression_tested);
  EXPECT_FALSE(decide(hotfix_after_support_end()).not_regression_tested);
}

TEST(Entitlement, ProgrammeQuarterIsReportedOnlyInsideTheProgramme) {
  EXPECT_EQ(decide(device_facts("2019-04-12")).quarter, 11);
  EXPECT_FALSE(decide(device_facts("2019-04-13")).quarter.has_value());
  EXPECT_FALSE(decide(device_facts("2016-04-12")).quarter.has_value());
}

TEST(Entitlement, ExtendedHotfixNeedsLevelTwoOrThree) {
  auto facts = extended_hotfix();
  facts.customer->contract.level = 1;
  EXPECT_EQ(codes(decide(facts)), Codes{"SUPPORT_LEVEL_TOO_LOW"});
  facts.customer->contract.level = 3;
  EXPECT_TRUE(decide(facts).allowed);
}

TEST(Entitlement, ExtendedHotfixOnlyForTheListedFamilies) {
  auto facts = extended_hotfix();
  facts.product.family = "Visual Studio";
  EXPECT_EQ(codes(decide(facts)), Codes{"FAMILY_NOT_ELIGIBLE"});
}

TEST(Entitlement, ExtendedHotfixOnlyBetweenMainstreamAndExtendedEnd) {
  EXPECT_EQ(codes(decide(extended_hotfix("2015-01-13"))), Codes{"NOT_IN_EXTENDED_SUPPORT"});
  EXPECT_TRUE(decide(extended_hotfix("2015-01-14")).allowed);
  EXPECT_TRUE(decide(extended_hotfix("2020-10-13")).allowed);
}

TEST(Entitlement, ExtendedHotfixStillNeedsAnActiveContract) {
  auto facts = extended_hotfix("2018-06-01");
  facts.customer->contract.end = d("2018-05-31");
  EXPECT_EQ(codes(decide(facts)), Codes{"CONTRACT_INACTIVE"});
}

TEST(Entitlement, EligibleFamiliesFollowTheTerms) {
  for (const char* family :
       {"Office", "Dynamics AX", "Dynamics CRM", "BizTalk Server", "Exchange Server", "SQL Server", "System Center",
        "Windows Server", "Windows client", "Windows Embedded", "Microsoft SQL Server"}) {
    EXPECT_TRUE(family_eligible_for_extended_hotfix(family)) << family;
  }
  for (const char* family : {"Dynamics NAV", "Visual Studio", "SharePoint Server", "Dynamics"}) {
    EXPECT_FALSE(family_eligible_for_extended_hotfix(family)) << family;
  }
}

// CS-17
TEST(Entitlement, PrereleaseProductsAreNeverServed) {
  auto facts = device_facts();
  facts.product.prerelease = true;
  EXPECT_EQ(codes(decide(facts)), Codes{"PRERELEASE_PRODUCT"});
}

// "all the reason codes that apply, not only the first one found"
TEST(Entitlement, EveryApplicableReasonIsListedInRuleOrder) {
  auto facts = device_facts("2017-07-13");
  facts.customer->contract.end = d("2017-06-30");
  facts.device->device.site = "berlin";
  facts.device->device.language = "fr-FR";
  facts.device->device.service_pack = "SP3";
  facts.update.language.reset();
  facts.update.requires_service_pack.reset();
  facts.update.products[0].severity = Severity::important;
  EXPECT_EQ(codes(decide(facts)), (Codes{"CONTRACT_INACTIVE", "SERVICE_PACK_OUTDATED", "MIGRATION_COMPLETE",
                                         "SITE_NOT_LISTED", "LANGUAGE_NOT_COVERED", "IMPORTANT_ADDON_REQUIRED"}));
}

TEST(Entitlement, UnenrolmentEndsTheEnrolmentAtTheBillingDate) {
  auto facts = device_facts("2017-01-12");
  facts.enrolment->unenrol_notice = d("2016-12-30");
  EXPECT_TRUE(decide(facts).allowed);
  facts.at = d("2017-01-13");
  EXPECT_EQ(codes(decide(facts)), Codes{"ENROLMENT_ENDED"});
}

TEST(Entitlement, LateUnenrolmentNoticeEndsOneQuarterLater) {
  auto facts = device_facts("2017-04-12");
  facts.enrolment->unenrol_notice = d("2016-12-31");
  EXPECT_TRUE(decide(facts).allowed);
  facts.at = d("2017-04-13");
  EXPECT_EQ(codes(decide(facts)), Codes{"ENROLMENT_ENDED"});
}

TEST(ContactDecision, AllowedWhenAnyProductOfTheUpdateAllows) {
  auto enrolled = contact_facts();
  auto other = contact_facts();
  other.product.id = "windows-server-2003-sp2";
  other.enrolment.reset();
  enrolled.update.products = {ProductRating{"windows-server-2003-sp2", Severity::critical},
                              ProductRating{"sql-server-2005-sp4", Severity::critical}};
  other.update = enrolled.update;
  const auto decision = decide_for_contact({other, enrolled});
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.product, "sql-server-2005-sp4");
}

TEST(ContactDecision, ReportsTheReasonsOfTheEnrolledProducts) {
  auto enrolled = contact_facts();
  enrolled.update.products[0].severity = Severity::low;
  auto other = enrolled;
  other.product.id = "windows-server-2003-sp2";
  other.enrolment.reset();
  EXPECT_EQ(codes(decide_for_contact({other, enrolled})), Codes{"SEVERITY_NOT_COVERED"});
}

} // namespace
} // namespace lifeline::catalog::rules
