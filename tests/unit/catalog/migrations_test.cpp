// Schema migrations: a catalog written at version 1 opens, upgrades and keeps its data.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "catalog/catalog.hpp"
#include "catalog/sqlite/database.hpp"
#include "catalog/sqlite/migrations.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::catalog {
namespace {

using catalog::testing::d;

void load_fixture(const std::filesystem::path& db_file, const std::filesystem::path& sql_file) {
  sqlite::Database db(db_file);
  // The dump creates tables in name order, before the tables they reference.
  db.execute("PRAGMA foreign_keys = OFF");
  db.execute(lifeline::testing::read_text(sql_file));
}

TEST(Migrations, AVersionOneCatalogIsUpgradedWithItsDataIntact) {
  lifeline::testing::TempDir dir;
  const auto file = dir / "catalog.db";
  load_fixture(file, lifeline::testing::source_dir() / "tests/fixtures/catalog-v1.sql");
  {
    sqlite::Database db(file);
    ASSERT_EQ(sqlite::schema_version(db), 1);
  }
  auto catalog = open_sqlite_catalog(file);
  ASSERT_TRUE(catalog) << catalog.error().message;
  {
    sqlite::Database db(file);
    EXPECT_EQ(sqlite::schema_version(db), sqlite::latest_schema_version());
  }
  const auto order = (*catalog)->find_order("contoso");
  ASSERT_TRUE(order && *order);
  EXPECT_EQ((*order)->contacts.at(0).email, "alice@contoso.example");
  EXPECT_EQ((*catalog)->list_devices("contoso")->size(), 2U);
  // Version 2 added purchase consumption: the upgraded catalog uses it at once.
  const auto install = (*catalog)->record_install("dev-1", "KB4057113", AuditContext{d("2017-02-01"), "test"});
  ASSERT_TRUE(install) << install.error().message;
  EXPECT_TRUE(install->decision.allowed);
  EXPECT_TRUE(install->consumed_purchase);
  const auto second = (*catalog)->record_install("dev-2", "KB4057113", AuditContext{d("2017-02-01"), "test"});
  EXPECT_FALSE(second->decision.allowed);
  EXPECT_EQ((*catalog)->audit_trail(std::nullopt)->front().subject, "dev-1");
}

TEST(Migrations, ANewerCatalogIsRefused) {
  lifeline::testing::TempDir dir;
  {
    sqlite::Database db(dir / "catalog.db");
    db.execute("PRAGMA user_version = 99");
  }
  const auto catalog = open_sqlite_catalog(dir / "catalog.db");
  ASSERT_FALSE(catalog);
  EXPECT_NE(catalog.error().message.find("newer"), std::string::npos);
}

TEST(Migrations, OpeningTwiceIsHarmless) {
  lifeline::testing::TempDir dir;
  ASSERT_TRUE(open_sqlite_catalog(dir / "catalog.db"));
  ASSERT_TRUE(open_sqlite_catalog(dir / "catalog.db"));
  sqlite::Database db(dir / "catalog.db");
  EXPECT_EQ(sqlite::schema_version(db), sqlite::latest_schema_version());
}

TEST(Migrations, APageOfDevicesIsReadThroughItsIndexWithoutSorting) {
  lifeline::testing::TempDir dir;
  ASSERT_TRUE(open_sqlite_catalog(dir / "catalog.db"));
  sqlite::Database db(dir / "catalog.db");
  // The statements of Catalog::list_devices_page and fleet_facts_page (one active on a date).
  for (const std::string active : {"", " AND registered <= ?5 AND (retired IS NULL OR retired > ?5)"}) {
    auto plan = db.prepare("EXPLAIN QUERY PLAN SELECT id, customer_id, site, product_id, service_pack, language, "
                           "registered, retired, sequence, last_seen FROM devices WHERE customer_id = ?1 AND "
                           "(registered, sequence) > (?2, ?3)" +
                           active + " ORDER BY registered, sequence LIMIT ?4");
    std::string steps;
    while (plan.step()) {
      steps += plan.text(3) + "\n";
    }
    EXPECT_NE(steps.find("USING INDEX devices_by_registration"), std::string::npos) << steps;
    EXPECT_EQ(steps.find("TEMP B-TREE"), std::string::npos) << steps;
  }
}

} // namespace
} // namespace lifeline::catalog
