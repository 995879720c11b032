#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "signing/canonical_json.hpp"
#include "signing/tuf/metadata.hpp"

namespace lifeline::signing {
namespace {

using Json = nlohmann::ordered_json;

TEST(CanonicalJson, SortsKeysAndDropsWhitespace) {
  const auto value = Json::parse(R"({"b": [1, 2, {"z": null, "a": true}], "a": "x", "B": false})");
  EXPECT_EQ(canonical_json(value).value(), R"({"B":false,"a":"x","b":[1,2,{"a":true,"z":null}]})");
}

TEST(CanonicalJson, EscapesOnlyBackslashAndQuote) {
  const Json value = {{"s", "a\"b\\c\nd\u00e9"}};
  EXPECT_EQ(canonical_json(value).value(), "{\"s\":\"a\\\"b\\\\c\nd\xc3\xa9\"}");
}

TEST(CanonicalJson, SortsKeysByTheirUtf8Bytes) {
  const Json value = {{"\xc3\xa9", 1}, {"z", 2}, {"Z", 3}};
  EXPECT_EQ(canonical_json(value).value(), "{\"Z\":3,\"z\":2,\"\xc3\xa9\":1}");
}

TEST(CanonicalJson, RefusesFloats) {
  EXPECT_FALSE(canonical_json(Json::parse(R"({"n": 1.5})")));
  EXPECT_EQ(canonical_json(Json::parse(R"({"n": -3})")).value(), R"({"n":-3})");
}

// The specification's example root lists this key under this keyid.
TEST(KeyId, MatchesTheSpecificationExample) {
  const tuf::Key key{"ed25519", "ed25519", "72378e5bc588793e58f81c8533da64a2e8f1565c1fcc7f253496394ffc52542c"};
  EXPECT_EQ(tuf::key_id(key), "1bf1c6e3cdd3d3a8420b19199e27511999850f4b376c4547b2f32fba7e80fca3");
  const tuf::Key root_key{"ed25519", "ed25519", "66dd78c5c2a78abc6fc6b267ff1a8017ba0e8bfc853dd97af351949bba021275"};
  EXPECT_EQ(tuf::key_id(root_key), "cb3fbd83df4ba2471a736b065650878280964a98843ec13b457a99b2a21cc3b4");
}

TEST(Expires, ParsesOnlyTheSpecificationForm) {
  EXPECT_EQ(tuf::parse_expires("1970-01-02T00:00:01Z"), 86401);
  EXPECT_EQ(tuf::format_expires(86401), "1970-01-02T00:00:01Z");
  for (const char* bad : {"2030-01-01", "2030-01-01T00:00:00", "2030-01-01T00:00:00+00:00", "2030-01-01 00:00:00Z",
                          "2030-02-30T00:00:00Z", "2030-01-01T24:00:00Z", "2030-01-01T00:00:00.000Z"}) {
    EXPECT_FALSE(tuf::parse_expires(bad).has_value()) << bad;
  }
}

TEST(DelegatedPaths, WildcardsNeverCrossSlashes) {
  tuf::DelegatedRole role;
  role.paths = std::vector<std::string>{"targets/*.tgz", "foo-version-?.tgz", "product/*/*"};
  EXPECT_TRUE(role.matches("targets/foo.tgz"));
  EXPECT_FALSE(role.matches("targets/foo.txt"));
  EXPECT_TRUE(role.matches("foo-version-2.tgz"));
  EXPECT_FALSE(role.matches("foo-version-alpha.tgz"));
  EXPECT_TRUE(role.matches("product/KB1/update.cab"));
  EXPECT_FALSE(role.matches("product/KB1/x/update.cab"));
  EXPECT_FALSE(role.matches("other/KB1/update.cab"));
  tuf::DelegatedRole hashed;
  hashed.path_hash_prefixes = std::vector<std::string>{"ba78"}; // sha256("abc") starts with ba78
  EXPECT_TRUE(hashed.matches("abc"));
  EXPECT_FALSE(hashed.matches("abd"));
}

TEST(SuccinctRoles, NameTheBinOfATargetByItsHashPrefix) {
  tuf::SuccinctRoles bins;
  bins.name_prefix = "bin";
  bins.bit_length = 8;
  EXPECT_EQ(bins.role_for("bar"), "bin-fc"); // sha256("bar") = fcde2b2e...
  bins.bit_length = 2;
  EXPECT_EQ(bins.role_for("bar"), "bin-3");
  EXPECT_TRUE(bins.is_delegated_role("bin-3"));
  EXPECT_FALSE(bins.is_delegated_role("bin-4"));
  EXPECT_FALSE(bins.is_delegated_role("bin-03"));
  EXPECT_FALSE(bins.is_delegated_role("other-3"));
}

} // namespace
} // namespace lifeline::signing
