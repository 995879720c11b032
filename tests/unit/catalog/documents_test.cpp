// Document validation: one case per refusal, each naming its JSON pointer and rule.
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "catalog/documents/document.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog::documents {
namespace {

using catalog::testing::d;
using nlohmann::json;

ProductIndex catalog_products() {
  ProductIndex index;
  auto sql = catalog::testing::sql_server_2005();
  index.emplace(sql.id, sql);
  auto beta = sql;
  beta.id = "sql-server-vnext-beta";
  beta.prerelease = true;
  beta.custom_support.reset();
  index.emplace(beta.id, beta);
  auto extended = sql;
  extended.id = "exchange-server-2010-sp3";
  extended.custom_support.reset();
  index.emplace(extended.id, extended);
  return index;
}

json valid_products() {
  return json::parse(R"({"products": [{
    "id": "sql-server-2005-sp4", "name": "SQL Server 2005", "family": "SQL Server", "version": "9.0",
    "service_pack": "SP4", "latest_service_pack": "SP4", "mainstream_end": "2011-04-12",
    "support_end": "2016-04-12", "custom_support": {"start": "2016-04-13", "end": "2019-04-12"},
    "prerelease": false}]})");
}

json valid_order() {
  return json::parse(R"({
    "customer": {"id": "contoso", "name": "Contoso Ltd"},
    "support": {"level": 1, "start": "2016-01-01", "end": "2017-12-31"},
    "sites": ["paris", "lyon"],
    "contacts": [{"email": "alice@contoso.example", "name": "Alice Martin"}],
    "additional_contacts": 0,
    "enrolments": [{
      "product": "sql-server-2005-sp4", "type": "standard", "start": "2016-10-13",
      "important_addon": false, "languages": ["en-US"], "unenrol_notice": null,
      "migration_plan": {"devices": 120, "quarters": [
        {"start": "2016-10-13", "devices": 120}, {"start": "2017-01-13", "devices": 80}],
        "completion": "2017-07-12"},
      "purchases": []}],
    "hotfix_purchases": ["KB4091664"]})");
}

json valid_manifest() {
  return json::parse(R"({
    "id": "KB4057113", "kind": "security", "title": "Security update for SQL Server 2005 SP4",
    "released": "2018-01-09", "cves": ["CVE-2018-0001"],
    "products": [{"product": "sql-server-2005-sp4", "severity": "critical"}],
    "requires_service_pack": "SP4", "language": "en-US", "supersedes": ["KB4019089"],
    "regression_tested": true})");
}

TEST(Documents, ValidDocumentsParse) {
  const auto products = parse_products(valid_products().dump());
  ASSERT_TRUE(products.value) << describe(products.problems);
  EXPECT_EQ(products.value->at(0).custom_support->start, d("2016-04-13"));
  const auto order = parse_service_order(valid_order().dump(), catalog_products());
  ASSERT_TRUE(order.value) << describe(order.problems);
  EXPECT_EQ(order.value->enrolments.at(0).migration_plan->quarters.size(), 2U);
  const auto update = parse_update_manifest(valid_manifest().dump(), catalog_products());
  ASSERT_TRUE(update.value) << describe(update.problems);
  EXPECT_EQ(update.value->products.at(0).severity, Severity::critical);
}

TEST(Documents, TheServiceOrderExampleOfTheSpecParses) {
  // The example of shared/spec/service-order.md: a Standard enrolment that lists a purchase,
  // which Standard keeps but does not need (it includes Critical updates).
  auto order = valid_order();
  order["support"]["level"] = 2;
  order["enrolments"][0]["purchases"] = json::parse(R"([{"update": "KB4057113", "devices": 10}])");
  const auto parsed = parse_service_order(order.dump(), catalog_products());
  ASSERT_TRUE(parsed.value) << describe(parsed.problems);
  EXPECT_EQ(parsed.value->enrolments[0].purchases[0].devices, 10);
}

enum class Kind { products, order, manifest };

struct Case {
  const char* name;
  Kind kind;
  std::function<void(json&)> mutate;
  const char* pointer;
  const char* rule;
  // Raw text instead of a mutated document, for syntax-level problems.
  const char* raw = nullptr;
};

std::vector<Problem> problems_of(const Case& c) {
  json document = c.kind == Kind::products ? valid_products()
                  : c.kind == Kind::order  ? valid_order()
                                           : valid_manifest();
  if (c.mutate) {
    c.mutate(document);
  }
  const std::string text = c.raw != nullptr ? std::string(c.raw) : document.dump();
  switch (c.kind) {
  case Kind::products:
    return parse_products(text).problems;
  case Kind::order:
    return parse_service_order(text, catalog_products()).problems;
  case Kind::manifest:
    return parse_update_manifest(text, catalog_products()).problems;
  }
  return {};
}

class DocumentRefusal : public ::testing::TestWithParam<Case> {};

TEST_P(DocumentRefusal, NamesThePointerAndTheRule) {
  const auto& c = GetParam();
  const auto problems = problems_of(c);
  ASSERT_FALSE(problems.empty()) << "document was accepted";
  const bool found = std::any_of(problems.begin(), problems.end(),
                                 [&](const Problem& p) { return p.pointer == c.pointer && p.rule == c.rule; });
  EXPECT_TRUE(found) << "expected " << c.pointer << " [" << c.rule << "], got:\n" << describe(problems);
}

std::string name_of(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

void set_plan_quarter(json& doc, const char* start) {
  doc["enrolments"][0]["migration_plan"]["quarters"][1]["start"] = start;
}

const Case k_cases[] = {
    // Syntax and shape, shared by every document.
    {"NotJson", Kind::products, nullptr, "", "format", "{\"products\": ["},
    {"DuplicateKey", Kind::products, nullptr, "", "format", R"({"products": [], "products": []})"},
    {"TooDeep", Kind::products, nullptr, "", "format",
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"},
    {"NotAnObject", Kind::products, nullptr, "", "format", "[]"},
    {"UnknownField", Kind::products, [](json& j) { j["products"][0]["colour"] = "blue"; }, "/products/0/colour",
     "format"},
    {"MissingField", Kind::products, [](json& j) { j["products"][0].erase("support_end"); }, "/products/0/support_end",
     "format"},
    {"WrongType", Kind::products, [](json& j) { j["products"][0]["prerelease"] = "no"; }, "/products/0/prerelease",
     "format"},
    {"BadDate", Kind::products, [](json& j) { j["products"][0]["mainstream_end"] = "2011-02-30"; },
     "/products/0/mainstream_end", "format"},
    {"BadProductId", Kind::products, [](json& j) { j["products"][0]["id"] = "sql server/2005"; }, "/products/0/id",
     "format"},
    {"SupportEndsBeforeMainstream", Kind::products, [](json& j) { j["products"][0]["support_end"] = "2010-01-01"; },
     "/products/0/support_end", "format"},
    {"ProgrammeEndsBeforeItStarts", Kind::products,
     [](json& j) { j["products"][0]["custom_support"]["end"] = "2016-01-01"; }, "/products/0/custom_support/end",
     "format"},
    {"PrereleaseWithProgramme", Kind::products, [](json& j) { j["products"][0]["prerelease"] = true; },
     "/products/0/custom_support", "CS-17"},
    {"DuplicateProduct", Kind::products, [](json& j) { j["products"].push_back(j["products"][0]); }, "/products/1/id",
     "format"},
    {"NoProducts", Kind::products, [](json& j) { j["products"] = json::array(); }, "/products", "format"},
    // Service orders.
    {"UnknownEnrolledProduct", Kind::order, [](json& j) { j["enrolments"][0]["product"] = "windows-98"; },
     "/enrolments/0/product", "CS-2"},
    {"PrereleaseEnrolment", Kind::order, [](json& j) { j["enrolments"][0]["product"] = "sql-server-vnext-beta"; },
     "/enrolments/0/product", "CS-17"},
    {"ProductWithoutProgramme", Kind::order,
     [](json& j) { j["enrolments"][0]["product"] = "exchange-server-2010-sp3"; }, "/enrolments/0/product", "CS-2"},
    {"EnrolmentBeforeProgramme", Kind::order, [](json& j) { j["enrolments"][0]["start"] = "2016-04-12"; },
     "/enrolments/0/start", "CS-2"},
    {"EnrolmentAfterProgramme", Kind::order, [](json& j) { j["enrolments"][0]["start"] = "2019-04-13"; },
     "/enrolments/0/start", "CS-2"},
    {"PlanQuarterNotABoundary", Kind::order, [](json& j) { set_plan_quarter(j, "2017-01-12"); },
     "/enrolments/0/migration_plan/quarters/1/start", "CS-4"},
    {"PlanQuarterOutsideProgramme", Kind::order, [](json& j) { set_plan_quarter(j, "2019-04-13"); },
     "/enrolments/0/migration_plan/quarters/1/start", "CS-4"},
    {"PlanQuartersOutOfOrder", Kind::order, [](json& j) { set_plan_quarter(j, "2016-07-13"); },
     "/enrolments/0/migration_plan/quarters/1/start", "CS-4"},
    {"PlanQuarterOverTotal", Kind::order,
     [](json& j) { j["enrolments"][0]["migration_plan"]["quarters"][1]["devices"] = 121; },
     "/enrolments/0/migration_plan/quarters/1/devices", "CS-5"},
    {"PlanCompletesBeforeEnrolment", Kind::order,
     [](json& j) { j["enrolments"][0]["migration_plan"]["completion"] = "2016-10-12"; },
     "/enrolments/0/migration_plan/completion", "CS-4"},
    {"PlanWithoutCompletion", Kind::order, [](json& j) { j["enrolments"][0]["migration_plan"].erase("completion"); },
     "/enrolments/0/migration_plan/completion", "format"},
    {"TooManyContactsAtLevel1", Kind::order,
     [](json& j) {
       for (int i = 0; i < 6; ++i) {
         j["contacts"].push_back({{"email", "c" + std::to_string(i) + "@contoso.example"}, {"name", "C"}});
       }
     },
     "/contacts", "CS-13"},
    {"TooManyAdditionalContacts", Kind::order, [](json& j) { j["additional_contacts"] = 6; }, "/additional_contacts",
     "CS-13"},
    {"DuplicateContact", Kind::order, [](json& j) { j["contacts"].push_back(j["contacts"][0]); }, "/contacts/1/email",
     "format"},
    {"BadContactEmail", Kind::order, [](json& j) { j["contacts"][0]["email"] = "alice at contoso"; },
     "/contacts/0/email", "format"},
    {"ImportantAddonOnEssentials", Kind::order,
     [](json& j) {
       j["enrolments"][0]["type"] = "essentials";
       j["enrolments"][0]["important_addon"] = true;
     },
     "/enrolments/0/important_addon", "CS-8"},

    {"PurchaseOfNoDevice", Kind::order,
     [](json& j) {
       j["enrolments"][0]["type"] = "essentials";
       j["enrolments"][0]["purchases"] = json::parse(R"([{"update": "KB4057113", "devices": 0}])");
     },
     "/enrolments/0/purchases/0/devices", "format"},
    {"DuplicatePurchase", Kind::order,
     [](json& j) {
       j["enrolments"][0]["type"] = "essentials";
       j["enrolments"][0]["purchases"] =
           json::parse(R"([{"update": "KB4057113", "devices": 1}, {"update": "KB4057113", "devices": 2}])");
     },
     "/enrolments/0/purchases/1/update", "format"},
    {"UnknownEnrolmentType", Kind::order, [](json& j) { j["enrolments"][0]["type"] = "premium"; }, "/enrolments/0/type",
     "CS-8"},
    {"EnrolmentAfterTheContract", Kind::order, [](json& j) { j["support"]["end"] = "2016-10-12"; },
     "/enrolments/0/start", "CS-1"},
    {"PlanWithoutQuarters", Kind::order,
     [](json& j) { j["enrolments"][0]["migration_plan"]["quarters"] = json::array(); },
     "/enrolments/0/migration_plan/quarters", "CS-4"},
    {"SiteWithControlCharacters", Kind::order, [](json& j) { j["sites"][0] = "par\tis"; }, "/sites/0", "format"},
    {"NoSites", Kind::order, [](json& j) { j["sites"] = json::array(); }, "/sites", "CS-6"},
    {"DuplicateSite", Kind::order, [](json& j) { j["sites"].push_back("paris"); }, "/sites/2", "format"},
    {"NoLanguages", Kind::order, [](json& j) { j["enrolments"][0]["languages"] = json::array(); },
     "/enrolments/0/languages", "CS-7"},
    {"BadLanguageTag", Kind::order, [](json& j) { j["enrolments"][0]["languages"][0] = "en_US"; },
     "/enrolments/0/languages/0", "format"},
    {"NoticeBeforeEnrolment", Kind::order, [](json& j) { j["enrolments"][0]["unenrol_notice"] = "2016-10-01"; },
     "/enrolments/0/unenrol_notice", "CS-9"},
    {"SupportLevelOutOfRange", Kind::order, [](json& j) { j["support"]["level"] = 4; }, "/support/level", "format"},
    {"ContractEndsBeforeStart", Kind::order, [](json& j) { j["support"]["end"] = "2015-12-31"; }, "/support/end",
     "CS-1"},
    {"DuplicateEnrolment", Kind::order, [](json& j) { j["enrolments"].push_back(j["enrolments"][0]); },
     "/enrolments/1/product", "format"},
    {"BadHotfixKb", Kind::order, [](json& j) { j["hotfix_purchases"][0] = "4091664"; }, "/hotfix_purchases/0",
     "format"},
    {"MissingCustomer", Kind::order, [](json& j) { j.erase("customer"); }, "/customer", "format"},
    // Update manifests.
    {"UnknownKind", Kind::manifest, [](json& j) { j["kind"] = "feature"; }, "/kind", "format"},
    {"BadKb", Kind::manifest, [](json& j) { j["id"] = "Q4057113"; }, "/id", "format"},
    {"SecurityWithoutRating", Kind::manifest, [](json& j) { j["products"][0].erase("severity"); },
     "/products/0/severity", "CS-8"},
    {"UnknownRating", Kind::manifest, [](json& j) { j["products"][0]["severity"] = "severe"; }, "/products/0/severity",
     "CS-8"},
    {"HotfixWithRating", Kind::manifest, [](json& j) { j["kind"] = "hotfix"; }, "/products/0/severity", "CS-11"},
    {"UnknownUpdateProduct", Kind::manifest, [](json& j) { j["products"][0]["product"] = "windows-98"; },
     "/products/0/product", "CS-2"},
    {"PrereleaseUpdateProduct", Kind::manifest, [](json& j) { j["products"][0]["product"] = "sql-server-vnext-beta"; },
     "/products/0/product", "CS-17"},
    {"SecurityNotRegressionTested", Kind::manifest, [](json& j) { j["regression_tested"] = false; },
     "/regression_tested", "CS-15"},
    {"SupersedesItself", Kind::manifest, [](json& j) { j["supersedes"][0] = "KB4057113"; }, "/supersedes/0", "format"},
    {"BadCve", Kind::manifest, [](json& j) { j["cves"][0] = "CVE-18-1"; }, "/cves/0", "format"},
    {"NoUpdateProducts", Kind::manifest, [](json& j) { j["products"] = json::array(); }, "/products", "format"},
    {"DuplicateUpdateProduct", Kind::manifest, [](json& j) { j["products"].push_back(j["products"][0]); },
     "/products/1/product", "format"},
    {"ControlCharacterInTitle", Kind::manifest, [](json& j) { j["title"] = "line\nbreak"; }, "/title", "format"},
};

INSTANTIATE_TEST_SUITE_P(Each, DocumentRefusal, ::testing::ValuesIn(k_cases), name_of);

TEST(Documents, ContactEmailsAreStoredInLowerCaseAndSitesMayBeNames) {
  auto order = valid_order();
  order["contacts"][0]["email"] = "Alice@Contoso.Example";
  order["sites"][0] = "São Paulo";
  const auto parsed = parse_service_order(order.dump(), catalog_products());
  ASSERT_TRUE(parsed.value) << describe(parsed.problems);
  EXPECT_EQ(parsed.value->contacts[0].email, "alice@contoso.example");
  EXPECT_EQ(parsed.value->sites[0], "São Paulo");
  order["contacts"].push_back({{"email", "ALICE@contoso.example"}, {"name", "Alice again"}});
  EXPECT_FALSE(parse_service_order(order.dump(), catalog_products()).value.has_value());
}

TEST(Documents, InvalidUtf8IsRefused) {
  const std::string text = "{\"products\": [{\"id\": \"a\", \"name\": \"\xff\"}]}";
  const auto parsed = parse_products(text);
  ASSERT_FALSE(parsed.value);
  EXPECT_EQ(parsed.problems.at(0).rule, "format");
}

struct ContactCap {
  int level;
  int additional;
  int allowed;
};

class ContactLimits : public ::testing::TestWithParam<ContactCap> {};

// CS-13: 5/20/30 contacts by level, plus as many additional ones as were bought.
TEST_P(ContactLimits, TheCapIsExactlyTheLevelsNumberPlusTheAdditionalContacts) {
  const auto cap = GetParam();
  auto order = valid_order();
  order["support"]["level"] = cap.level;
  order["additional_contacts"] = cap.additional;
  order["contacts"] = json::array();
  for (int i = 0; i < cap.allowed; ++i) {
    order["contacts"].push_back({{"email", "c" + std::to_string(i) + "@contoso.example"}, {"name", "C"}});
  }
  const auto at_cap = parse_service_order(order.dump(), catalog_products());
  EXPECT_TRUE(at_cap.value) << describe(at_cap.problems);
  order["contacts"].push_back({{"email", "one-more@contoso.example"}, {"name", "C"}});
  const auto over = parse_service_order(order.dump(), catalog_products());
  ASSERT_EQ(over.problems.size(), 1U) << describe(over.problems);
  EXPECT_EQ(over.problems[0].pointer, "/contacts");
  EXPECT_EQ(over.problems[0].rule, "CS-13");
  EXPECT_NE(over.problems[0].message.find("CONTACT_LIMIT_REACHED"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(EachLevel, ContactLimits,
                         ::testing::Values(ContactCap{1, 0, 5}, ContactCap{2, 0, 20}, ContactCap{3, 0, 30},
                                           ContactCap{1, 5, 10}, ContactCap{2, 20, 40}, ContactCap{3, 30, 60},
                                           ContactCap{2, 3, 23}));

TEST(Documents, AdditionalContactsUpToTheLevelsNumberCanBeBought) {
  for (const auto& [level, most] : {std::pair{1, 5}, std::pair{2, 20}, std::pair{3, 30}}) {
    auto order = valid_order();
    order["support"]["level"] = level;
    order["additional_contacts"] = most;
    EXPECT_TRUE(parse_service_order(order.dump(), catalog_products()).value) << level;
    order["additional_contacts"] = most + 1;
    const auto refused = parse_service_order(order.dump(), catalog_products());
    ASSERT_FALSE(refused.value);
    EXPECT_EQ(refused.problems.at(0).pointer, "/additional_contacts");
  }
}

TEST(Documents, NumbersTooLargeToRepresentAreRefusedNotThrown) {
  const auto parsed = parse_products(R"({"products": [{"id": 1e999}]})");
  ASSERT_FALSE(parsed.value);
  EXPECT_EQ(parsed.problems.at(0).rule, "format");
}

TEST(Documents, OversizedDocumentIsRefusedBeforeParsing) {
  const std::string huge(k_max_document_bytes + 1, ' ');
  const auto parsed = parse_products(huge);
  ASSERT_EQ(parsed.problems.size(), 1U);
  EXPECT_NE(parsed.problems[0].message.find("larger than"), std::string::npos);
}

TEST(Documents, EveryProblemIsReportedNotOnlyTheFirst) {
  auto order = valid_order();
  order["sites"] = json::array();
  order["support"]["level"] = 7;
  order["enrolments"][0]["start"] = "2020-01-01";
  EXPECT_GE(parse_service_order(order.dump(), catalog_products()).problems.size(), 3U);
}

TEST(Documents, PointersEscapeSlashAndTilde) {
  auto products = valid_products();
  products["products"][0]["a/b~c"] = 1;
  const auto problems = parse_products(products.dump()).problems;
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].pointer, "/products/0/a~1b~0c");
}

} // namespace
} // namespace lifeline::catalog::documents
