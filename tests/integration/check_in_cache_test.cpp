// What check-ins share (server/api/check_in_offers.hpp) against the real server: every write that
// changes a decision is seen by the very next check-in, also when another process made it, and
// writes that change nothing for a device leave its class's offer warm. `computed` counts the
// offers decided afresh (lifeline_check_in_offers_total in /metrics).
#include <filesystem>
#include <regex>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

using Json = nlohmann::json;

std::string examples(const std::string& name) {
  return (source_dir() / "examples" / name).string();
}

class CheckInCache : public ApiFixture {
 protected:
  Json check_in(const std::string& device, const std::string& service_pack = "SP4") const {
    const auto reply = client(device).post("/v1/devices/me/check-in",
                                           Json{{"service_pack", service_pack}, {"language", "en-US"}}.dump());
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json_of(reply);
  }

  [[nodiscard]] long computed() const {
    const auto reply = client(m_operator).get("/metrics");
    std::smatch match;
    static const std::regex k_line(R"(lifeline_check_in_offers_total\{result="computed"\} (\d+))");
    EXPECT_TRUE(std::regex_search(reply.body, match, k_line)) << reply.body;
    return match.empty() ? -1 : std::stol(match[1]);
  }

  static std::vector<std::string> kbs(const Json& list) {
    std::vector<std::string> out;
    for (const auto& item : list) {
      out.push_back(item["kb"]);
    }
    return out;
  }

  static const Json* withheld(const Json& answer, const std::string& kb) {
    for (const auto& item : answer["withheld"]) {
      if (item["kb"] == kb) {
        return &item;
      }
    }
    return nullptr;
  }

  // Publishes a manifest through the API (the publisher's credential).
  void publish(const Json& manifest, const std::string& payload) const {
    const auto reply =
        client(m_publisher).publish(manifest.dump(), manifest["id"].get<std::string>() + ".cab", payload);
    ASSERT_LT(reply.status, 300) << reply.body;
  }
};

TEST_F(CheckInCache, UnrelatedWritesLeaveOtherDevicesWarm) {
  const auto a = register_device(enrolment_token(k_sql));
  const auto b = register_device(enrolment_token(k_sql));
  ASSERT_FALSE(a.empty() || b.empty());
  const auto cold = computed();
  check_in(a);
  check_in(b); // same class as a: shared
  EXPECT_EQ(computed(), cold + 1);

  // a downloads and installs, another enrolment gains a device, a token is made: none of it
  // changes what b is offered.
  const auto payload = client(a).get(payload_url("KB4057113"));
  ASSERT_EQ(payload.status, 200) << payload.body;
  const auto report =
      client(a).post("/v1/devices/me/reports", R"({"report_id":"r-1","update":"KB4057113","outcome":"installed"})");
  ASSERT_EQ(report.status, 201) << report.body;
  ASSERT_FALSE(register_device(enrolment_token("windows-server-2003-sp2"), "windows-server-2003-sp2", "SP2").empty());
  const auto before = computed();
  const auto answer_b = check_in(b);
  EXPECT_EQ(computed(), before) << "an unrelated write made b's check-in cold";
  EXPECT_EQ(answer_b["updates"][0]["installed"], false);
  const auto answer_a = check_in(a);
  EXPECT_EQ(computed(), before);
  EXPECT_EQ(answer_a["updates"][0]["installed"], true) << "a's own install is its own, not its class's";
}

TEST_F(CheckInCache, APublishedOrSupersedingUpdateIsOfferedAtTheNextCheckIn) {
  const auto device = register_device(enrolment_token(k_sql));
  EXPECT_EQ(kbs(check_in(device)["updates"]), std::vector<std::string>{"KB4057113"});
  publish(Json{{"id", "KB5000001"},
               {"kind", "security"},
               {"title", "Cumulative security update for SQL Server 2005 SP4"},
               {"released", "2017-01-10"},
               {"cves", Json::array()},
               {"products", Json::array({Json{{"product", k_sql}, {"severity", "critical"}}})},
               {"supersedes", Json::array({"KB4057113"})}},
          "cumulative fix\n");
  const auto answer = check_in(device);
  EXPECT_EQ(kbs(answer["updates"]), std::vector<std::string>{"KB5000001"});
  const auto* old = withheld(answer, "KB4057113");
  ASSERT_NE(old, nullptr) << answer.dump();
  EXPECT_EQ((*old)["superseded_by"], "KB5000001");
}

TEST_F(CheckInCache, AnEssentialsPurchaseConsumedIsSeenByTheOtherDevicesAtOnce) {
  const auto product = std::string("windows-server-2003-sp2");
  write_file(m_dir / "KB4012598.cab", "smb fix\n");
  ll({"publish", "--manifest", examples("updates/KB4012598.json"), "--payload", (m_dir / "KB4012598.cab").string()});
  const auto first = register_device(enrolment_token(product), product, "SP2");
  const auto second = register_device(enrolment_token(product), product, "SP2");
  ASSERT_FALSE(first.empty() || second.empty());
  const auto offered = check_in(first, "SP2");
  ASSERT_EQ(kbs(offered["updates"]), std::vector<std::string>{"KB4012598"}) << offered.dump();
  EXPECT_EQ(kbs(check_in(second, "SP2")["updates"]), std::vector<std::string>{"KB4012598"});
  // The one device bought is taken by the first download.
  std::string file; // content-addressed, as TUF clients ask for it
  for (const auto& entry :
       std::filesystem::directory_iterator(m_dir / "data" / "repository" / "targets" / product / "KB4012598")) {
    file = entry.path().filename().string();
  }
  ASSERT_EQ(client(first).get("/v1/repository/targets/" + product + "/KB4012598/" + file).status, 200);
  const auto refused = check_in(second, "SP2");
  EXPECT_TRUE(refused["updates"].empty()) << refused.dump();
  const auto* exhausted = withheld(refused, "KB4012598");
  ASSERT_NE(exhausted, nullptr) << refused.dump();
  EXPECT_EQ((*exhausted)["reasons"], Json::array({"PURCHASE_EXHAUSTED"}));
  EXPECT_EQ(kbs(check_in(first, "SP2")["updates"]), std::vector<std::string>{"KB4012598"}) << "the taker keeps it";
}

TEST_F(CheckInCache, AnOrderAppliedOrADeviceRetiredByAnotherProcessIsSeenAtOnce) {
  const auto device = register_device(enrolment_token(k_sql));
  const auto other = register_device(enrolment_token(k_sql));
  auto answer = check_in(device);
  const auto* important = withheld(answer, "KB4019089");
  ASSERT_NE(important, nullptr) << answer.dump();
  EXPECT_EQ((*important)["reasons"], Json::array({"IMPORTANT_ADDON_REQUIRED"}));

  // The operator buys the Important add-on with the command line, beside the running server.
  auto order = Json::parse(read_text(examples("order-contoso.json")));
  for (auto& enrolment : order["enrolments"]) {
    if (enrolment["product"] == k_sql) {
      enrolment["important_addon"] = true;
    }
  }
  write_file(m_dir / "order.json", order.dump());
  ll({"orders", "apply", (m_dir / "order.json").string()});
  answer = check_in(device);
  // Allowed now: in the statement, and withheld only because KB4057113 supersedes it.
  EXPECT_EQ(answer["entitlement_statement"]["signed"]["targets"].size(), 2U) << answer.dump();
  important = withheld(answer, "KB4019089");
  ASSERT_NE(important, nullptr) << answer.dump();
  EXPECT_EQ((*important)["reasons"], Json::array());
  EXPECT_EQ((*important)["superseded_by"], "KB4057113");

  const auto id = check_in(other)["device"]["id"].get<std::string>();
  ll({"devices", "retire", "--id", id});
  const auto refused = client(other).post("/v1/devices/me/check-in", R"({"service_pack":"SP4","language":"en-US"})");
  EXPECT_EQ(refused.status, 401) << "a retired device's credential dies at once";
}

} // namespace
} // namespace lifeline::testing
