// The real lifeline-server on an ephemeral loopback port, with the example catalog: products,
// the contoso (level 2) and fabrikam (level 1) orders, two published updates, and credentials
// for an operator, a publisher and one designated contact of each customer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/api_client.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::testing {

class ApiFixture : public ::testing::Test {
 protected:
  static constexpr const char* k_at = "2017-01-12"; // inside contoso's SQL Server programme, quarter 2
  static constexpr const char* k_sql = "sql-server-2005-sp4";

  void SetUp() override;

  // Runs lifeline-server on the data directory; returns its first line of output.
  std::string ll(std::vector<std::string> arguments) const;
  void start_server(const std::vector<std::string>& extra = {});
  void stop_server();

  [[nodiscard]] ApiClient client(const std::string& token = "") const { return ApiClient(m_base, token); }
  // An enrolment token alice creates for `uses` devices at paris.
  std::string enrolment_token(const std::string& product, int uses = 1) const;
  // Registers a device through the API; its credential, or "" when refused.
  std::string register_device(const std::string& token, const std::string& product = k_sql,
                              const std::string& service_pack = "SP4", const std::string& language = "en-US") const;
  // A fleet larger than a page: contoso's migration plans raised to 100,000 devices, a site a
  // spreadsheet would run as a formula added, and `count` devices registered through the API at
  // paris.
  void grow_fleet(int count) const;
  // The URL path of a published payload (content-addressed, as TUF clients ask for it).
  [[nodiscard]] std::string payload_url(const std::string& kb) const;
  [[nodiscard]] std::string data() const { return (m_dir / "data").string(); }
  // `--data DIR`, and `--catalog URI` when the tests run on PostgreSQL (LIFELINE_TEST_CATALOG=
  // postgresql: a fresh schema of the test cluster per test).
  [[nodiscard]] std::vector<std::string> location_options() const;

  TempDir m_dir;
  std::unique_ptr<BackgroundProcess> m_server;
  std::string m_base;
  std::string m_operator;
  std::string m_publisher;
  std::string m_alice; // contoso, level 2
  std::string m_carol; // fabrikam, level 1
  std::string m_payload_4057113;
  std::string m_catalog; // the PostgreSQL URI, or "" for the data directory's catalog.db (set before SetUp)
};

nlohmann::json json_of(const ApiReply& reply);

} // namespace lifeline::testing
