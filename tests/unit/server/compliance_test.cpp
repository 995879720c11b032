#include <gtest/gtest.h>

#include "server/service/compliance.hpp"

namespace lifeline::server::service {
namespace {

using catalog::Severity;

util::Date day(const char* text) {
  return util::Date::parse(text).value();
}

UpdateStatus status(const char* kb, UpdateState state, std::optional<Severity> severity, const char* released) {
  catalog::Update update;
  update.id = kb;
  update.released = day(released);
  update.products = {catalog::ProductRating{"sql", severity}};
  return UpdateStatus{update, state, {}, std::nullopt};
}

DeviceCompliance device(const char* id, bool stale, std::vector<UpdateStatus> updates) {
  catalog::Device device;
  device.id = id;
  device.product = "sql";
  return DeviceCompliance{device, stale, std::move(updates)};
}

TEST(ProductCompliance, CountsStatesPatchedDevicesAndTheOldestMissingCritical) {
  const std::vector<DeviceCompliance> devices{
      device("dev-1", false,
             {status("KB1", UpdateState::installed, Severity::critical, "2017-01-01"),
              status("KB2", UpdateState::superseded, Severity::important, "2016-06-01")}),
      device("dev-2", true,
             {status("KB1", UpdateState::entitled_missing, Severity::critical, "2017-01-01"),
              status("KB3", UpdateState::entitled_missing, Severity::critical, "2016-12-02"),
              status("KB4", UpdateState::entitled_missing, Severity::important, "2016-01-01")}),
      device("dev-3", false,
             {status("KB1", UpdateState::prerequisite_missing, Severity::critical, "2017-01-01"),
              status("KB5", UpdateState::not_entitled, std::nullopt, "2016-01-01")}),
  };
  const auto summaries = product_compliance(devices, day("2017-01-11"));
  ASSERT_EQ(summaries.size(), 1U);
  const auto& sql = summaries[0];
  EXPECT_EQ(sql.devices, 3);
  EXPECT_EQ(sql.fully_patched, 1) << "dev-1 only: a missing prerequisite is not patched";
  EXPECT_EQ(sql.stale, 1);
  EXPECT_EQ(sql.states.at(UpdateState::entitled_missing), 3);
  EXPECT_EQ(sql.states.at(UpdateState::installed), 1);
  EXPECT_EQ(sql.states.at(UpdateState::prerequisite_missing), 1);
  EXPECT_EQ(sql.states.at(UpdateState::not_entitled), 1);
  EXPECT_EQ(sql.states.at(UpdateState::superseded), 1);
  EXPECT_EQ(sql.oldest_missing_critical_days, 40) << "KB3, released 2016-12-02; KB4 is only Important";
}

TEST(ProductCompliance, NoMissingCriticalIsNoAge) {
  const auto summaries = product_compliance(
      {device("dev-1", false, {status("KB1", UpdateState::installed, Severity::critical, "2017-01-01")})},
      day("2017-01-11"));
  ASSERT_EQ(summaries.size(), 1U);
  EXPECT_FALSE(summaries[0].oldest_missing_critical_days);
  EXPECT_EQ(to_string(UpdateState::entitled_missing), "entitled-missing");
}

} // namespace
} // namespace lifeline::server::service
