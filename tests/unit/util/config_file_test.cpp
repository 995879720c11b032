#include <gtest/gtest.h>

#include "tests/support/testing.hpp"
#include "util/config_file.hpp"

namespace lifeline::util {
namespace {

bool short_name(std::string_view text) {
  return !text.empty() && text.size() <= 8;
}

class ConfigFileTest : public ::testing::Test {
 protected:
  Result<ConfigFile> load(const std::string& text) {
    lifeline::testing::write_file(m_dir / "settings.json", text);
    return ConfigFile::load(m_dir / "settings.json");
  }
  lifeline::testing::TempDir m_dir;
};

TEST_F(ConfigFileTest, AbsentSettingsKeepTheirDefaults) {
  auto file = load(R"({"name": "alpha"})");
  ASSERT_TRUE(file) << file.error().message;
  std::string name = "default";
  std::int64_t count = 7;
  bool on = true;
  std::vector<std::string> list{"x"};
  file->text("name", name, short_name, "a short name");
  file->integer("count", count, 1, 10);
  file->boolean("on", on);
  file->text_list("list", list, short_name, "short names");
  ASSERT_TRUE(file->finish());
  EXPECT_EQ(name, "alpha");
  EXPECT_EQ(count, 7);
  EXPECT_TRUE(on);
  EXPECT_EQ(list, std::vector<std::string>{"x"});
}

TEST_F(ConfigFileTest, WrongValuesNameTheSettingAndWhatItMustBe) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"name": "far too long"})", "/name must be a short name"},
      {R"({"name": 3})", "/name must be a short name"},
      {R"({"count": 11})", "/count must be an integer from 1 to 10"},
      {R"({"count": 2.5})", "/count must be an integer from 1 to 10"},
      {R"({"on": "yes"})", "/on must be true or false"},
      {R"({"list": ["a", 1]})", "/list must be a list of short names"},
      {R"({"colour": "blue"})", "/colour is not a known setting"},
  };
  for (const auto& [text, expected] : cases) {
    auto file = load(text);
    ASSERT_TRUE(file) << text;
    std::string name;
    std::int64_t count = 1;
    bool on = false;
    std::vector<std::string> list;
    file->text("name", name, short_name, "a short name");
    file->integer("count", count, 1, 10);
    file->boolean("on", on);
    file->text_list("list", list, short_name, "short names");
    const auto finished = file->finish();
    ASSERT_FALSE(finished) << text;
    EXPECT_NE(finished.error().message.find(expected), std::string::npos) << finished.error().message;
    EXPECT_NE(finished.error().message.find("settings.json: "), std::string::npos);
  }
}

TEST_F(ConfigFileTest, RequiredSettingsAndNestedObjects) {
  auto file = load(R"({"items": [{"name": "a"}, {"name": "b", "extra": 1}]})");
  ASSERT_TRUE(file);
  std::string missing;
  file->text("owner", missing, short_name, "a short name", true);
  auto items = file->object_list("items", "items");
  ASSERT_EQ(items.size(), 2U);
  std::string name;
  items[1].text("name", name, short_name, "a short name");
  EXPECT_EQ(name, "b");
  const auto top = file->finish();
  ASSERT_FALSE(top);
  EXPECT_NE(top.error().message.find("/owner must be set"), std::string::npos) << top.error().message;
  const auto nested = items[1].finish();
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().message.find("/items/1/extra is not a known setting"), std::string::npos)
      << nested.error().message;
}

TEST_F(ConfigFileTest, OnlyAStrictJsonObjectIsAConfiguration) {
  EXPECT_FALSE(load(R"(["a"])"));
  EXPECT_FALSE(load(R"({"a": 1, "a": 2})")); // duplicate keys
  EXPECT_FALSE(load("{"));
  EXPECT_FALSE(ConfigFile::load(m_dir / "absent.json"));
}

} // namespace
} // namespace lifeline::util
