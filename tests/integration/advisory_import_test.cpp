// lifeline-server advisories import against the real MSRC CVRF and CSAF 2.0 documents in
// ../shared/advisories (read in place), revisions of them, hostile ones in a batch, and the
// security bulletins that level 2 contacts then read (CS-16).
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class AdvisoryImport : public ApiFixture {
 protected:
  [[nodiscard]] CommandResult import(std::vector<std::string> files,
                                     const std::vector<std::string>& options = {}) const {
    std::vector<std::string> arguments{server_binary().string(), "--data", data(), "advisories", "import", "--json"};
    arguments.insert(arguments.end(), options.begin(), options.end());
    if (std::find(options.begin(), options.end(), "--mapping") == options.end()) {
      arguments.push_back("--mapping");
      arguments.push_back((source_dir() / "examples" / "product-mapping.json").string());
    }
    arguments.insert(arguments.end(), files.begin(), files.end());
    return run(arguments);
  }

  [[nodiscard]] static std::string advisory(const std::string& name) {
    return (shared_dir() / "advisories" / name).string();
  }

  [[nodiscard]] std::unique_ptr<catalog::Catalog> catalog() const {
    return std::move(catalog::open_sqlite_catalog(fs::path(data()) / "catalog.db").value());
  }

  [[nodiscard]] std::optional<catalog::Severity> rating(const std::string& kb, const std::string& product) const {
    const auto update = catalog()->find_update(kb).value();
    EXPECT_TRUE(update) << kb;
    const auto* found = update ? catalog::rating_for(*update, product) : nullptr;
    return found != nullptr ? found->severity : std::nullopt;
  }

  [[nodiscard]] std::size_t update_count() const { return catalog()->list_updates().value().size(); }
};

Json documents_of(const CommandResult& result) {
  const auto json = Json::parse(result.out, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << result.out << result.err;
  return json.is_discarded() ? Json::array() : json["documents"];
}

TEST_F(AdvisoryImport, EveryRealDocumentImportsWithItsKbsRatingsAndSupersedence) {
  std::vector<std::string> files;
  for (const auto* folder : {"cvrf", "csaf"}) {
    for (const auto& entry : fs::directory_iterator(shared_dir() / "advisories" / folder)) {
      files.push_back(entry.path().string());
    }
  }
  ASSERT_GE(files.size(), 19U);
  const auto result = import(files);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto documents = documents_of(result);
  ASSERT_EQ(documents.size(), files.size());
  for (const auto& document : documents) {
    EXPECT_TRUE(document["imported"].get<bool>()) << document.dump();
    EXPECT_EQ(document["status"], "new") << document.dump();
  }

  // February 2020's Windows 7 / 2008 R2 monthly rollup, Critical for Windows 7 (CVE-2020-0738
  // among its 49 CVEs rates it so), and the rollup chain back to November 2019.
  EXPECT_EQ(rating("KB4537820", "windows-7-sp1"), catalog::Severity::critical);
  EXPECT_EQ(rating("KB4537820", "windows-server-2008-r2-sp1"), catalog::Severity::critical);
  const auto rollup = catalog()->find_update("KB4537820").value().value();
  EXPECT_NE(std::find(rollup.cves.begin(), rollup.cves.end(), "CVE-2020-0655"), rollup.cves.end());
  EXPECT_EQ(rollup.supersedes, std::vector<std::string>{"KB4534310"});
  EXPECT_EQ(catalog()->find_update("KB4534310").value().value().supersedes, std::vector<std::string>{"KB4530734"});
  EXPECT_EQ(catalog()->find_update("KB4530734").value().value().supersedes, std::vector<std::string>{"KB4525235"});
  // The Security Only update of the same month supersedes nothing.
  EXPECT_TRUE(catalog()->find_update("KB4537813").value().value().supersedes.empty());
  // January 2017: Important for Windows 7 and Vista.
  EXPECT_EQ(rating("KB3212642", "windows-7-sp1"), catalog::Severity::important);
  EXPECT_EQ(rating("KB3216775", "windows-vista-sp2"), catalog::Severity::important);

  const auto sources = catalog()->update_advisories("KB4537820").value();
  ASSERT_EQ(sources.size(), 1U);
  EXPECT_EQ(sources[0].source, "msrc");
  EXPECT_EQ(sources[0].id, "2020-Feb");
  EXPECT_EQ(sources[0].revision, "8");
  EXPECT_EQ(sources[0].current_release.to_string(), "2020-09-22");
  const auto affected = catalog()->affected_products("KB4537820").value();
  EXPECT_NE(std::find(affected.begin(), affected.end(), "windows-7-sp1"), affected.end());

  // What maps to no Lifeline product is reported, not invented.
  const auto sharepoint =
      std::find_if(documents.begin(), documents.end(), [](const Json& d) { return d["id"] == "msrc_CVE-2025-49704"; });
  ASSERT_NE(sharepoint, documents.end());
  EXPECT_EQ((*sharepoint)["skipped_kbs"], Json::array({"KB5002741", "KB5002744"}));
  EXPECT_EQ((*sharepoint)["unmapped_products"].size(), 2U);
  EXPECT_FALSE(catalog()->find_update("KB5002744").value());
  // Windows XP is affected by CVE-2019-1489 with no KB: said, and nothing made up.
  const auto december =
      std::find_if(documents.begin(), documents.end(), [](const Json& d) { return d["id"] == "2019-Dec"; });
  ASSERT_NE(december, documents.end());
  EXPECT_NE((*december)["notes"].dump().find("CVE-2019-1489 leaves known affected product(s) with no KB fix: 3700"),
            std::string::npos);

  // Importing everything again changes nothing and duplicates nothing.
  const auto count = update_count();
  const auto again = documents_of(import(files));
  for (const auto& document : again) {
    EXPECT_EQ(document["status"], "unchanged") << document.dump();
  }
  EXPECT_EQ(update_count(), count);
}

TEST_F(AdvisoryImport, ALaterRevisionUpdatesAndNeverDuplicates) {
  const auto original = advisory("cvrf/cvrfDocument-2017-Jan.xml");
  ASSERT_EQ(import({original}).exit_code, 0);
  const auto count = update_count();
  ASSERT_EQ(rating("KB3212642", "windows-7-sp1"), catalog::Severity::important);

  // Revision 3, a month later: CVE-2017-0004 re-rated Critical.
  auto text = read_text(original);
  text = std::regex_replace(text, std::regex("<cvrf:Number>2</cvrf:Number>"), "<cvrf:Number>3</cvrf:Number>");
  text = std::regex_replace(text, std::regex("<cvrf:CurrentReleaseDate>2017-04-12"),
                            "<cvrf:CurrentReleaseDate>2017-05-09");
  const auto start = text.find("<vuln:CVE>CVE-2017-0004</vuln:CVE>");
  ASSERT_NE(start, std::string::npos);
  const auto end = text.find("</vuln:Vulnerability>", start);
  text = text.substr(0, start) +
         std::regex_replace(text.substr(start, end - start), std::regex(">Important<"), ">Critical<") +
         text.substr(end);
  const auto revised = (m_dir / "2017-Jan-rev3.xml").string();
  write_file(revised, text);

  const auto documents = documents_of(import({revised}));
  ASSERT_EQ(documents.size(), 1U);
  EXPECT_EQ(documents[0]["status"], "revised") << documents[0].dump();
  EXPECT_EQ(documents[0]["revision"], "3");
  EXPECT_EQ(documents[0]["created"], 0);
  EXPECT_EQ(rating("KB3212642", "windows-7-sp1"), catalog::Severity::critical);
  EXPECT_EQ(update_count(), count);
  const auto sources = catalog()->update_advisories("KB3212642").value();
  ASSERT_EQ(sources.size(), 1U);
  EXPECT_EQ(sources[0].revision, "3");
  EXPECT_EQ(sources[0].current_release.to_string(), "2017-05-09");

  // The older revision again: nothing changes.
  EXPECT_EQ(documents_of(import({original}))[0]["status"], "older");
  EXPECT_EQ(rating("KB3212642", "windows-7-sp1"), catalog::Severity::critical);
  EXPECT_EQ(documents_of(import({revised}))[0]["status"], "unchanged");
}

TEST_F(AdvisoryImport, ABadFileInABatchIsReportedAndStopsNothing) {
  const auto bomb = (m_dir / "bomb.xml").string();
  write_file(bomb, R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1"><DocumentTitle>&lol2;</DocumentTitle></cvrfdoc>)");
  auto dangling = Json::parse(read_text(advisory("csaf/msrc_cve-2025-49704.json")));
  dangling["vulnerabilities"][0]["product_status"]["fixed"].push_back("999999");
  dangling["document"]["tracking"]["id"] = "made-up-for-the-test";
  const auto csaf = (m_dir / "dangling.json").string();
  write_file(csaf, dangling.dump());

  const auto before = update_count();
  const auto result =
      import({advisory("cvrf/cvrfDocument-2017-Jan.xml"), bomb, csaf, advisory("cvrf/cvrfDocument-Oct-OOB.xml")});
  EXPECT_NE(result.exit_code, 0);
  const auto documents = documents_of(result);
  ASSERT_EQ(documents.size(), 4U);
  EXPECT_TRUE(documents[0]["imported"].get<bool>());
  EXPECT_FALSE(documents[1]["imported"].get<bool>());
  EXPECT_NE(documents[1]["problems"].dump().find("document type declarations are refused"), std::string::npos)
      << documents[1].dump();
  EXPECT_FALSE(documents[2]["imported"].get<bool>());
  EXPECT_NE(documents[2]["problems"].dump().find("/vulnerabilities/0/product_status/fixed/"), std::string::npos)
      << documents[2].dump();
  EXPECT_NE(documents[2]["problems"].dump().find("6.1.1"), std::string::npos) << documents[2].dump();
  EXPECT_TRUE(documents[3]["imported"].get<bool>());
  EXPECT_GT(update_count(), before);
  EXPECT_TRUE(catalog()->update_advisories("KB5002744").value().empty()) << "nothing of a refused document";
  const auto trail = catalog()->audit_trail(std::nullopt).value();
  EXPECT_TRUE(std::none_of(trail.begin(), trail.end(), [](const auto& entry) {
    return entry.subject.find("made-up-for-the-test") != std::string::npos;
  }));
}

TEST_F(AdvisoryImport, AMappingFixedLaterIsReappliedAndRatingsDoNotDependOnOrder) {
  const auto sharepoint_49704 = advisory("csaf/msrc_cve-2025-49704.json");
  ASSERT_EQ(documents_of(import({sharepoint_49704}))[0]["skipped_kbs"], Json::array({"KB5002741", "KB5002744"}));
  // The operator maps SharePoint 2016's version range by name (MSRC's CSAF ids are local to each
  // document) to a catalog product, for the test's sake, and imports the same revision again.
  auto mapping = Json::parse(read_text(source_dir() / "examples" / "product-mapping.json"));
  mapping["products"].push_back(
      {{"product", "office-2010-sp2"}, {"names", {"Microsoft SharePoint Enterprise Server 2016 <16.0.5508.1000"}}});
  const auto mapping_file = (m_dir / "mapping.json").string();
  write_file(mapping_file, mapping.dump());
  const auto reapplied = documents_of(import({sharepoint_49704}, {"--mapping", mapping_file}));
  ASSERT_EQ(reapplied.size(), 1U);
  EXPECT_EQ(reapplied[0]["status"], "reapplied") << reapplied.dump();
  EXPECT_EQ(reapplied[0]["updates"], Json::array({"KB5002744"}));
  EXPECT_EQ(rating("KB5002744", "office-2010-sp2"), catalog::Severity::critical);
  // CVE-2025-49701's document rates the same KB Important: the highest rating stays.
  const auto other = documents_of(import({advisory("csaf/msrc_cve-2025-49701.json")}, {"--mapping", mapping_file}));
  ASSERT_EQ(other.size(), 1U);
  EXPECT_EQ(other[0]["status"], "new") << other.dump();
  EXPECT_EQ(rating("KB5002744", "office-2010-sp2"), catalog::Severity::critical);
  const auto cves = catalog()->find_update("KB5002744").value().value().cves;
  EXPECT_EQ(cves, (std::vector<std::string>{"CVE-2025-49701", "CVE-2025-49704"}));
}

TEST_F(AdvisoryImport, ADryRunKeepsNothing) {
  const auto before = update_count();
  const auto documents = documents_of(import({advisory("cvrf/cvrfDocument-2020-Feb.xml")}, {"--dry-run"}));
  ASSERT_EQ(documents.size(), 1U);
  EXPECT_EQ(documents[0]["status"], "new");
  EXPECT_GT(documents[0]["created"].get<int>(), 0);
  EXPECT_EQ(update_count(), before);
  EXPECT_FALSE(catalog()->find_update("KB4537820").value());
  EXPECT_EQ(documents_of(import({advisory("cvrf/cvrfDocument-2020-Feb.xml")}))[0]["status"], "new");
}

TEST_F(AdvisoryImport, ImportedAdvisoriesFeedTheBulletinsOfLevelTwoContacts) {
  ASSERT_EQ(import({advisory("cvrf/cvrfDocument-2020-Feb.xml")}).exit_code, 0);
  const Json order{
      {"customer", {{"id", "northwind"}, {"name", "Northwind Traders"}}},
      {"support", {{"level", 2}, {"start", "2016-01-01"}, {"end", "2023-12-31"}}},
      {"sites", {"oslo"}},
      {"contacts", Json::array({{{"email", "dana@northwind.example"}, {"name", "Dana Berg"}}})},
      {"enrolments", Json::array({{{"product", "windows-7-sp1"}, {"type", "standard"}, {"start", "2020-01-15"}}})}};
  const auto applied = client(m_operator).put("/v1/orders", order.dump());
  ASSERT_EQ(applied.status, 200) << applied.body;
  const auto dana = ll({"contacts", "credential", "--email", "dana@northwind.example"});
  const auto reply = client(dana).get("/v1/bulletins");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto bulletins = json_of(reply)["bulletins"];
  const auto rollup =
      std::find_if(bulletins.begin(), bulletins.end(), [](const Json& b) { return b["kb"] == "KB4537820"; });
  ASSERT_NE(rollup, bulletins.end()) << reply.body;
  EXPECT_EQ((*rollup)["severity"]["windows-7-sp1"], "critical");
  EXPECT_EQ((*rollup)["supersedes"], Json::array({"KB4534310"}));
  ASSERT_EQ((*rollup)["advisories"].size(), 1U);
  EXPECT_EQ((*rollup)["advisories"][0]["id"], "2020-Feb");
  EXPECT_EQ((*rollup)["advisories"][0]["revised"], "2020-09-22");
  // A level 1 customer's contact gets none (CS-16).
  EXPECT_EQ(client(m_carol).get("/v1/bulletins").status, 403);
}

} // namespace
} // namespace lifeline::testing
