// Catalog locations shown in logs and output never carry a PostgreSQL password.
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"

namespace lifeline::catalog {
namespace {

TEST(CatalogLocation, APasswordIsHiddenWhereverTheUriCarriesIt) {
  EXPECT_EQ(redacted_location("postgresql://ops:s3cret@db.example:5432/ll"), "postgresql://ops:***@db.example:5432/ll");
  EXPECT_EQ(redacted_location("postgres://ops@db.example/ll?sslmode=require&Password=s3cret&x=1"),
            "postgres://ops@db.example/ll?sslmode=require&Password=***&x=1");
  EXPECT_EQ(redacted_location("postgresql://ops:a@db/ll?password=b"), "postgresql://ops:***@db/ll?password=***");
  EXPECT_EQ(redacted_location("postgresql:///ll?host=/tmp/pg&user=ops"), "postgresql:///ll?host=/tmp/pg&user=ops");
  EXPECT_EQ(redacted_location("/var/lib/lifeline/catalog.db"), "/var/lib/lifeline/catalog.db");
}

TEST(CatalogLocation, LibpqMessagesLoseTheUriAndItsPassword) {
  const std::string uri = "postgresql://ops:s3cret@[::1/ll";
  const auto message = without_secrets("missing \"]\" in IPv6 host address in URI: \"" + uri + "\"", uri);
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  EXPECT_NE(message.find("postgresql://ops:***@"), std::string::npos) << message;
  EXPECT_EQ(without_secrets("invalid percent-encoded token: \"s3cret\"", uri).find("s3cret"), std::string::npos);
}

TEST(CatalogLocation, OnlyPostgresqlUrisArePostgresql) {
  EXPECT_TRUE(is_postgres_location("postgresql://db/ll"));
  EXPECT_TRUE(is_postgres_location("postgres://db/ll"));
  EXPECT_FALSE(is_postgres_location("host=db dbname=ll"));
  EXPECT_FALSE(is_postgres_location("catalog.db"));
}

} // namespace
} // namespace lifeline::catalog
