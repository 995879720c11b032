// CSAF 2.0 documents: the real ones in ../shared/advisories/csaf read in place, and hostile ones
// built here.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "advisories/advisory.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::advisories {
namespace {

using nlohmann::json;

std::string shared_csaf(const std::string& name) {
  return testing::read_text(testing::shared_dir() / "advisories" / "csaf" / name);
}

Advisory parse_ok(const std::string& bytes) {
  auto parsed = parse_csaf(bytes);
  EXPECT_TRUE(parsed.problems.empty()) << (parsed.problems.empty()
                                               ? std::string()
                                               : parsed.problems[0].location + ": " + parsed.problems[0].message);
  return parsed.advisory ? *parsed.advisory : Advisory{};
}

const AdvisoryFix* fix_for(const Advisory& advisory, const std::string& kb) {
  const auto found =
      std::find_if(advisory.fixes.begin(), advisory.fixes.end(), [&kb](const auto& fix) { return fix.kb == kb; });
  return found == advisory.fixes.end() ? nullptr : &*found;
}

bool has_note(const Advisory& advisory, const std::string& part) {
  return std::any_of(advisory.notes.begin(), advisory.notes.end(),
                     [&part](const auto& note) { return note.find(part) != std::string::npos; });
}

using Strings = std::vector<std::string>;

TEST(AdvisoryFormat, AJsonArrayIsNotAnAdvisory) {
  const auto parsed = parse_advisory("[]");
  EXPECT_FALSE(parsed.advisory);
  ASSERT_EQ(parsed.problems.size(), 1U);
}

TEST(CsafShared, EveryDocumentParsesQuickly) {
  std::size_t documents = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::shared_dir() / "advisories" / "csaf")) {
    const auto bytes = testing::read_text(entry.path());
    const auto start = std::chrono::steady_clock::now();
    const auto parsed = parse_csaf(bytes);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(parsed.advisory) << entry.path() << ": " << parsed.problems.at(0).location << ": "
                                 << parsed.problems.at(0).message;
    EXPECT_EQ(parsed.advisory->format, Format::csaf);
    EXPECT_FALSE(parsed.advisory->products.empty()) << entry.path();
    EXPECT_LT(took, std::chrono::milliseconds(250)) << entry.path();
    ++documents;
  }
  EXPECT_EQ(documents, 10U);
}

TEST(CsafShared, MsrcKbFromTheSupportUrlAndSeverityFromTheMsrcAggregate) {
  const auto advisory = parse_ok(shared_csaf("msrc_cve-2025-49704.json"));
  EXPECT_EQ(advisory.publisher, "https://msrc.microsoft.com");
  EXPECT_EQ(advisory.id, "msrc_CVE-2025-49704");
  EXPECT_EQ(advisory.revision, "1");
  EXPECT_EQ(advisory.title, "Microsoft SharePoint Remote Code Execution Vulnerability");
  EXPECT_EQ(advisory.initial_release.to_string(), "2025-07-08");
  EXPECT_EQ(advisory.current_release.to_string(), "2025-07-08");
  ASSERT_EQ(advisory.products.size(), 4U);
  EXPECT_EQ(advisory.products[0].id, "2");
  EXPECT_EQ(advisory.products[0].name, "Microsoft SharePoint Enterprise Server 2016 <16.0.5508.1000");
  EXPECT_EQ(advisory.products[1].id, "10950");
  ASSERT_EQ(advisory.fixes.size(), 2U);
  EXPECT_EQ(advisory.fixes[0].kb, "KB5002741"); // sorted by KB
  const auto* fix = fix_for(advisory, "KB5002744");
  ASSERT_NE(fix, nullptr);
  EXPECT_EQ(fix->sub_type, "Security Update");
  EXPECT_EQ(fix->cves, Strings{"CVE-2025-49704"});
  // MSRC lists the vulnerable version range (document-local id "2") as what the KB fixes.
  EXPECT_EQ(fix->fixed_products, Strings{"2"});
  EXPECT_EQ(fix->affected_products, (Strings{"1", "2"}));
  ASSERT_EQ(fix->severity.size(), 1U);
  EXPECT_EQ(fix->severity.at("2"), catalog::Severity::critical);
  EXPECT_TRUE(fix->supersedes.empty());
  EXPECT_EQ(fix_for(advisory, "KB5002741")->fixed_products, Strings{"1"});
}

TEST(CsafShared, MsrcImportantForEveryKb) {
  const auto advisory = parse_ok(shared_csaf("msrc_cve-2025-49701.json"));
  ASSERT_EQ(advisory.fixes.size(), 3U);
  EXPECT_EQ(fix_for(advisory, "KB5002751")->fixed_products, Strings{"1"});
  EXPECT_EQ(fix_for(advisory, "KB5002744")->fixed_products, Strings{"3"});
  for (const auto& fix : advisory.fixes) {
    EXPECT_EQ(fix.severity.at(fix.fixed_products.at(0)), catalog::Severity::important) << fix.kb;
  }
}

TEST(CsafShared, RedHatDefinesProductsByRelationshipsAndHasNoKb) {
  const auto advisory = parse_ok(shared_csaf("rhsa-2021_5186.json"));
  EXPECT_EQ(advisory.id, "RHSA-2021:5186");
  EXPECT_EQ(advisory.publisher, "https://www.redhat.com");
  EXPECT_EQ(advisory.initial_release.to_string(), "2021-12-16");
  EXPECT_EQ(advisory.products.size(), 7U); // 4 in branches, 3 relationships
  EXPECT_TRUE(std::any_of(advisory.products.begin(), advisory.products.end(), [](const auto& product) {
    return product.id == "8Base-RHOSE-4.6:openshift4/ose-metering-hive:v4.6.0-202112160147.p0.gf139e12.assembly.stream";
  }));
  EXPECT_TRUE(advisory.fixes.empty());
  EXPECT_TRUE(has_note(advisory, "/vulnerabilities/0/remediations/0: vendor_fix without a KB number"));
  EXPECT_TRUE(has_note(advisory, "is not in the MSRC rating namespace"));
}

TEST(CsafShared, CisaHasOnlyCvssWhichIsNotASeverity) {
  const auto advisory = parse_ok(shared_csaf("icsma-17-215-01.json"));
  EXPECT_TRUE(advisory.fixes.empty());
  EXPECT_TRUE(has_note(advisory, "CVSS severities are not the MSRC scale"));
}

TEST(CsafShared, VexAndCiscoAndBsiParse) {
  const auto vex = parse_ok(shared_csaf("sec-vex-2022-0001.json"));
  EXPECT_EQ(vex.id, "SEC-VEX-2022-0001");
  ASSERT_EQ(vex.products.size(), 1U);
  EXPECT_EQ(vex.products[0].id, "CSAFPID-0001");
  EXPECT_TRUE(vex.fixes.empty());
  const auto cisco = parse_ok(shared_csaf("cisco-sa-20180328-smi2.json"));
  EXPECT_EQ(cisco.revision, "3.0.0");
  EXPECT_EQ(cisco.products.size(), 259U);
  const auto bsi = parse_ok(shared_csaf("bsi-2022-0001.json"));
  EXPECT_EQ(bsi.current_release.to_string(), "2022-03-17");
  EXPECT_TRUE(has_note(bsi, "none given"));
}

// A small valid document: two products, a group of both, one KB fix for the group.
json minimal() {
  return json::parse(R"({
    "document": {
      "category": "csaf_security_advisory", "csaf_version": "2.0", "title": "Example advisory",
      "publisher": {"category": "vendor", "name": "Example", "namespace": "https://example.com"},
      "tracking": {"id": "EX-1", "status": "final", "version": "2",
        "initial_release_date": "2024-01-09T08:00:00Z", "current_release_date": "2024-02-13T08:00:00+01:00",
        "revision_history": [{"number": "1", "date": "2024-01-09T08:00:00Z", "summary": "Initial"},
                             {"number": "2", "date": "2024-02-13T08:00:00Z", "summary": "Fix"}]}},
    "product_tree": {
      "branches": [{"category": "vendor", "name": "Example", "branches": [
        {"category": "product_name", "name": "Server",
         "product": {"product_id": "P1", "name": "Example Server 2019"}}]}],
      "full_product_names": [{"product_id": "P2", "name": "Example Server 2022"}],
      "product_groups": [{"group_id": "G1", "product_ids": ["P1", "P2"]}]},
    "vulnerabilities": [{
      "cve": "CVE-2024-0001",
      "product_status": {"known_affected": ["P1", "P2"]},
      "remediations": [{"category": "vendor_fix", "details": "Install KB5034439.", "group_ids": ["G1"]}],
      "threats": [{"category": "impact", "details": "important", "product_ids": ["P2"]}]}]
  })");
}

// The one problem a document is refused with.
Problem refusal(const std::string& bytes) {
  const auto parsed = parse_csaf(bytes);
  EXPECT_FALSE(parsed.advisory);
  EXPECT_FALSE(parsed.problems.empty());
  return parsed.problems.empty() ? Problem{} : parsed.problems[0];
}

Problem refusal_of(const json& document) {
  return refusal(document.dump());
}

TEST(CsafSynthetic, GroupsExpandAndThreatSeverityScopesToItsProducts) {
  auto document = minimal();
  const auto advisory = parse_ok(document.dump());
  EXPECT_EQ(advisory.current_release.to_string(), "2024-02-13");
  ASSERT_EQ(advisory.fixes.size(), 1U);
  const auto& fix = advisory.fixes[0];
  EXPECT_EQ(fix.kb, "KB5034439");
  EXPECT_EQ(fix.sub_type, "");
  EXPECT_EQ(fix.fixed_products, (Strings{"P1", "P2"}));
  EXPECT_EQ(fix.severity.size(), 1U);
  EXPECT_EQ(fix.severity.at("P2"), catalog::Severity::important);
  EXPECT_TRUE(has_note(advisory, "KB5034439: no severity on the MSRC scale for product(s) P1"));
}

TEST(CsafSynthetic, OneKbAcrossVulnerabilitiesKeepsTheHighestSeverity) {
  auto document = minimal();
  auto second = document["vulnerabilities"][0];
  second["cve"] = "CVE-2024-0002";
  second["threats"] = json::array({{{"category", "impact"}, {"details", "Critical"}}});
  second["product_status"] = {{"last_affected", json::array({"P1"})}};
  document["vulnerabilities"].push_back(second);
  const auto advisory = parse_ok(document.dump());
  ASSERT_EQ(advisory.fixes.size(), 1U);
  EXPECT_EQ(advisory.fixes[0].cves, (Strings{"CVE-2024-0001", "CVE-2024-0002"}));
  EXPECT_EQ(advisory.fixes[0].severity.at("P1"), catalog::Severity::critical);
  EXPECT_EQ(advisory.fixes[0].severity.at("P2"), catalog::Severity::critical);
}

TEST(CsafSynthetic, InformationalAdvisoryWithoutVulnerabilitiesIsValid) {
  auto document = minimal();
  document.erase("vulnerabilities");
  document["document"]["category"] = "csaf_informational_advisory";
  const auto advisory = parse_ok(document.dump());
  EXPECT_TRUE(advisory.fixes.empty());
  EXPECT_EQ(advisory.products.size(), 2U);
}

TEST(CsafSynthetic, ByteOrderMarkAndNonAsciiTextAreFine) {
  auto document = minimal();
  document["document"]["title"] = "Schwachstelle in Gerät “Süd”";
  const auto advisory = parse_ok("\xEF\xBB\xBF" + document.dump());
  EXPECT_EQ(advisory.title, "Schwachstelle in Gerät “Süd”");
}

TEST(CsafHostile, DuplicateKey) {
  const auto problem = refusal(R"({"document": {"title": "a", "title": "b"}})");
  EXPECT_EQ(problem.location, "/");
  EXPECT_NE(problem.message.find(R"(duplicate key "title" at /document/title)"), std::string::npos) << problem.message;
}

TEST(CsafHostile, InvalidUtf8) {
  auto text = minimal().dump();
  text.replace(text.find("Example advisory"), 7, "Ex\xC3\x28mpl");
  const auto problem = refusal(text);
  EXPECT_NE(problem.message.find("UTF-8"), std::string::npos) << problem.message;
  EXPECT_NE(problem.message.find("byte "), std::string::npos) << problem.message;
}

TEST(CsafHostile, TenThousandLevelsDeep) {
  const auto problem = refusal(R"({"document": )" + std::string(10000, '[') + std::string(10000, ']') + "}");
  EXPECT_NE(problem.message.find("nesting deeper than 64 levels at /document/0/0/"), std::string::npos)
      << problem.message.substr(0, 200);
}

TEST(CsafHostile, Oversize) {
  const auto problem = refusal(std::string(k_max_document_bytes + 1, ' '));
  EXPECT_EQ(problem.location, "/");
  EXPECT_NE(problem.message.find("at most 33554432"), std::string::npos) << problem.message;
}

TEST(CsafHostile, TopLevelArray) {
  const auto problem = refusal("[{}]");
  EXPECT_EQ(problem.location, "/");
  EXPECT_EQ(problem.message, "a CSAF document is a JSON object, found array");
}

TEST(CsafHostile, WrongCsafVersion) {
  auto document = minimal();
  document["document"]["csaf_version"] = "1.2";
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/document/csaf_version");
  EXPECT_EQ(problem.message, R"("1.2" is not one of 2.0)");
}

TEST(CsafHostile, MissingTrackingId) {
  auto document = minimal();
  document["document"]["tracking"].erase("id");
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/document/tracking");
  EXPECT_EQ(problem.message, R"(required member "id" is missing)");
}

TEST(CsafHostile, NumberWhereAStringIsRequired) {
  auto document = minimal();
  document["document"]["tracking"]["revision_history"][1]["number"] = 2;
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/document/tracking/revision_history/1/number");
  EXPECT_EQ(problem.message, "expected a string, found number");
}

TEST(CsafHostile, UnknownMemberIsNamedWithAnEscapedPointer) {
  auto document = minimal();
  document["document"]["publisher"]["a/b~c"] = "x";
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/document/publisher/a~1b~0c");
  EXPECT_EQ(problem.message, R"(member "a/b~c" is not in the CSAF 2.0 schema here)");
}

TEST(CsafHostile, DanglingProductIdInProductStatus) {
  auto document = minimal();
  document["vulnerabilities"][0]["product_status"]["fixed"] = json::array({"CSAFPID-9"});
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/vulnerabilities/0/product_status/fixed/0");
  EXPECT_EQ(problem.message, R"(product id "CSAFPID-9" is not defined in /product_tree (CSAF 6.1.1))");
}

TEST(CsafHostile, DanglingProductIdInRemediation) {
  auto document = minimal();
  document["vulnerabilities"][0]["remediations"][0]["product_ids"] = json::array({"P1", "P3"});
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/vulnerabilities/0/remediations/0/product_ids/1");
  EXPECT_EQ(problem.message, R"(product id "P3" is not defined in /product_tree (CSAF 6.1.1))");
}

TEST(CsafHostile, DanglingGroupId) {
  auto document = minimal();
  document["vulnerabilities"][0]["remediations"][0]["group_ids"] = json::array({"G2"});
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/vulnerabilities/0/remediations/0/group_ids/0");
  EXPECT_NE(problem.message.find("CSAF 6.1.4"), std::string::npos);
}

TEST(CsafHostile, ProductIdDefinedInBranchesAndFullProductNames) {
  auto document = minimal();
  document["product_tree"]["full_product_names"][0]["product_id"] = "P1";
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/product_tree/full_product_names/0/product_id");
  EXPECT_EQ(problem.message,
            R"(product id "P1" is already defined at /product_tree/branches/0/branches/0/product/product_id)"
            " (CSAF 6.1.2)");
}

TEST(CsafHostile, BadCve) {
  auto document = minimal();
  document["vulnerabilities"][0]["cve"] = "CVE-24-1";
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/vulnerabilities/0/cve");
  EXPECT_EQ(problem.message, R"("CVE-24-1" is not a CVE id (CVE-YYYY-NNNN))");
}

TEST(CsafHostile, BadDate) {
  auto document = minimal();
  document["document"]["tracking"]["initial_release_date"] = "2024-02-30T08:00:00Z";
  const auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/document/tracking/initial_release_date");
  EXPECT_NE(problem.message.find("is not an RFC 3339 date-time"), std::string::npos);
}

TEST(CsafHostile, BadVersionAndBranchShape) {
  auto document = minimal();
  document["document"]["tracking"]["version"] = "01";
  document["product_tree"]["branches"][0]["product"] = {{"product_id", "P9"}, {"name", "Both"}};
  const auto parsed = parse_csaf(document.dump());
  ASSERT_EQ(parsed.problems.size(), 2U);
  EXPECT_EQ(parsed.problems[0].location, "/document/tracking/version");
  EXPECT_EQ(parsed.problems[1].location, "/product_tree/branches/0");
}

TEST(CsafHostile, SemanticVersionsAreVersions) {
  for (const auto* version : {"1.0.0", "3.0.0-rc.1+build.5", "0.9.12"}) {
    auto document = minimal();
    document["document"]["tracking"]["version"] = version;
    EXPECT_TRUE(parse_csaf(document.dump()).advisory) << version;
  }
  for (const auto* version : {"1.0", "1.0.0-", "1.0.0-01", "1.0.0+", "v1"}) {
    auto document = minimal();
    document["document"]["tracking"]["version"] = version;
    EXPECT_FALSE(parse_csaf(document.dump()).advisory) << version;
  }
}

// No byte a terminal would take as a control (C0, DEL, the C1 controls in UTF-8).
bool terminal_safe(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f ||
        (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f)) {
      return false;
    }
  }
  return true;
}

TEST(CsafHostile, FixProductPairsHaveABudget) {
  // 10,000 affected products and 60 KBs: 600,000 (KB, affected product) pairs in a small file.
  auto document = minimal();
  auto& names = document["product_tree"]["full_product_names"];
  auto affected = json::array();
  for (int i = 0; i < 10000; ++i) {
    names.push_back({{"product_id", "X" + std::to_string(i)}, {"name", "X " + std::to_string(i)}});
    affected.push_back("X" + std::to_string(i));
  }
  auto& vulnerability = document["vulnerabilities"][0];
  vulnerability["product_status"] = {{"known_affected", affected}};
  auto remediations = json::array();
  for (int kb = 0; kb < 60; ++kb) {
    remediations.push_back({{"category", "vendor_fix"},
                            {"details", "KB" + std::to_string(5000000 + kb)},
                            {"product_ids", json::array({"P1"})}});
  }
  vulnerability["remediations"] = remediations;
  const auto start = std::chrono::steady_clock::now();
  const auto problem = refusal_of(document);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(problem.location, "/vulnerabilities/0/remediations/49");
  EXPECT_EQ(problem.message,
            "the fixes relate more than 500000 (KB, product) pairs; real documents relate a few thousand");
  // Within the budget the same shape reads.
  auto& kept = vulnerability["remediations"];
  kept.erase(kept.begin() + 40, kept.end());
  EXPECT_EQ(parse_ok(document.dump()).fixes.size(), 40U);
}

TEST(CsafLenient, SchemaMemberAndWhatLifelineDoesNotReadAreNotRefused) {
  auto document = minimal();
  document["$schema"] = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json";
  document["document"]["notes"] = json::array({{{"category", "summary"}, {"text", "x"}, {"vendor_extra", 1}}});
  document["document"]["references"] = json::array({{{"url", "not a url"}, {"summary", "s"}, {"x-internal", true}}});
  document["document"]["acknowledgments"] = json::array();
  document["document"]["distribution"] = {{"tlp", {{"label", "WHITE"}, {"url", "x"}}}, {"extra", "y"}};
  document["document"]["lang"] = "";
  document["document"]["tracking"]["aliases"] = json::array();
  document["document"]["tracking"]["generator"] = {{"date", "2024-01-09T08:00:00+0000"}, {"engine", "e"}};
  document["document"]["tracking"]["revision_history"][0]["date"] = "2024-01-09T08:00:00+0000";
  document["document"]["tracking"]["revision_history"][0]["number"] = "1.0";
  document["document"]["tracking"]["revision_history"][0]["extra"] = "x";
  document["product_tree"]["product_groups"][0]["summary"] = "";
  document["product_tree"]["full_product_names"][0]["product_identification_helper"] = {{"cpe", "c"}, {"x", 1}};
  auto& vulnerability = document["vulnerabilities"][0];
  vulnerability["release_date"] = "2024-01-09T08:00:00+0000";
  vulnerability["discovery_date"] = "2024-01-09";
  vulnerability["title"] = "";
  vulnerability["notes"] = json::array();
  vulnerability["remediations"][0]["date"] = "2024-01-09 08:00";
  vulnerability["threats"][0]["date"] = "2024-01-09T08:00:00+0000";
  vulnerability["flags"] = json::array(
      {{{"label", "some_future_label"}, {"product_ids", json::array({"P1"})}, {"date", "yesterday"}, {"extra", 1}}});
  vulnerability["scores"] =
      json::array({{{"products", json::array({"P1"})},
                    {"cvss_v3", {{"version", "3.1"}, {"baseScore", 7.5}, {"baseSeverity", 7}, {"vendor", "x"}}},
                    {"cvss_v4", {{"version", "4.0"}}}}});
  const auto advisory = parse_ok(document.dump());
  ASSERT_EQ(advisory.fixes.size(), 1U);
  EXPECT_EQ(advisory.fixes[0].kb, "KB5034439");
}

TEST(CsafLenient, StillStrictOnWhatIsReadAndOnMandatoryMembers) {
  auto document = minimal();
  document["vulnerabilities"][0]["remediations"][0]["product_idz"] = json::array({"P1"});
  EXPECT_EQ(refusal_of(document).location, "/vulnerabilities/0/remediations/0/product_idz");
  document = minimal();
  document["document"]["tracking"].erase("revision_history");
  EXPECT_EQ(refusal_of(document).message, R"(required member "revision_history" is missing)");
  document = minimal();
  document["vulnerabilities"][0]["flags"] = json::array({{{"label", "x"}, {"product_ids", json::array({"P9"})}}});
  EXPECT_NE(refusal_of(document).message.find("CSAF 6.1.1"), std::string::npos);
  document = minimal();
  document["vulnerabilities"][0]["scores"] = json::array({{{"products", json::array({"P9"})}}});
  EXPECT_NE(refusal_of(document).message.find("CSAF 6.1.1"), std::string::npos);
  document = minimal();
  document["schema"] = "x";
  EXPECT_EQ(refusal_of(document).location, "/schema");
  document = minimal();
  document["$schema"] = 1;
  EXPECT_EQ(refusal_of(document).location, "/$schema");
}

TEST(CsafLenient, Rfc3339DateTimesInTheTracking) {
  for (const auto* date : {"2024-01-09T08:00:00.123Z", "2024-01-09T08:00:00+05:30", "2024-01-09T08:00:00.5-07:00",
                           "2024-01-09t08:00:00z"}) {
    auto document = minimal();
    document["document"]["tracking"]["initial_release_date"] = date;
    EXPECT_EQ(parse_ok(document.dump()).initial_release.to_string(), "2024-01-09") << date;
  }
  for (const auto* date : {"2024-01-09T08:00:00+0000", "2024-01-09", "2024-01-09T08:00Z", "2024-01-09T08:00:00.Z"}) {
    auto document = minimal();
    document["document"]["tracking"]["initial_release_date"] = date;
    EXPECT_EQ(refusal_of(document).location, "/document/tracking/initial_release_date") << date;
  }
}

TEST(CsafHostile, TitleAndTrackingIdAreCleanLines) {
  auto document = minimal();
  document["document"]["title"] = "  Example advisory \t";
  document["document"]["tracking"]["id"] = " EX-1 ";
  const auto advisory = parse_ok(document.dump());
  EXPECT_EQ(advisory.title, "Example advisory");
  EXPECT_EQ(advisory.id, "EX-1");
  for (const auto* title : {"Bad\u0001title", "Bad\x7ftitle", "Two\nlines", "C1 \xc2\x9b control", "   "}) {
    document = minimal();
    document["document"]["title"] = title;
    const auto problem = refusal_of(document);
    EXPECT_EQ(problem.location, "/document/title") << title;
    EXPECT_TRUE(terminal_safe(problem.message)) << problem.message;
  }
  document = minimal();
  document["document"]["tracking"]["id"] = std::string(513, 'a');
  auto problem = refusal_of(document);
  EXPECT_EQ(problem.location, "/document/tracking/id");
  EXPECT_NE(problem.message.find("is not one printable line of at most 512 bytes"), std::string::npos);
  document["document"]["tracking"]["id"] = std::string(512, 'a');
  EXPECT_EQ(parse_ok(document.dump()).id.size(), 512U);
}

TEST(CsafHostile, QuotedTextIsShortAndEscaped) {
  auto document = minimal();
  document["document"]["csaf_version"] = "\x1b]0;owned\x07" + std::string(1000, 'x');
  auto problem = refusal_of(document);
  EXPECT_TRUE(terminal_safe(problem.message)) << problem.message;
  EXPECT_LT(problem.message.size(), 200U);
  EXPECT_NE(problem.message.find("\\u001b]0;owned\\u0007"), std::string::npos) << problem.message;

  document = minimal();
  document["document"]["publisher"]["\x1b[2J" + std::string(1000, 'k')] = "x";
  problem = refusal_of(document);
  EXPECT_TRUE(terminal_safe(problem.location)) << problem.location;
  EXPECT_TRUE(terminal_safe(problem.message)) << problem.message;
  EXPECT_LT(problem.location.size(), 200U);
  EXPECT_LT(problem.message.size(), 200U);

  const auto duplicate = refusal("{\"document\": {\"\x1b[2J\": 1, \"\x1b[2J\": 2}}");
  EXPECT_TRUE(terminal_safe(duplicate.message)) << duplicate.message;

  document = minimal();
  document["document"]["aggregate_severity"] = {{"text", "\x1b[31m" + std::string(500, 'y')}};
  const auto advisory = parse_ok(document.dump());
  ASSERT_FALSE(advisory.notes.empty());
  for (const auto& note : advisory.notes) {
    EXPECT_TRUE(terminal_safe(note)) << note;
    EXPECT_LT(note.size(), 300U) << note;
  }
}

TEST(CsafKb, HelpUrlsCountOnlyOnMicrosoftHosts) {
  const auto kb_of = [](const std::string& url, const std::string& details) {
    auto document = minimal();
    auto& remediation = document["vulnerabilities"][0]["remediations"][0];
    remediation["url"] = url;
    remediation["details"] = details;
    const auto advisory = parse_ok(document.dump());
    return advisory.fixes.empty() ? std::string() : advisory.fixes[0].kb;
  };
  EXPECT_EQ(kb_of("https://support.microsoft.com/help/5002744", "Security Update"), "KB5002744");
  EXPECT_EQ(kb_of("https://catalog.update.microsoft.com/help/5002744?x=1", "Update"), "KB5002744");
  EXPECT_EQ(kb_of("https://support.example.com/help/5002744", "Update"), "");
  EXPECT_EQ(kb_of("https://support.microsoft.com.example.net/help/5002744", "Update"), "");
  EXPECT_EQ(kb_of("https://support.microsoft.com@example.net/help/5002744", "Update"), "");
  EXPECT_EQ(kb_of("https://vendor.example/help/1234", "Upgrade to 1.2"), "");
  EXPECT_EQ(kb_of("https://vendor.example/kb/KB1234567", "Update"), "KB1234567");
  EXPECT_EQ(kb_of("https://vendor.example/fix", "Install kb4537820 now"), "KB4537820");
  // One rule with the CVRF reader: 4 to 10 digits.
  EXPECT_EQ(kb_of("https://vendor.example/fix", "Install KB123"), "");
  EXPECT_EQ(kb_of("https://vendor.example/fix", "Install KB12345678901"), "");
  EXPECT_EQ(kb_of("https://vendor.example/fix", "Install KB1234"), "KB1234");
}

TEST(CsafHostile, AnMsrcCvrfJsonDocumentIsNamed) {
  const auto problem = refusal(R"({"DocumentTitle": {"Value": "February 2020 Security Updates"},
    "DocumentType": {"Value": "Security Update"},
    "DocumentTracking": {"Identification": {"ID": {"Value": "2020-Feb"}}, "Version": "1.0"},
    "ProductTree": {"Branch": [], "FullProductName": []}, "Vulnerability": []})");
  EXPECT_EQ(problem.location, "/");
  EXPECT_EQ(problem.message, "an MSRC CVRF JSON document: Lifeline reads MSRC CVRF as XML (the API serves it with "
                             "Accept: application/xml)");
  EXPECT_EQ(parse_advisory(R"({"ProductTree": {}})").problems.at(0).message, problem.message);
}

TEST(CsafSynthetic, OverlongCveIsNotKept) {
  auto document = minimal();
  document["vulnerabilities"][0]["cve"] = "CVE-2024-" + std::string(40, '1');
  const auto advisory = parse_ok(document.dump());
  ASSERT_EQ(advisory.fixes.size(), 1U);
  EXPECT_TRUE(advisory.fixes[0].cves.empty());
  EXPECT_TRUE(has_note(advisory, "is not a CVE id Lifeline keeps"));
}

TEST(CsafHostile, NotesAreCapped) {
  auto document = minimal();
  auto remediations = json::array();
  for (int i = 0; i < 600; ++i) {
    remediations.push_back({{"category", "vendor_fix"}, {"details", "Upgrade"}, {"product_ids", json::array({"P1"})}});
  }
  document["vulnerabilities"][0]["remediations"] = remediations;
  const auto advisory = parse_ok(document.dump());
  ASSERT_EQ(advisory.notes.size(), 501U);
  EXPECT_EQ(advisory.notes.back(), "100 further notes were not kept");
}

} // namespace
} // namespace lifeline::advisories
