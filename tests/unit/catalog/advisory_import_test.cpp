// Catalog::import_advisory: a document's contribution per KB, replaced by its later revisions
// and never touching what manifests or other documents said; revisions ordered.
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/engines.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog {
namespace {

using namespace catalog::testing;

AdvisoryRecord record(const char* source, const char* id, const char* revision, const char* date) {
  return AdvisoryRecord{source, id, "cvrf", revision, "Security Updates", d("2017-01-10"), d(date)};
}

class AdvisoryImportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    m_catalog = open_test_catalog(GetParam(), m_dir.path());
    ASSERT_TRUE(m_catalog);
    ASSERT_TRUE(succeeded(m_catalog->apply_products({sql_server_2005()}, context())));
    auto manifest = critical_update(); // KB4057113, from its manifest, with its own CVE and no rating
    manifest.cves = {"CVE-2017-0001"};
    manifest.products = {ProductRating{"sql-server-2005-sp4", std::nullopt}};
    ASSERT_TRUE(succeeded(m_catalog->add_update(manifest, context())));
  }

  static AuditContext context() { return AuditContext{d("2017-02-01"), "test"}; }

  static AdvisoryUpdate fix(std::vector<std::string> cves, std::optional<Severity> severity,
                            std::vector<std::string> supersedes) {
    return AdvisoryUpdate{"KB4057113",
                          "January: Security Update KB4057113",
                          d("2017-01-10"),
                          std::move(cves),
                          {ProductRating{"sql-server-2005-sp4", severity}},
                          {"sql-server-2005-sp4"},
                          std::move(supersedes)};
  }

  [[nodiscard]] Update update() const { return m_catalog->find_update("KB4057113").value().value(); }

  lifeline::testing::TempDir m_dir;
  std::unique_ptr<Catalog> m_catalog;
};

TEST_P(AdvisoryImportTest, ALaterRevisionReplacesOnlyItsOwnContribution) {
  const auto import = [&](const char* id, const char* revision, const char* date, std::vector<AdvisoryUpdate> fixes) {
    auto outcome = m_catalog->import_advisory(record("msrc", id, revision, date), fixes, context(), false);
    EXPECT_TRUE(outcome) << outcome.error().message;
    return outcome ? outcome->status : AdvisoryStatus::older_revision;
  };
  const auto severity = [&] { return rating_for(update(), "sql-server-2005-sp4")->severity; };

  EXPECT_EQ(import("2017-Jan", "1", "2017-01-10",
                   {fix({"CVE-2017-0010", "CVE-2017-0011"}, Severity::important, {"KB3000001"})}),
            AdvisoryStatus::new_document);
  EXPECT_EQ(update().cves, (std::vector<std::string>{"CVE-2017-0001", "CVE-2017-0010", "CVE-2017-0011"}));
  EXPECT_EQ(severity(), Severity::important);
  EXPECT_EQ(update().supersedes, std::vector<std::string>{"KB3000001"});
  EXPECT_EQ(update().title, "Security update") << "an existing update keeps its title";
  EXPECT_EQ(update().requires_service_pack, "SP4") << "and what only its manifest says";

  // Another document about the same KB adds to it.
  EXPECT_EQ(import("msrc_CVE-2017-0020", "1", "2017-01-12", {fix({"CVE-2017-0020"}, Severity::moderate, {})}),
            AdvisoryStatus::new_document);
  EXPECT_EQ(severity(), Severity::important) << "the highest rating anyone gives";

  // Revision 2 drops CVE-2017-0011 and the supersedence, and rates the product Low: the other
  // document's Moderate is now the highest.
  EXPECT_EQ(import("2017-Jan", "2", "2017-02-14", {fix({"CVE-2017-0010"}, Severity::low, {})}),
            AdvisoryStatus::new_revision);
  EXPECT_EQ(update().cves, (std::vector<std::string>{"CVE-2017-0001", "CVE-2017-0010", "CVE-2017-0020"}));
  EXPECT_TRUE(update().supersedes.empty());
  EXPECT_EQ(severity(), Severity::moderate);
  EXPECT_EQ(m_catalog->list_updates().value().size(), 1U);
  const auto sources = m_catalog->update_advisories("KB4057113").value();
  ASSERT_EQ(sources.size(), 2U);
  EXPECT_EQ(sources[0].id, "2017-Jan") << "latest revision date first";
  EXPECT_EQ(sources[0].revision, "2");
  EXPECT_EQ(m_catalog->affected_products("KB4057113").value(), std::vector<std::string>{"sql-server-2005-sp4"});

  // The same revision changes nothing; said differently (the mapping changed) it is reapplied;
  // an older revision changes nothing.
  EXPECT_EQ(import("2017-Jan", "2", "2017-02-14", {fix({"CVE-2017-0010"}, Severity::low, {})}),
            AdvisoryStatus::same_revision);
  EXPECT_EQ(import("2017-Jan", "2", "2017-02-14", {fix({"CVE-2017-0010"}, Severity::critical, {})}),
            AdvisoryStatus::reapplied);
  EXPECT_EQ(severity(), Severity::critical);
  EXPECT_EQ(import("2017-Jan", "1", "2017-01-10", {fix({"CVE-2017-0099"}, Severity::low, {})}),
            AdvisoryStatus::older_revision);
  EXPECT_EQ(severity(), Severity::critical);

  // Revision 3 no longer lists the KB: what it said goes, what the manifest and the other
  // document said stays.
  EXPECT_EQ(import("2017-Jan", "3", "2017-03-14", {}), AdvisoryStatus::new_revision);
  EXPECT_EQ(update().cves, (std::vector<std::string>{"CVE-2017-0001", "CVE-2017-0020"}));
  EXPECT_EQ(severity(), Severity::moderate);

  // The manifest applied again restates its own part; the documents' parts stay.
  auto manifest = critical_update();
  manifest.cves = {"CVE-2017-0002"};
  manifest.products = {ProductRating{"sql-server-2005-sp4", std::nullopt}};
  ASSERT_TRUE(succeeded(m_catalog->add_update(manifest, context())));
  EXPECT_EQ(update().cves, (std::vector<std::string>{"CVE-2017-0002", "CVE-2017-0020"}));
  EXPECT_EQ(severity(), Severity::moderate);
}

TEST_P(AdvisoryImportTest, ANewKbIsCreatedAndADryRunKeepsNothing) {
  auto fresh = fix({"CVE-2017-0030"}, Severity::moderate, {"KB4057113"});
  fresh.kb = "KB4100000";
  const auto dry = m_catalog->import_advisory(record("msrc", "2017-Mar", "1", "2017-03-14"), {fresh}, context(), true);
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->created, 1);
  EXPECT_FALSE(m_catalog->find_update("KB4100000").value());
  const auto trail = m_catalog->audit_trail(std::nullopt).value();
  EXPECT_TRUE(std::none_of(trail.begin(), trail.end(), [](const auto& e) { return e.action == "advisory.import"; }));
  const auto kept =
      m_catalog->import_advisory(record("msrc", "2017-Mar", "1", "2017-03-14"), {fresh}, context(), false);
  EXPECT_EQ(kept->status, AdvisoryStatus::new_document) << "the dry run left no trace of the document";
  const auto created = m_catalog->find_update("KB4100000").value().value();
  EXPECT_EQ(created.title, "January: Security Update KB4057113");
  EXPECT_EQ(created.kind, UpdateKind::security);
  EXPECT_EQ(created.supersedes, std::vector<std::string>{"KB4057113"});
}

TEST(AdvisoryRevisions, AreOrderedByDateThenByNumberFieldByField) {
  EXPECT_GT(compare_revisions(record("s", "i", "10", "2020-01-01"), record("s", "i", "9", "2020-01-01")), 0);
  EXPECT_GT(compare_revisions(record("s", "i", "1.10", "2020-01-01"), record("s", "i", "1.9", "2020-01-01")), 0);
  EXPECT_LT(compare_revisions(record("s", "i", "12", "2020-01-01"), record("s", "i", "2", "2020-02-01")), 0);
  EXPECT_EQ(compare_revisions(record("s", "i", "1.0.0", "2020-01-01"), record("s", "i", "1.0.0", "2020-01-01")), 0);
  EXPECT_GT(compare_revisions(record("s", "i", "1.0.1", "2020-01-01"), record("s", "i", "1.0", "2020-01-01")), 0);
  // Semantic versions (CSAF): a pre-release before its release, build metadata ignored.
  EXPECT_LT(compare_revisions(record("s", "i", "1.0.0-rc.1", "2020-01-01"), record("s", "i", "1.0.0", "2020-01-01")),
            0);
  EXPECT_LT(
      compare_revisions(record("s", "i", "1.0.0-rc.2", "2020-01-01"), record("s", "i", "1.0.0-rc.10", "2020-01-01")),
      0);
  EXPECT_LT(compare_revisions(record("s", "i", "1.0.0-1", "2020-01-01"), record("s", "i", "1.0.0-alpha", "2020-01-01")),
            0);
  EXPECT_EQ(compare_revisions(record("s", "i", "1.0.0+b2", "2020-01-01"), record("s", "i", "1.0.0", "2020-01-01")), 0);
  // Numbers of any length compare by value, without overflowing.
  EXPECT_GT(compare_revisions(record("s", "i", ("1" + std::string(20, '0')).c_str(), "2020-01-01"),
                              record("s", "i", std::string(19, '9').c_str(), "2020-01-01")),
            0);
}

INSTANTIATE_TEST_SUITE_P(Engines, AdvisoryImportTest, k_engines, engine_name);

} // namespace
} // namespace lifeline::catalog
