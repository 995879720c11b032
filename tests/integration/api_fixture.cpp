#include "tests/integration/api_fixture.hpp"

#include <cstdlib>
#include <filesystem>

#include "tests/support/archives.hpp"

namespace lifeline::testing {

namespace {

std::string examples(const std::string& name) {
  return (source_dir() / "examples" / name).string();
}

} // namespace

nlohmann::json json_of(const ApiReply& reply) {
  return nlohmann::json::parse(reply.body, nullptr, false);
}

std::string ApiFixture::ll(std::vector<std::string> arguments) const {
  const auto location = location_options();
  arguments.insert(arguments.begin(), location.begin(), location.end());
  arguments.insert(arguments.begin(), server_binary().string());
  const auto result = run(arguments);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out.substr(0, result.out.find('\n'));
}

std::vector<std::string> ApiFixture::location_options() const {
  std::vector<std::string> options{"--data", data()};
  if (!m_catalog.empty()) {
    options.insert(options.end(), {"--catalog", m_catalog});
  }
  return options;
}

void ApiFixture::SetUp() {
  const char* engine = std::getenv("LIFELINE_TEST_CATALOG");
  if (m_catalog.empty() && engine != nullptr && std::string(engine) == "postgresql") {
    m_catalog = fresh_postgres_schema_uri();
  }
  ll({"init"});
  ll({"products", "apply", examples("products.json")});
  ll({"orders", "apply", examples("order-contoso.json")});
  ll({"orders", "apply", examples("order-fabrikam.json")});
  m_payload_4057113 = tar_of({{"Binn/sqlservr.exe", "patched server"}, {"Binn/KB4057113.txt", "critical fix"}});
  write_file(m_dir / "KB4057113.cab", m_payload_4057113);
  write_file(m_dir / "KB4019089.cab", "important fix for SQL Server 2005 SP4\n");
  for (const char* kb : {"KB4057113", "KB4019089"}) {
    ll({"publish", "--manifest", examples(std::string("updates/") + kb + ".json"), "--payload",
        (m_dir / (std::string(kb) + ".cab")).string()});
  }
  m_operator = ll({"tokens", "create", "--role", "operator", "--name", "ops"});
  m_publisher = ll({"tokens", "create", "--role", "publisher", "--name", "release"});
  m_alice = ll({"contacts", "credential", "--email", "alice@contoso.example"});
  m_carol = ll({"contacts", "credential", "--email", "carol@fabrikam.example"});
  start_server();
}

void ApiFixture::start_server(const std::vector<std::string>& extra) {
  std::vector<std::string> command{server_binary().string()};
  const auto location = location_options();
  command.insert(command.end(), location.begin(), location.end());
  command.insert(command.end(), {"serve", "--listen", "127.0.0.1:0", "--at", k_at});
  command.insert(command.end(), extra.begin(), extra.end());
  m_server = std::make_unique<BackgroundProcess>(command);
  const auto& line = m_server->first_line();
  ASSERT_EQ(line.rfind("listening on http://127.0.0.1:", 0), 0U) << line;
  m_base = line.substr(std::string("listening on ").size());
}

void ApiFixture::stop_server() {
  m_server.reset();
}

std::string ApiFixture::enrolment_token(const std::string& product, int uses) const {
  const auto reply = client(m_alice).post(
      "/v1/enrolment-tokens", nlohmann::json{{"site", "paris"}, {"product", product}, {"uses", uses}}.dump());
  EXPECT_EQ(reply.status, 201) << reply.body;
  return json_of(reply).value("token", "");
}

std::string ApiFixture::register_device(const std::string& token, const std::string& product,
                                        const std::string& service_pack, const std::string& language) const {
  const auto reply = client(token).post(
      "/v1/devices",
      nlohmann::json{{"product", product}, {"service_pack", service_pack}, {"language", language}}.dump());
  return reply.status == 201 ? json_of(reply).value("credential", "") : "";
}

void ApiFixture::grow_fleet(int count) const {
  auto order = nlohmann::json::parse(read_text(source_dir() / "examples" / "order-contoso.json"));
  for (auto& enrolment : order["enrolments"]) {
    enrolment["migration_plan"]["devices"] = 100'000;
    for (auto& quarter : enrolment["migration_plan"]["quarters"]) {
      quarter["devices"] = 100'000;
    }
  }
  order["sites"].push_back("=HYPERLINK(\"http://x.example\"),\"evil\"");
  ASSERT_EQ(client(m_operator).put("/v1/orders", order.dump()).status, 200);
  const auto token = enrolment_token(k_sql, count);
  for (int i = 0; i < count; ++i) {
    ASSERT_FALSE(register_device(token).empty()) << i;
  }
}

std::string ApiFixture::payload_url(const std::string& kb) const {
  const auto dir = m_dir / "data" / "repository" / "targets" / k_sql / kb;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    return "/v1/repository/targets/" + std::string(k_sql) + "/" + kb + "/" + entry.path().filename().string();
  }
  return "";
}

} // namespace lifeline::testing
