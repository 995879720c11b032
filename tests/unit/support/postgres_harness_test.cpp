#include <gtest/gtest.h>

#include "tests/support/testing.hpp"

namespace lifeline {
namespace {

// What psql prints for one query against `uri` (unaligned, tuples only), failing the test when it fails.
std::string query(const std::string& uri, const std::string& sql) {
  const auto result =
      testing::run({testing::psql_binary().string(), "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql});
  EXPECT_EQ(result.exit_code, 0) << uri << ": " << sql << ": " << result.err;
  return result.out;
}

std::string schema_of(const std::string& uri) {
  const std::string marker = "options=-csearch_path%3D";
  const auto at = uri.find(marker);
  return at == std::string::npos ? std::string() : uri.substr(at + marker.size());
}

TEST(PostgresHarness, EachFreshSchemaIsTheSearchPathOfItsOwnUri) {
  const auto first = testing::fresh_postgres_schema_uri();
  const auto second = testing::fresh_postgres_schema_uri();
  ASSERT_EQ(first.rfind(testing::postgres_uri() + "&", 0), 0U) << first;
  ASSERT_EQ(schema_of(first).rfind("t_", 0), 0U) << first;
  ASSERT_EQ(schema_of(second).rfind("t_", 0), 0U) << second;
  ASSERT_NE(schema_of(first), schema_of(second));

  EXPECT_EQ(query(first, "show search_path"), schema_of(first) + "\n");
  EXPECT_EQ(query(second, "show search_path"), schema_of(second) + "\n");

  // Unqualified names land in, and resolve from, the URI's own schema only.
  query(first, "create table probe (id integer)");
  EXPECT_EQ(query(first, "select table_schema from information_schema.tables where table_name = 'probe'"),
            schema_of(first) + "\n");
  EXPECT_EQ(query(second, "select to_regclass('probe') is null"), "t\n");
}

} // namespace
} // namespace lifeline
