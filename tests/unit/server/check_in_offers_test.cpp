// One check-in offer per class of devices: devices the rules cannot tell apart share it, and
// what tells them apart (the date crossing a plan step, the place against the cap, a purchase
// taken) makes another class.
#include <gtest/gtest.h>

#include "server/api/check_in_offers.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::server::api {
namespace {

using namespace catalog::testing;

EnrolmentOffers offers() {
  catalog::EnrolmentView view;
  view.product = sql_server_2005();
  view.updates = {critical_update()};
  view.customer = contoso();
  view.enrolment = standard_enrolment(); // the cap steps from 120 to 80 on 2017-01-13
  return make_enrolment_offers(std::move(view), "contoso/sql");
}

catalog::DeviceView view_of(const char* id, std::int64_t ahead) {
  return catalog::DeviceView{device(id), ahead, {}, {}};
}

const service::PublishedPayloads k_payloads{{"sql-server-2005-sp4/KB4057113/abc.KB4057113.cab", "KB4057113"}};

TEST(CheckInOffers, DevicesTheRulesCannotTellApartShareOneOfferThatNamesNoDevice) {
  const auto shared = offers();
  const auto first = view_of("dev-1", 3);
  const auto second = view_of("dev-2", 7);
  const auto at = d("2017-02-01");
  EXPECT_EQ(class_key(shared, first, at), class_key(shared, second, at));
  auto outdated = view_of("dev-3", 3);
  outdated.device.service_pack = "SP3";
  const auto offer = make_class_offer(shared, outdated, at, k_payloads);
  EXPECT_TRUE(offer.offered.empty());
  EXPECT_NE(offer.withheld.find("SERVICE_PACK_OUTDATED"), std::string::npos);
  EXPECT_EQ(offer.withheld.find("dev-3"), std::string::npos) << offer.withheld;
  EXPECT_NE(class_key(shared, outdated, at), class_key(shared, first, at));
}

TEST(CheckInOffers, APlanStepMakesTheDevicesOverTheNewCapAnotherClass) {
  const auto shared = offers();
  const auto device = view_of("dev-90", 85);
  const auto before = d("2017-01-12");
  const auto after = d("2017-01-13");
  EXPECT_NE(class_key(shared, device, before), class_key(shared, device, after));
  EXPECT_EQ(make_class_offer(shared, device, before, k_payloads).targets.size(), 1U);
  const auto over = make_class_offer(shared, device, after, k_payloads);
  EXPECT_TRUE(over.targets.empty());
  EXPECT_NE(over.withheld.find("DEVICE_LIMIT_REACHED"), std::string::npos);
  EXPECT_NE(over.withheld.find("85 active devices"), std::string::npos) << over.withheld;
  // Another device over the cap with another count is its own class: its words differ.
  EXPECT_NE(class_key(shared, view_of("dev-91", 86), after), class_key(shared, device, after));
}

TEST(CheckInOffers, InstallsAreTheDevicesOwnNotTheClasss) {
  const auto shared = offers();
  auto device = view_of("dev-1", 0);
  const auto offer = make_class_offer(shared, device, d("2017-02-01"), k_payloads);
  ASSERT_EQ(offer.offered.size(), 1U);
  EXPECT_NE(check_in_body(offer, device, "{}", "{}").find("\"installed\":false"), std::string::npos);
  device.installed = {"KB4057113"};
  const auto body = check_in_body(offer, device, "{}", "{}");
  EXPECT_NE(body.find("\"installed\":true"), std::string::npos) << body;
}

} // namespace
} // namespace lifeline::server::api
