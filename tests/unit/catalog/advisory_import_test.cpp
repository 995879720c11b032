// Catalog::import_advisory: a document's contribution per KB, replaced by its later revisions
// and never touching what manifests or other documents said; revisions ordered.
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog {
namespace {

using namespace catalog::testing;

AdvisoryRecord record(const char* source, const char* id, const char* revision, const char* date) {
  return AdvisoryRecord{source, id, "cvrf", revision, "Security Updates", d("2017-01-10"), d(date)};
}

class AdvisoryImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_catalog = std::move(open_sqlite_catalog(m_dir / "catalog.db").value());
    ASSERT_TRUE(m_catalog->apply_products({sql_server_2005()}, context()));
    auto manifest = critical_update(); // KB4057113, from its manifest, with its own CVE
    manifest.cves = {"CVE-2017-0001"};
    ASSERT_TRUE(m_catalog->add_update(manifest, context()));
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

TEST_F(AdvisoryImportTest, ALaterRevisionReplacesOnlyItsOwnContribution) {
  auto first = m_catalog->import_advisory(record("msrc", "2017-Jan", "1", "2017-01-10"),
                                          {fix({"CVE-2017-0010", "CVE-2017-0011"}, Severity::important, {"KB3000001"})},
                                          context(), false);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, AdvisoryStatus::new_document);
  EXPECT_EQ(first->updated, 1);
  EXPECT_EQ(update().cves, (std::vector<std::string>{"CVE-2017-0001", "CVE-2017-0010", "CVE-2017-0011"}));
  EXPECT_EQ(rating_for(update(), "sql-server-2005-sp4")->severity, Severity::important);
  EXPECT_EQ(update().supersedes, std::vector<std::string>{"KB3000001"});
  EXPECT_EQ(update().title, "Security update") << "an existing update keeps its title";
  EXPECT_EQ(update().requires_service_pack, "SP4") << "and what only its manifest says";

  // Another document about the same KB adds to it.
  ASSERT_TRUE(m_catalog->import_advisory(record("msrc", "msrc_CVE-2017-0020", "1", "2017-01-12"),
                                         {fix({"CVE-2017-0020"}, Severity::important, {})}, context(), false));
  // Revision 2 drops CVE-2017-0011 and the supersedence, and re-rates the product.
  auto second = m_catalog->import_advisory(record("msrc", "2017-Jan", "2", "2017-02-14"),
                                           {fix({"CVE-2017-0010"}, Severity::critical, {})}, context(), false);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, AdvisoryStatus::new_revision);
  EXPECT_EQ(second->previous->revision, "1");
  EXPECT_EQ(update().cves, (std::vector<std::string>{"CVE-2017-0001", "CVE-2017-0010", "CVE-2017-0020"}));
  EXPECT_TRUE(update().supersedes.empty());
  EXPECT_EQ(rating_for(update(), "sql-server-2005-sp4")->severity, Severity::critical);
  EXPECT_EQ(m_catalog->list_updates().value().size(), 1U);
  const auto sources = m_catalog->update_advisories("KB4057113").value();
  ASSERT_EQ(sources.size(), 2U);
  EXPECT_EQ(sources[0].id, "2017-Jan") << "latest revision date first";
  EXPECT_EQ(sources[0].revision, "2");
  EXPECT_EQ(m_catalog->affected_products("KB4057113").value(), std::vector<std::string>{"sql-server-2005-sp4"});

  // The same revision, or an older one, changes nothing.
  const auto same = m_catalog->import_advisory(record("msrc", "2017-Jan", "2", "2017-02-14"),
                                               {fix({"CVE-2017-0099"}, Severity::low, {})}, context(), false);
  EXPECT_EQ(same->status, AdvisoryStatus::same_revision);
  const auto older = m_catalog->import_advisory(record("msrc", "2017-Jan", "1", "2017-01-10"),
                                                {fix({"CVE-2017-0099"}, Severity::low, {})}, context(), false);
  EXPECT_EQ(older->status, AdvisoryStatus::older_revision);
  EXPECT_EQ(rating_for(update(), "sql-server-2005-sp4")->severity, Severity::critical);
}

TEST_F(AdvisoryImportTest, ANewKbIsCreatedAndADryRunKeepsNothing) {
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
  // Huge numbers compare as text rather than overflowing.
  EXPECT_NE(compare_revisions(record("s", "i", std::string(40, '9').c_str(), "2020-01-01"),
                              record("s", "i", "1", "2020-01-01")),
            0);
}

} // namespace
} // namespace lifeline::catalog
