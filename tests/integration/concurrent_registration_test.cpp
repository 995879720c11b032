// CS-5: registrations racing from several processes never overshoot the device cap.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/testing.hpp"

namespace lifeline {
namespace {

TEST(ConcurrentRegistration, SeveralProcessesAtTheCapRegisterExactlyTheCap) {
  testing::TempDir dir;
  const auto data = (dir / "data").string();
  const auto server = testing::server_binary().string();
  const auto examples = testing::source_dir() / "examples";
  ASSERT_EQ(
      testing::run({server, "--data", data, "products", "apply", (examples / "products.json").string()}).exit_code, 0);
  // contoso's Windows Server 2003 enrolment allows 4 devices.
  ASSERT_EQ(
      testing::run({server, "--data", data, "orders", "apply", (examples / "order-contoso.json").string()}).exit_code,
      0);

  constexpr int k_processes = 12;
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < k_processes; ++i) {
    commands.push_back({server, "--data", data, "devices", "register", "--customer", "contoso", "--site", "paris",
                        "--product", "windows-server-2003-sp2", "--service-pack", "SP2", "--language", "en-US", "--id",
                        "race-" + std::to_string(i), "--at", "2016-06-01"});
  }
  const auto codes = testing::run_concurrently(commands);
  const auto registered = std::count(codes.begin(), codes.end(), 0);
  const auto refused = std::count(codes.begin(), codes.end(), 1);
  EXPECT_EQ(registered, 4);
  EXPECT_EQ(refused, k_processes - 4);

  const auto listed = testing::run({server, "--data", data, "devices", "list", "--customer", "contoso", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 4U);
}

} // namespace
} // namespace lifeline
