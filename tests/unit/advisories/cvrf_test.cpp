// MSRC and OASIS CVRF documents: the real ones in ../shared/advisories/cvrf read in place, and
// hostile ones built here.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>

#include "advisories/advisory.hpp"
#include "catalog/identifiers.hpp"
#include "tests/support/testing.hpp"
#include "util/file.hpp"

namespace lifeline::advisories {
namespace {

using catalog::Severity;

TEST(AdvisoryFormat, NeitherXmlNorJsonIsRefusedBeforeAnyParsing) {
  const auto parsed = parse_advisory("\xEF\xBB\xBF  plain text");
  EXPECT_FALSE(parsed.advisory);
  ASSERT_EQ(parsed.problems.size(), 1U);
  EXPECT_EQ(parsed.problems[0].message, "neither XML (CVRF) nor a JSON object (CSAF)");
  EXPECT_FALSE(parse_advisory(std::string(k_max_document_bytes + 1, ' ')).advisory);
}

// Every test parses within a second, whatever the document.
Parsed timed_parse(std::string_view bytes) {
  const auto start = std::chrono::steady_clock::now();
  auto parsed = parse_advisory(bytes);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_NE(parsed.advisory.has_value(), !parsed.problems.empty());
  return parsed;
}

std::filesystem::path cvrf_dir() {
  return testing::shared_dir() / "advisories" / "cvrf";
}

Advisory read_shared(const std::string& name) {
  const auto bytes = util::read_file(cvrf_dir() / name, k_max_document_bytes);
  if (!bytes) {
    ADD_FAILURE() << bytes.error().message;
    return {};
  }
  auto parsed = timed_parse(*bytes);
  if (!parsed.advisory) {
    ADD_FAILURE() << name << ": " << parsed.problems.at(0).location << ": " << parsed.problems.at(0).message;
    return {};
  }
  return std::move(*parsed.advisory);
}

const AdvisoryFix* find_fix(const Advisory& advisory, std::string_view kb) {
  const auto found =
      std::find_if(advisory.fixes.begin(), advisory.fixes.end(), [&](const AdvisoryFix& fix) { return fix.kb == kb; });
  return found == advisory.fixes.end() ? nullptr : &*found;
}

const AdvisoryProduct* find_product(const Advisory& advisory, std::string_view id) {
  const auto found = std::find_if(advisory.products.begin(), advisory.products.end(),
                                  [&](const AdvisoryProduct& product) { return product.id == id; });
  return found == advisory.products.end() ? nullptr : &*found;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool any_note(const Advisory& advisory, std::string_view text) {
  return std::any_of(advisory.notes.begin(), advisory.notes.end(),
                     [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

template <typename List> bool sorted_unique(const List& list) {
  return std::adjacent_find(list.begin(), list.end(), [](const auto& a, const auto& b) { return !(a < b); }) ==
         list.end();
}

TEST(CvrfShared, EveryFileParsesAndKeepsTheModelsPromises) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cvrf_dir())) {
    SCOPED_TRACE(entry.path().filename().string());
    const auto advisory = read_shared(entry.path().filename().string());
    ++files;
    EXPECT_EQ(advisory.format, Format::cvrf);
    EXPECT_FALSE(advisory.id.empty());
    EXPECT_FALSE(advisory.revision.empty());
    EXPECT_FALSE(advisory.products.empty());
    EXPECT_LE(advisory.initial_release, advisory.current_release);
    std::vector<std::string> ids;
    for (const auto& product : advisory.products) {
      ids.push_back(product.id);
    }
    std::sort(ids.begin(), ids.end());
    EXPECT_TRUE(sorted_unique(ids));
    std::vector<std::string> kbs;
    for (const auto& fix : advisory.fixes) {
      kbs.push_back(fix.kb);
      EXPECT_TRUE(catalog::is_kb(fix.kb)) << fix.kb;
      EXPECT_TRUE(sorted_unique(fix.cves)) << fix.kb;
      EXPECT_TRUE(sorted_unique(fix.fixed_products)) << fix.kb;
      EXPECT_TRUE(sorted_unique(fix.affected_products)) << fix.kb;
      EXPECT_TRUE(sorted_unique(fix.supersedes)) << fix.kb;
      for (const auto& [product, severity] : fix.severity) {
        EXPECT_TRUE(contains(fix.fixed_products, product)) << fix.kb << " " << product;
      }
      for (const auto& kb : fix.supersedes) {
        EXPECT_TRUE(catalog::is_kb(kb)) << kb;
      }
    }
    EXPECT_TRUE(sorted_unique(kbs));
  }
  EXPECT_EQ(files, 9U);
}

TEST(CvrfShared, February2020) {
  const auto advisory = read_shared("cvrfDocument-2020-Feb.xml");
  EXPECT_EQ(advisory.id, "2020-Feb");
  EXPECT_EQ(advisory.revision, "8"); // RevisionHistory, not Version's "1.0"
  EXPECT_EQ(advisory.title, "February 2020 Security Updates");
  EXPECT_EQ(advisory.publisher, "secure@microsoft.com");
  EXPECT_EQ(advisory.initial_release, util::Date::parse("2020-02-11"));
  EXPECT_EQ(advisory.current_release, util::Date::parse("2020-09-22"));
  // Listed in the ESU branch and again flat under the tree: once here.
  const auto* windows7 = find_product(advisory, "10048");
  ASSERT_NE(windows7, nullptr);
  EXPECT_EQ(windows7->name, "Windows 7 for x64-based Systems Service Pack 1");

  const auto* rollup = find_fix(advisory, "KB4537820");
  ASSERT_NE(rollup, nullptr);
  EXPECT_EQ(rollup->sub_type, "Monthly Rollup");
  EXPECT_TRUE(contains(rollup->fixed_products, "10047"));
  EXPECT_TRUE(contains(rollup->fixed_products, "10048"));
  EXPECT_EQ(rollup->supersedes, std::vector<std::string>{"KB4534310"});
  EXPECT_TRUE(contains(rollup->cves, "CVE-2020-0655"));
  EXPECT_EQ(rollup->cves.size(), 49U);
  // CVE-2020-0655 alone rates 10048 Important; among the rollup's other CVEs CVE-2020-0738 rates
  // it Critical, and the highest wins.
  EXPECT_EQ(rollup->severity.at("10048"), Severity::critical);
  EXPECT_EQ(rollup->severity.at("10486-10051"), Severity::moderate);

  const auto* security_only = find_fix(advisory, "KB4537813");
  ASSERT_NE(security_only, nullptr);
  EXPECT_EQ(security_only->sub_type, "Security Only");
  EXPECT_TRUE(security_only->supersedes.empty()); // no Supercedence element
  EXPECT_TRUE(any_note(advisory, "Vendor Fix \"Release Notes\" is not a KB number; skipped"));
}

TEST(CvrfShared, January2020SupersedesTwoKbsAndDescriptionWinsOverUrl) {
  const auto advisory = read_shared("cvrfDocument-2020-Jan.xml");
  EXPECT_EQ(advisory.revision, "12");
  const auto* fix = find_fix(advisory, "KB4535102");
  ASSERT_NE(fix, nullptr);
  EXPECT_EQ(fix->supersedes, (std::vector<std::string>{"KB4524741", "KB4533095"}));
  EXPECT_TRUE(contains(fix->fixed_products, "9495-10049"));
  EXPECT_EQ(fix->sub_type, "Monthly Rollup");
}

TEST(CvrfShared, December2019LeavesWindowsXpAffectedWithoutAFix) {
  const auto advisory = read_shared("cvrfDocument-2019-Dec.xml");
  const auto* xp = find_product(advisory, "3700");
  ASSERT_NE(xp, nullptr);
  EXPECT_EQ(xp->name, "Microsoft Windows XP Service Pack 3");
  for (const auto& fix : advisory.fixes) {
    EXPECT_FALSE(contains(fix.fixed_products, "3700")) << fix.kb;
    EXPECT_FALSE(contains(fix.cves, "CVE-2019-1489")) << fix.kb;
  }
  EXPECT_TRUE(any_note(advisory, "CVE-2019-1489 leaves known affected product(s) with no KB fix: 3700"));
  EXPECT_TRUE(any_note(advisory, "severity \"\" is not Critical, Important, Moderate or Low"));
}

TEST(CvrfShared, OctoberOutOfBandRepeatsItsSeverities) {
  const auto advisory = read_shared("cvrfDocument-Oct-OOB.xml");
  EXPECT_EQ(advisory.id, "Oct-OOB");
  ASSERT_EQ(advisory.fixes.size(), 1U);
  const auto& fix = advisory.fixes[0];
  EXPECT_EQ(fix.kb, "KB3201860");
  // MSRC's advisory id where the CVE goes is no CVE: noted, not kept as one.
  EXPECT_TRUE(fix.cves.empty());
  EXPECT_EQ(fix.supersedes, std::vector<std::string>{"KB3194343"});
  EXPECT_EQ(fix.fixed_products.size(), 11U);
  ASSERT_EQ(fix.severity.size(), 11U);
  for (const auto& [product, severity] : fix.severity) {
    EXPECT_EQ(severity, Severity::critical) << product;
  }
  EXPECT_EQ(advisory.notes, std::vector<std::string>{"/cvrf:cvrfdoc/vuln:Vulnerability[1]/vuln:CVE: ADV160008 is an "
                                                     "advisory id, not a CVE; not kept as one"});
}

TEST(CvrfShared, November2017NoneIsNotASeverity) {
  const auto advisory = read_shared("ms_cvrf-2017-Nov.xml");
  EXPECT_EQ(advisory.id, "2017-Nov");
  EXPECT_EQ(advisory.revision, "1");
  EXPECT_TRUE(any_note(advisory, "/vuln:Vulnerability[31]/vuln:Threats/vuln:Threat[1]: severity \"None\" is not "
                                 "Critical, Important, Moderate or Low; no severity from it for 9432-10607"));
  // ADV170020 rates 4497 "None"; KB4011265 also fixes CVE-2017-11854 there, rated Important.
  const auto* fix = find_fix(advisory, "KB4011265");
  ASSERT_NE(fix, nullptr);
  EXPECT_EQ(fix->cves, (std::vector<std::string>{"CVE-2017-11854"}));
  EXPECT_EQ(fix->severity.at("4497"), Severity::important);
}

TEST(CvrfShared, April2016ComposesComponentOnPlatformIds) {
  const auto advisory = read_shared("cvrfDocument-2016-Apr.xml");
  EXPECT_EQ(advisory.revision, "7");
  EXPECT_EQ(advisory.current_release, util::Date::parse("2018-04-10"));
  const auto* ie9 = find_product(advisory, "10336-9316");
  ASSERT_NE(ie9, nullptr);
  EXPECT_EQ(ie9->name, "Internet Explorer 9 on Windows Vista x64 Edition Service Pack 2");
}

TEST(CvrfShared, January2023HasNoKbForMarinerPackagesAndEmptySeverities) {
  const auto advisory = read_shared("cvrfDocument-2023-Jan.xml");
  EXPECT_EQ(advisory.revision, "27");
  EXPECT_EQ(advisory.current_release, util::Date::parse("2023-01-27")); // written without a zone
  EXPECT_TRUE(any_note(advisory, "Vendor Fix \"curl\" is not a KB number; skipped"));
  EXPECT_TRUE(any_note(advisory, "severity \"\" is not Critical"));
  EXPECT_FALSE(advisory.fixes.empty());
}

TEST(CvrfShared, CiscoOasis12HasProductsAndNoKb) {
  const auto advisory = read_shared("cisco-sa-20180328-smi2_cvrf.xml");
  EXPECT_EQ(advisory.id, "cisco-sa-20180328-smi2");
  EXPECT_EQ(advisory.revision, "1.7");
  EXPECT_EQ(advisory.title, "Cisco IOS and IOS XE Software Smart Install Remote Code Execution Vulnerability");
  EXPECT_EQ(advisory.initial_release, util::Date::parse("2018-03-28"));
  EXPECT_EQ(advisory.current_release, util::Date::parse("2018-05-03"));
  EXPECT_EQ(advisory.products.size(), 223U);
  const auto* product = find_product(advisory, "CVRFPID-103763");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->name, "Cisco IOS 12.2(55)SE");
  // Its only remediation is a Workaround: no fix, and a note says why its products stay affected.
  EXPECT_TRUE(advisory.fixes.empty());
  EXPECT_EQ(advisory.publisher, ""); // ContactDetails is a page of phone numbers
  EXPECT_TRUE(any_note(advisory, "ContactDetails: not one line"));
  EXPECT_TRUE(any_note(advisory, "/cvrf:cvrfdoc/Vulnerability[1]: CVE-2018-0171 leaves known affected product(s) "
                                 "with no KB fix: CVRFPID-103559, "));
}

// A small MSRC document; each hostile test changes one part.
struct Doc {
  std::string prolog = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  std::string root_open = "<cvrf:cvrfdoc xmlns:cvrf=\"http://www.icasi.org/CVRF/schema/cvrf/1.1\" "
                          "xmlns:prod=\"http://www.icasi.org/CVRF/schema/prod/1.1\" "
                          "xmlns:vuln=\"http://www.icasi.org/CVRF/schema/vuln/1.1\">";
  std::string title = "<cvrf:DocumentTitle>Test Updates</cvrf:DocumentTitle>";
  std::string id = "<cvrf:ID> 2099-Jan </cvrf:ID>";
  std::string initial = "<cvrf:InitialReleaseDate>2099-01-13T08:00:00Z</cvrf:InitialReleaseDate>";
  std::string revisions = "<cvrf:RevisionHistory><cvrf:Revision><cvrf:Number>9</cvrf:Number></cvrf:Revision>"
                          "<cvrf:Revision><cvrf:Number>10</cvrf:Number></cvrf:Revision></cvrf:RevisionHistory>";
  std::string products = "<prod:ProductTree><prod:Branch Type=\"Product Family\" Name=\"Windows\">"
                         "<prod:FullProductName ProductID=\"10048\">Windows 7 x64</prod:FullProductName>"
                         "<prod:FullProductName ProductID=\"3700\">Windows XP</prod:FullProductName></prod:Branch>"
                         "<prod:FullProductName ProductID=\"10048\">Windows 7 x64</prod:FullProductName>"
                         "</prod:ProductTree>";
  std::string vulnerabilities =
      "<vuln:Vulnerability Ordinal=\"1\"><vuln:CVE>CVE-2099-0001</vuln:CVE>"
      "<vuln:ProductStatuses><vuln:Status Type=\"Known Affected\"><vuln:ProductID>10048</vuln:ProductID>"
      "<vuln:ProductID>3700</vuln:ProductID></vuln:Status></vuln:ProductStatuses>"
      "<vuln:Threats><vuln:Threat Type=\"Severity\"><vuln:Description>Important</vuln:Description>"
      "<vuln:ProductID>10048</vuln:ProductID></vuln:Threat></vuln:Threats>"
      "<vuln:Remediations><vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>4000001</vuln:Description>"
      "<vuln:Supercedence>3999999, KB3999998; abc</vuln:Supercedence><vuln:ProductID>10048</vuln:ProductID>"
      "<vuln:SubType>Monthly Rollup</vuln:SubType></vuln:Remediation></vuln:Remediations></vuln:Vulnerability>"
      "<vuln:Vulnerability Ordinal=\"2\"><vuln:CVE>CVE-2099-0002</vuln:CVE>"
      "<vuln:Threats><vuln:Threat Type=\"Severity\"><vuln:Description>Critical</vuln:Description>"
      "<vuln:ProductID>10048</vuln:ProductID></vuln:Threat></vuln:Threats>"
      "<vuln:Remediations><vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>KB4000001</vuln:Description>"
      "<vuln:ProductID>10048</vuln:ProductID></vuln:Remediation></vuln:Remediations></vuln:Vulnerability>";
  std::string epilogue;

  [[nodiscard]] std::string text() const {
    return prolog + root_open + title +
           "<cvrf:DocumentPublisher Type=\"Vendor\"><cvrf:ContactDetails>secure@example.com</cvrf:ContactDetails>"
           "</cvrf:DocumentPublisher><cvrf:DocumentTracking><cvrf:Identification>" +
           id + "</cvrf:Identification><cvrf:Status>Final</cvrf:Status><cvrf:Version>1.0</cvrf:Version>" + revisions +
           initial + "<cvrf:CurrentReleaseDate>2099-02-01T08:00:00Z</cvrf:CurrentReleaseDate></cvrf:DocumentTracking>" +
           products + vulnerabilities + "</cvrf:cvrfdoc>" + epilogue;
  }
};

Problem refusal(const std::string& bytes) {
  const auto parsed = timed_parse(bytes);
  EXPECT_FALSE(parsed.advisory);
  return parsed.problems.empty() ? Problem{} : parsed.problems[0];
}

TEST(CvrfBuilt, TheSmallDocumentReadsAsExpected) {
  const auto parsed = timed_parse(Doc{}.text());
  ASSERT_TRUE(parsed.advisory) << parsed.problems.at(0).location << ": " << parsed.problems.at(0).message;
  const auto& advisory = *parsed.advisory;
  EXPECT_EQ(advisory.id, "2099-Jan");
  EXPECT_EQ(advisory.revision, "10"); // 10 > 9 as numbers
  EXPECT_EQ(advisory.publisher, "secure@example.com");
  ASSERT_EQ(advisory.products.size(), 2U);
  EXPECT_EQ(advisory.products[0].id, "10048");
  EXPECT_EQ(advisory.products[1].id, "3700");
  ASSERT_EQ(advisory.fixes.size(), 1U);
  const auto& fix = advisory.fixes[0];
  EXPECT_EQ(fix.kb, "KB4000001");
  EXPECT_EQ(fix.cves, (std::vector<std::string>{"CVE-2099-0001", "CVE-2099-0002"}));
  EXPECT_EQ(fix.fixed_products, std::vector<std::string>{"10048"});
  EXPECT_EQ(fix.affected_products, (std::vector<std::string>{"10048", "3700"}));
  EXPECT_EQ(fix.severity.at("10048"), Severity::critical);
  EXPECT_EQ(fix.supersedes, (std::vector<std::string>{"KB3999998", "KB3999999"}));
  EXPECT_EQ(fix.sub_type, "Monthly Rollup");
  EXPECT_TRUE(any_note(advisory, "/cvrf:cvrfdoc/vuln:Vulnerability[1]/vuln:Remediations/vuln:Remediation[1]/"
                                 "vuln:Supercedence[1]: \"abc\" is not a KB number; skipped"));
  EXPECT_TRUE(any_note(advisory, "CVE-2099-0001 leaves known affected product(s) with no KB fix: 3700"));
}

TEST(CvrfBuilt, PrefixesDoNotMatterOnlyNamespaces) {
  Doc doc;
  // Other prefixes, and a default namespace as Cisco writes it, for the same URIs.
  doc.root_open = "<c:cvrfdoc xmlns:c=\"http://www.icasi.org/CVRF/schema/cvrf/1.1\" "
                  "xmlns:p=\"http://www.icasi.org/CVRF/schema/prod/1.1\" "
                  "xmlns:vuln=\"http://www.icasi.org/CVRF/schema/vuln/1.1\" "
                  "xmlns:cvrf=\"http://www.icasi.org/CVRF/schema/cvrf/1.1\">";
  auto text = doc.text();
  for (std::size_t at = 0; (at = text.find("prod:", at)) != std::string::npos;) {
    text.replace(at, 5, "p:");
  }
  text.replace(text.find("</cvrf:cvrfdoc>"), 15, "</c:cvrfdoc>");
  const auto vulnerability = text.find("<vuln:Vulnerability Ordinal=\"2\">");
  text.replace(vulnerability, 0,
               "<Vulnerability xmlns=\"http://www.icasi.org/CVRF/schema/vuln/1.1\"><CVE>CVE-2099-0003</CVE>"
               "<Remediations><Remediation Type=\"Vendor Fix\"><Description>4000001</Description>"
               "</Remediation></Remediations></Vulnerability>");
  const auto parsed = timed_parse(text);
  ASSERT_TRUE(parsed.advisory) << parsed.problems.at(0).location << ": " << parsed.problems.at(0).message;
  EXPECT_EQ(parsed.advisory->products.size(), 2U);
  ASSERT_EQ(parsed.advisory->fixes.size(), 1U);
  EXPECT_EQ(parsed.advisory->fixes[0].cves,
            (std::vector<std::string>{"CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0003"}));
}

TEST(CvrfBuilt, LookAlikesInAnotherNamespaceAreNotRead) {
  Doc doc;
  // The same prefix rebound on Remediations: its Remediation is not CVRF's.
  doc.vulnerabilities =
      "<vuln:Vulnerability><vuln:CVE>CVE-2099-0001</vuln:CVE>"
      "<vuln:Remediations xmlns:vuln=\"http://example.com/vuln\"><vuln:Remediation Type=\"Vendor Fix\">"
      "<vuln:Description>4000001</vuln:Description></vuln:Remediation></vuln:Remediations>"
      "</vuln:Vulnerability>"
      "<v:Vulnerability xmlns:v=\"http://www.icasi.org/CVRF/schema/vuln/1.1\"><v:CVE>CVE-2099-0002</v:CVE>"
      "<v:Remediations><Remediation Type=\"Vendor Fix\"><Description>4000002</Description>"
      "</Remediation></v:Remediations></v:Vulnerability>"
      // 1.2's vuln namespace in a 1.1 document
      "<Vulnerability xmlns=\"http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/vuln\"><Remediations>"
      "<Remediation Type=\"Vendor Fix\"><Description>4000003</Description></Remediation>"
      "</Remediations></Vulnerability>";
  const auto parsed = timed_parse(doc.text());
  ASSERT_TRUE(parsed.advisory) << parsed.problems.at(0).location << ": " << parsed.problems.at(0).message;
  EXPECT_TRUE(parsed.advisory->fixes.empty());
  EXPECT_TRUE(any_note(*parsed.advisory, "/cvrf:cvrfdoc/Vulnerability (element 7): in namespace "
                                         "\"http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/vuln\", not this CVRF "
                                         "version's; not read"));
}

TEST(CvrfBuilt, RightNamesInAWrongNamespaceAreRefused) {
  Doc doc;
  doc.root_open = "<cvrf:cvrfdoc xmlns:cvrf=\"http://www.icasi.org/CVRF/schema/cvrf/1.0\" "
                  "xmlns:prod=\"http://www.icasi.org/CVRF/schema/prod/1.1\" "
                  "xmlns:vuln=\"http://www.icasi.org/CVRF/schema/vuln/1.1\">";
  const auto problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc");
  EXPECT_EQ(problem.message,
            "the root element is \"cvrfdoc\" in namespace \"http://www.icasi.org/CVRF/schema/cvrf/1.0\"; CVRF's is "
            "cvrfdoc in \"http://www.icasi.org/CVRF/schema/cvrf/1.1\" or "
            "\"http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/cvrf\"");
}

TEST(CvrfBuilt, AWrongRootIsRefused) {
  const auto problem = refusal("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>");
  EXPECT_EQ(problem.location, "/html");
  EXPECT_NE(problem.message.find("the root element is \"html\""), std::string::npos);
  EXPECT_NE(refusal("<cvrfdoc/>").message.find("in no namespace"), std::string::npos);
}

TEST(CvrfBuilt, BillionLaughsIsRefusedUnexpanded) {
  std::string entities = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  entities += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">";
  for (int level = 2; level <= 9; ++level) {
    entities += "<!ENTITY lol" + std::to_string(level) + " \"";
    for (int copy = 0; copy < 10; ++copy) {
      entities += "&lol" + std::to_string(level - 1) + ";";
    }
    entities += "\">";
  }
  entities += "]>\n";
  Doc doc;
  doc.prolog += entities;
  doc.title = "<cvrf:DocumentTitle>&lol9;</cvrf:DocumentTitle>";
  const auto problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "byte 39");
  EXPECT_EQ(problem.message, "document type declarations are refused: no entity is expanded or fetched");
}

TEST(CvrfBuilt, ExternalEntitiesAreRefusedUnfetched) {
  for (const std::string system : {"file:///etc/passwd", "http://127.0.0.1:1/x"}) {
    Doc doc;
    doc.prolog += "<!DOCTYPE cvrfdoc [<!ENTITY xxe SYSTEM \"" + system + "\">]>";
    doc.title = "<cvrf:DocumentTitle>&xxe;</cvrf:DocumentTitle>";
    const auto problem = refusal(doc.text());
    EXPECT_EQ(problem.location, "byte 39");
    EXPECT_EQ(problem.message, "document type declarations are refused: no entity is expanded or fetched");
  }
  // Without its declaration the reference is refused too, not kept as text.
  Doc doc;
  doc.title = "<cvrf:DocumentTitle>&xxe;</cvrf:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).message,
            "entity reference &xxe; is not one of XML's five predefined entities, and no DTD is read");
}

TEST(CvrfBuilt, ABareDoctypeAnywhereIsRefused) {
  Doc doc;
  doc.prolog += "<!DOCTYPE cvrfdoc>";
  EXPECT_EQ(refusal(doc.text()).message, "document type declarations are refused: no entity is expanded or fetched");
  doc = Doc{};
  doc.epilogue = "<!DOCTYPE cvrfdoc>";
  EXPECT_EQ(refusal(doc.text()).message, "document type declarations are refused: no entity is expanded or fetched");
  // Inside a comment it is only text.
  doc = Doc{};
  doc.prolog += "<!-- <!DOCTYPE cvrfdoc> & -->";
  EXPECT_TRUE(timed_parse(doc.text()).advisory);
}

TEST(CvrfBuilt, TruncatedXmlIsRefusedWithItsOffset) {
  const auto text = Doc{}.text();
  const auto problem = refusal(text.substr(0, text.size() / 2));
  EXPECT_EQ(problem.location.rfind("byte ", 0), 0U) << problem.location;
  EXPECT_EQ(problem.message.rfind("malformed XML: ", 0), 0U) << problem.message;
  const auto empty = parse_cvrf("");
  ASSERT_FALSE(empty.advisory);
  EXPECT_EQ(empty.problems.at(0).message, "malformed XML: No document element found");
}

TEST(CvrfBuilt, InvalidUtf8AndForbiddenCharactersAreRefused) {
  Doc doc;
  doc.title = "<cvrf:DocumentTitle>caf\xC3(</cvrf:DocumentTitle>";
  auto problem = refusal(doc.text());
  EXPECT_EQ(problem.message, "invalid UTF-8");
  EXPECT_EQ(problem.location, "byte " + std::to_string(doc.text().find('\xC3')));
  doc.title = "<cvrf:DocumentTitle>\xC0\xAF overlong</cvrf:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).message, "invalid UTF-8");
  doc.title = "<cvrf:DocumentTitle>&#xD800; surrogate</cvrf:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).message, "character reference &#xD800; names U+D800, which XML does not allow");
  doc.title = "<cvrf:DocumentTitle>cut&#0;here</cvrf:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).message, "character reference &#0; names U+0000, which XML does not allow");
  doc.title = std::string("<cvrf:DocumentTitle>bell\x07</cvrf:DocumentTitle>");
  EXPECT_EQ(refusal(doc.text()).message, "character U+0007 is not allowed in XML");
  // Escaped HTML and non-ASCII text, as MSRC notes carry, are fine.
  doc.title = "<cvrf:DocumentTitle>&lt;p&gt;Caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D&#39;</cvrf:DocumentTitle>";
  const auto parsed = timed_parse(doc.text());
  ASSERT_TRUE(parsed.advisory);
  EXPECT_EQ(parsed.advisory->title, "<p>Caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D'");
}

TEST(CvrfBuilt, AHundredThousandDeepNestingIsRefusedWithoutRecursion) {
  Doc doc;
  std::string deep;
  for (int i = 0; i < 100000; ++i) {
    deep += "<cvrf:Note>";
  }
  for (int i = 0; i < 100000; ++i) {
    deep += "</cvrf:Note>";
  }
  doc.title += "<cvrf:DocumentNotes>" + deep + "</cvrf:DocumentNotes>";
  const auto problem = refusal(doc.text());
  EXPECT_EQ(problem.message, "elements are nested more than 64 deep");
  EXPECT_EQ(problem.location.rfind("byte ", 0), 0U);
}

TEST(CvrfBuilt, OversizeIsRefusedBeforeParsing) {
  auto text = Doc{}.text();
  text.insert(text.find("</cvrf:cvrfdoc>"), std::string(k_max_document_bytes, ' '));
  const auto parsed = parse_cvrf(text);
  ASSERT_FALSE(parsed.advisory);
  EXPECT_EQ(parsed.problems.at(0).location, "/");
  EXPECT_NE(parsed.problems.at(0).message.find("at most 33554432 are read"), std::string::npos);
}

TEST(CvrfBuilt, MandatoryFieldsAreLocated) {
  Doc doc;
  doc.id = "";
  auto problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/cvrf:DocumentTracking/cvrf:Identification");
  EXPECT_EQ(problem.message, "the mandatory ID is missing");

  doc = Doc{};
  doc.id = "<cvrf:ID>  </cvrf:ID>";
  problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/cvrf:DocumentTracking/cvrf:Identification/cvrf:ID");
  EXPECT_EQ(problem.message, "ID is empty");

  doc = Doc{};
  doc.id += "<cvrf:ID>2099-Feb</cvrf:ID>";
  EXPECT_EQ(refusal(doc.text()).message, "ID appears more than once");

  doc = Doc{};
  doc.title = "";
  problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc");
  EXPECT_EQ(problem.message, "the mandatory DocumentTitle is missing");

  doc = Doc{};
  doc.initial = "<cvrf:InitialReleaseDate>2099-02-30T08:00:00Z</cvrf:InitialReleaseDate>";
  problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/cvrf:DocumentTracking/cvrf:InitialReleaseDate");
  EXPECT_EQ(problem.message, "\"2099-02-30T08:00:00Z\" is not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss)");

  doc = Doc{};
  doc.initial = "";
  EXPECT_EQ(refusal(doc.text()).message, "the mandatory InitialReleaseDate is missing");
}

TEST(CvrfBuilt, WithoutRevisionHistoryTheVersionIsTheRevision) {
  Doc doc;
  doc.revisions = "";
  const auto parsed = timed_parse(doc.text());
  ASSERT_TRUE(parsed.advisory);
  EXPECT_EQ(parsed.advisory->revision, "1.0");
}

TEST(CvrfBuilt, AKbThatIsNoNumberIsSkippedWithANote) {
  Doc doc;
  doc.vulnerabilities = "<vuln:Vulnerability><vuln:CVE>CVE-2099-0001</vuln:CVE><vuln:Remediations>"
                        "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>abc</vuln:Description>"
                        "<vuln:ProductID>10048</vuln:ProductID></vuln:Remediation>"
                        "<vuln:Remediation Type=\"Known Issue\"><vuln:Description>4000009</vuln:Description>"
                        "</vuln:Remediation></vuln:Remediations></vuln:Vulnerability>";
  const auto parsed = timed_parse(doc.text());
  ASSERT_TRUE(parsed.advisory);
  EXPECT_TRUE(parsed.advisory->fixes.empty()); // a Known Issue is no fix
  EXPECT_TRUE(any_note(*parsed.advisory, "/cvrf:cvrfdoc/vuln:Vulnerability[1]/vuln:Remediations/"
                                         "vuln:Remediation[1]: Vendor Fix \"abc\" is not a KB number; skipped"));
}

TEST(CvrfBuilt, OddSeveritiesGiveNoneAndANote) {
  Doc doc;
  doc.vulnerabilities =
      "<vuln:Vulnerability><vuln:CVE>CVE-2099-0001</vuln:CVE><vuln:Threats>"
      "<vuln:Threat Type=\"Severity\"><vuln:Description /><vuln:ProductID>10048</vuln:ProductID></vuln:Threat>"
      "<vuln:Threat Type=\"Severity\"><vuln:Description>None</vuln:Description><vuln:ProductID>3700</vuln:ProductID>"
      "</vuln:Threat><vuln:Threat Type=\"Severity\"><vuln:Description>low</vuln:Description>"
      "<vuln:ProductID>3700</vuln:ProductID></vuln:Threat></vuln:Threats><vuln:Remediations>"
      "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>4000001</vuln:Description>"
      "<vuln:ProductID>10048</vuln:ProductID><vuln:ProductID>3700</vuln:ProductID></vuln:Remediation>"
      "</vuln:Remediations></vuln:Vulnerability>";
  const auto parsed = timed_parse(doc.text());
  ASSERT_TRUE(parsed.advisory);
  ASSERT_EQ(parsed.advisory->fixes.size(), 1U);
  const auto& severity = parsed.advisory->fixes[0].severity;
  EXPECT_EQ(severity.count("10048"), 0U);
  EXPECT_EQ(severity.at("3700"), Severity::low);
  EXPECT_TRUE(any_note(*parsed.advisory, "vuln:Threat[1]: severity \"\" is not Critical, Important, Moderate or Low; "
                                         "no severity from it for 10048"));
  EXPECT_TRUE(any_note(*parsed.advisory, "vuln:Threat[2]: severity \"None\""));
}

TEST(CvrfBuilt, NamespaceAndXmlWellFormednessHolesAreRefused) {
  Doc doc;
  doc.epilogue = "<cvrf:cvrfdoc/>";
  EXPECT_EQ(refusal(doc.text()).message, "a second root element");

  doc = Doc{};
  doc.title = "<x:DocumentTitle>T</x:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).message, "prefix \"x\" of element \"x:DocumentTitle\" is not declared");

  doc = Doc{};
  doc.title = "<cvrf:DocumentTitle xmlns:x=\"\">T</cvrf:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).message, "prefix \"x\" is bound to an empty namespace name");

  doc = Doc{};
  doc.title = "<cvrf:DocumentTitle a=\"1\" b=\"2\" a=\"3\">T</cvrf:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).message, "attribute \"a\" is repeated");

  doc = Doc{};
  doc.products = "<prod:ProductTree><prod:FullProductName ProductID=\"10048&#127;\">W</prod:FullProductName>"
                 "</prod:ProductTree>";
  const auto problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/prod:ProductTree/prod:FullProductName[1]/@ProductID");
  EXPECT_EQ(problem.message, "product id \"10048\\u007f\" is not one printable line of at most 512 bytes");
}

TEST(CvrfBuilt, QuadraticFixProductPairsAreRefused) {
  std::string affected;
  for (int id = 0; id < 1000; ++id) {
    affected += "<vuln:ProductID>" + std::to_string(id) + "</vuln:ProductID>";
  }
  std::string fixes;
  for (int kb = 0; kb < 600; ++kb) {
    fixes += "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>" + std::to_string(1000000 + kb) +
             "</vuln:Description></vuln:Remediation>";
  }
  Doc doc;
  doc.vulnerabilities = "<vuln:Vulnerability><vuln:ProductStatuses><vuln:Status Type=\"Known Affected\">" + affected +
                        "</vuln:Status></vuln:ProductStatuses><vuln:Remediations>" + fixes +
                        "</vuln:Remediations></vuln:Vulnerability>";
  const auto problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/vuln:Vulnerability[1]/vuln:Remediations/vuln:Remediation[501]");
  EXPECT_EQ(problem.message,
            "the fixes relate more than 500000 (KB, product) pairs; real documents relate under 40,000");
}

TEST(CvrfBuilt, NotesAreCapped) {
  Doc doc;
  doc.vulnerabilities = "<vuln:Vulnerability><vuln:Remediations>";
  for (int i = 0; i < 600; ++i) {
    doc.vulnerabilities +=
        "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>x</vuln:Description></vuln:Remediation>";
  }
  doc.vulnerabilities += "</vuln:Remediations></vuln:Vulnerability>";
  const auto parsed = timed_parse(doc.text());
  ASSERT_TRUE(parsed.advisory);
  ASSERT_EQ(parsed.advisory->notes.size(), 501U);
  EXPECT_EQ(parsed.advisory->notes.back(), "100 further notes were not kept");
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

Advisory parse_ok(const Doc& doc) {
  auto parsed = timed_parse(doc.text());
  if (!parsed.advisory) {
    ADD_FAILURE() << parsed.problems.at(0).location << ": " << parsed.problems.at(0).message;
    return {};
  }
  return std::move(*parsed.advisory);
}

TEST(CvrfBuilt, ProductNamesAreCollapsedAndAnEmptyOneIsNoted) {
  Doc doc;
  doc.products = "<prod:ProductTree><prod:Branch Type=\"Product Family\" Name=\"Windows\">"
                 "<prod:FullProductName ProductID=\"10048\">\n      Windows 7\n      for x64-based\tSystems&#127;"
                 "\xc2\x85 SP1\n    </prod:FullProductName>"
                 "<prod:FullProductName ProductID=\"3700\"></prod:FullProductName></prod:Branch>"
                 "<prod:FullProductName ProductID=\"10048\">Windows 7 for x64-based Systems SP1</prod:FullProductName>"
                 "</prod:ProductTree>";
  const auto advisory = parse_ok(doc);
  ASSERT_EQ(advisory.products.size(), 2U);
  EXPECT_EQ(advisory.products[0].name, "Windows 7 for x64-based Systems SP1");
  EXPECT_EQ(advisory.products[1].id, "3700");
  EXPECT_EQ(advisory.products[1].name, "");
  EXPECT_TRUE(any_note(advisory, "prod:FullProductName[2]: product 3700 has no name; kept with an empty one"));
  EXPECT_FALSE(any_note(advisory, "is also named"));

  doc.products = "<prod:ProductTree><prod:FullProductName ProductID=\"1\">" + std::string(513, 'n') +
                 "</prod:FullProductName></prod:ProductTree>";
  EXPECT_EQ(refusal(doc.text()).location, "/cvrf:cvrfdoc/prod:ProductTree/prod:FullProductName[1]");
}

TEST(CvrfBuilt, RedHatProductIdsAreAccepted) {
  const std::string id = "7Server-7.6.AUS:telnet-1:0.17-65.el7_6.src";
  Doc doc;
  doc.products = "<prod:ProductTree><prod:FullProductName ProductID=\"" + id +
                 "\">telnet-1:0.17-65.el7_6.src as a component of Red Hat Enterprise Linux Server AUS (v. 7.6)"
                 "</prod:FullProductName></prod:ProductTree>";
  doc.vulnerabilities = "<vuln:Vulnerability><vuln:CVE>CVE-2099-0001</vuln:CVE><vuln:Remediations>"
                        "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>4000001</vuln:Description>"
                        "<vuln:ProductID> " +
                        id + " </vuln:ProductID></vuln:Remediation></vuln:Remediations></vuln:Vulnerability>";
  const auto advisory = parse_ok(doc);
  ASSERT_EQ(advisory.products.size(), 1U);
  EXPECT_EQ(advisory.products[0].id, id);
  ASSERT_EQ(advisory.fixes.size(), 1U);
  EXPECT_EQ(advisory.fixes[0].fixed_products, std::vector<std::string>{id});

  doc.products = "<prod:ProductTree><prod:FullProductName ProductID=\"" + std::string(513, 'i') +
                 "\">N</prod:FullProductName></prod:ProductTree>";
  EXPECT_EQ(refusal(doc.text()).location, "/cvrf:cvrfdoc/prod:ProductTree/prod:FullProductName[1]/@ProductID");
  doc.products = "<prod:ProductTree><prod:FullProductName ProductID=\"  \">N</prod:FullProductName></prod:ProductTree>";
  EXPECT_EQ(refusal(doc.text()).message, "product id \"\" is not one printable line of at most 512 bytes");
}

TEST(CvrfBuilt, ASecondSubTypeOrCveIsNotedNotRefused) {
  Doc doc;
  doc.vulnerabilities =
      "<vuln:Vulnerability><vuln:CVE>CVE-2099-0001</vuln:CVE><vuln:CVE>CVE-2099-0009</vuln:CVE><vuln:Remediations>"
      "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>4000001</vuln:Description>"
      "<vuln:ProductID>10048</vuln:ProductID><vuln:SubType>Security Update</vuln:SubType>"
      "<vuln:SubType>Monthly Rollup</vuln:SubType></vuln:Remediation></vuln:Remediations></vuln:Vulnerability>";
  const auto advisory = parse_ok(doc);
  ASSERT_EQ(advisory.fixes.size(), 1U);
  EXPECT_EQ(advisory.fixes[0].cves, std::vector<std::string>{"CVE-2099-0001"});
  EXPECT_EQ(advisory.fixes[0].sub_type, "Security Update");
  EXPECT_TRUE(any_note(advisory, "/cvrf:cvrfdoc/vuln:Vulnerability[1]/vuln:CVE[2]: \"CVE-2099-0009\" is not read; "
                                 "the first CVE, \"CVE-2099-0001\", is"));
  EXPECT_TRUE(any_note(advisory, "vuln:Remediation[1]/vuln:SubType[2]: \"Monthly Rollup\" is not read; the first "
                                 "SubType, \"Security Update\", is"));
}

TEST(CvrfBuilt, OnlyCveIdsAreKeptAsCves) {
  Doc doc;
  doc.vulnerabilities =
      "<vuln:Vulnerability><vuln:CVE>ADV200001</vuln:CVE><vuln:Remediations>"
      "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>4000001</vuln:Description>"
      "<vuln:ProductID>10048</vuln:ProductID></vuln:Remediation></vuln:Remediations></vuln:Vulnerability>"
      "<vuln:Vulnerability><vuln:CVE>not-a-cve</vuln:CVE><vuln:Remediations>"
      "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>4000002</vuln:Description>"
      "<vuln:ProductID>10048</vuln:ProductID></vuln:Remediation></vuln:Remediations></vuln:Vulnerability>";
  const auto advisory = parse_ok(doc);
  ASSERT_EQ(advisory.fixes.size(), 2U);
  EXPECT_TRUE(advisory.fixes[0].cves.empty());
  EXPECT_TRUE(advisory.fixes[1].cves.empty());
  EXPECT_TRUE(any_note(advisory, "vuln:Vulnerability[1]/vuln:CVE: ADV200001 is an advisory id, not a CVE; not kept "
                                 "as one"));
  EXPECT_TRUE(any_note(advisory, "vuln:Vulnerability[2]/vuln:CVE: \"not-a-cve\" is not a CVE id"));
  // The advisory id still names its vulnerability in notes.
  EXPECT_TRUE(any_note(advisory, "ADV200001 leaves known affected product(s)") ||
              !any_note(advisory, "leaves known affected"));
}

TEST(CvrfBuilt, KbNumbersHaveFourToTenDigits) {
  Doc doc;
  doc.vulnerabilities = "<vuln:Vulnerability><vuln:CVE>CVE-2099-0001</vuln:CVE><vuln:Remediations>";
  for (const auto* kb : {"KB0", "123", "KB12345678901", "kb1234", "1234567890", "KB 4000001"}) {
    doc.vulnerabilities += std::string("<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>") + kb +
                           "</vuln:Description><vuln:Supercedence>12; KB0; 4000001</vuln:Supercedence>"
                           "<vuln:ProductID>10048</vuln:ProductID></vuln:Remediation>";
  }
  doc.vulnerabilities += "</vuln:Remediations></vuln:Vulnerability>";
  const auto advisory = parse_ok(doc);
  ASSERT_EQ(advisory.fixes.size(), 2U);
  EXPECT_EQ(advisory.fixes[0].kb, "KB1234");
  EXPECT_EQ(advisory.fixes[1].kb, "KB1234567890");
  EXPECT_EQ(advisory.fixes[0].supersedes, std::vector<std::string>{"KB4000001"});
  EXPECT_TRUE(any_note(advisory, "Vendor Fix \"KB0\" is not a KB number; skipped"));
  EXPECT_TRUE(any_note(advisory, "Vendor Fix \"KB12345678901\" is not a KB number; skipped"));
  EXPECT_TRUE(any_note(advisory, "\"12\" is not a KB number; skipped"));
}

TEST(CvrfBuilt, TitleAndIdAreCleanLines) {
  Doc doc;
  doc.title = "<cvrf:DocumentTitle>Bad&#127;title</cvrf:DocumentTitle>";
  auto problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/cvrf:DocumentTitle");
  EXPECT_EQ(problem.message, "DocumentTitle \"Bad\\u007ftitle\" is not one printable line of at most 512 bytes");
  doc.title = "<cvrf:DocumentTitle>Two\nlines</cvrf:DocumentTitle>";
  EXPECT_EQ(refusal(doc.text()).location, "/cvrf:cvrfdoc/cvrf:DocumentTitle");
  doc.title = "<cvrf:DocumentTitle>" + std::string(513, 't') + "</cvrf:DocumentTitle>";
  problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/cvrf:DocumentTitle");
  EXPECT_LT(problem.message.size(), 200U);
  doc.title = "<cvrf:DocumentTitle>  " + std::string(512, 't') + "\n </cvrf:DocumentTitle>";
  EXPECT_EQ(parse_ok(doc).title.size(), 512U);

  doc = Doc{};
  doc.id = "<cvrf:ID>2099\tJan</cvrf:ID>";
  problem = refusal(doc.text());
  EXPECT_EQ(problem.location, "/cvrf:cvrfdoc/cvrf:DocumentTracking/cvrf:Identification/cvrf:ID");
  EXPECT_EQ(problem.message, "ID \"2099\\u0009Jan\" is not one printable line of at most 512 bytes");
  doc.id = "<cvrf:ID>2099&#x9B;Jan</cvrf:ID>";
  EXPECT_TRUE(terminal_safe(refusal(doc.text()).message));
}

TEST(CvrfBuilt, QuotedTextIsShortAndEscaped) {
  Doc doc;
  doc.vulnerabilities = "<vuln:Vulnerability><vuln:CVE>CVE-2099-0001</vuln:CVE><vuln:Remediations>"
                        "<vuln:Remediation Type=\"Vendor Fix\"><vuln:Description>&#x9B;31m&#127;" +
                        std::string(300, 'x') +
                        "</vuln:Description></vuln:Remediation></vuln:Remediations></vuln:Vulnerability>";
  const auto advisory = parse_ok(doc);
  ASSERT_FALSE(advisory.notes.empty());
  for (const auto& note : advisory.notes) {
    EXPECT_TRUE(terminal_safe(note)) << note;
    EXPECT_LT(note.size(), 250U) << note;
  }
  EXPECT_TRUE(any_note(advisory, "Vendor Fix \"\\u009b31m\\u007fxxx"));
}

} // namespace
} // namespace lifeline::advisories
