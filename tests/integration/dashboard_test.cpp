// The dashboard over HTTP against the real server: login with CSRF and cookies, pages, the
// customer boundary, revocation ending a session, logout. (tests/interop/dashboard_browser.sh
// drives the same pages in a real headless browser.)
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "tests/integration/api_fixture.hpp"

namespace lifeline::testing {
namespace {

class DashboardTest : public ApiFixture {
 protected:
  // The login form's CSRF token and the cookie that goes with it.
  struct LoginForm {
    std::string csrf;
    std::string cookie;
  };

  [[nodiscard]] LoginForm login_form() const {
    const auto reply = client().get("/dashboard/login");
    EXPECT_EQ(reply.status, 200);
    std::smatch match;
    const std::regex hidden(R"re(name="csrf" value="([0-9a-f]{64})")re");
    EXPECT_TRUE(std::regex_search(reply.body, match, hidden)) << reply.body;
    const auto set_cookie = reply.headers.at("set-cookie");
    return LoginForm{match[1], set_cookie.substr(0, set_cookie.find(';'))};
  }

  [[nodiscard]] ApiReply post_login(const std::string& credential, const LoginForm& form) const {
    return client().send("POST", "/dashboard/login", "credential=" + credential + "&csrf=" + form.csrf,
                         {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", form.cookie}});
  }

  // Logs in; the session cookie ("lifeline_session=...").
  [[nodiscard]] std::string log_in(const std::string& credential) const {
    const auto reply = post_login(credential, login_form());
    EXPECT_EQ(reply.status, 303) << reply.body;
    const auto set_cookie = reply.headers.at("set-cookie");
    return set_cookie.substr(0, set_cookie.find(';'));
  }

  [[nodiscard]] ApiReply page(const std::string& path, const std::string& session) const {
    return client().get(path, {{"Cookie", session}});
  }

  [[nodiscard]] static std::string csrf_in(const std::string& body) {
    std::smatch match;
    EXPECT_TRUE(std::regex_search(body, match, std::regex(R"re(name="csrf" value="([0-9a-f]{64})")re")));
    return match[1];
  }
};

TEST_F(DashboardTest, AnonymousVisitorsAreSentToTheLoginPage) {
  for (const auto* path : {"/dashboard", "/dashboard/customers/contoso", "/dashboard/customers/contoso/devices",
                           "/dashboard/customers/contoso/audit"}) {
    const auto reply = client().get(path);
    EXPECT_EQ(reply.status, 303) << path;
    EXPECT_EQ(reply.headers.at("location"), "/dashboard/login") << path;
  }
  // A made-up session cookie is no session.
  EXPECT_EQ(page("/dashboard", "lifeline_session=" + std::string(64, 'a')).status, 303);
}

TEST_F(DashboardTest, ContactLogsInAndReadsTheirCustomer) {
  const auto form = login_form();
  const auto reply = post_login(m_alice, form);
  ASSERT_EQ(reply.status, 303) << reply.body;
  const auto set_cookie = reply.headers.at("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Path=/dashboard"), std::string::npos);
  EXPECT_EQ(set_cookie.find(m_alice), std::string::npos) << "the credential never goes into a cookie";
  const auto session = set_cookie.substr(0, set_cookie.find(';'));

  const auto home = page("/dashboard", session);
  EXPECT_EQ(home.status, 303);
  EXPECT_EQ(home.headers.at("location"), "/dashboard/customers/contoso");

  const auto overview = page("/dashboard/customers/contoso", session);
  ASSERT_EQ(overview.status, 200);
  EXPECT_NE(overview.body.find("<svg class=\"burndown\""), std::string::npos);
  EXPECT_NE(overview.body.find("Compliance per product"), std::string::npos);
  EXPECT_NE(overview.body.find("Contoso"), std::string::npos);
  EXPECT_NE(overview.body.find("alice@contoso.example (contact)"), std::string::npos);
  EXPECT_EQ(overview.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(overview.headers.at("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(overview.headers.at("x-frame-options"), "DENY");
  // Nothing is loaded from elsewhere: no absolute URL in a src or href.
  EXPECT_FALSE(std::regex_search(overview.body, std::regex(R"re((src|href)="(https?:)?//)re")));

  const auto devices = page("/dashboard/customers/contoso/devices?stale_days=30", session);
  ASSERT_EQ(devices.status, 200);
  EXPECT_NE(devices.body.find("Active devices and their updates"), std::string::npos);
  EXPECT_EQ(page("/dashboard/customers/contoso/devices?stale_days=0", session).status, 400);

  const auto update = page("/dashboard/customers/contoso/updates/KB4057113", session);
  ASSERT_EQ(update.status, 200) << update.body;
  EXPECT_NE(update.body.find("MSRC rating per product"), std::string::npos);
  EXPECT_EQ(page("/dashboard/customers/contoso/updates/KB9999999", session).status, 404);

  const auto audit = page("/dashboard/customers/contoso/audit", session);
  ASSERT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("Audit trail of contoso"), std::string::npos);
  EXPECT_EQ(client().get("/dashboard/style.css").status, 200);
}

TEST_F(DashboardTest, AContactNeverSeesAnotherCustomersPages) {
  const auto session = log_in(m_alice);
  for (const auto* path :
       {"/dashboard/customers/fabrikam", "/dashboard/customers/fabrikam/devices", "/dashboard/customers/fabrikam/audit",
        "/dashboard/customers/fabrikam/updates/KB4057113", "/dashboard/customers/nobody"}) {
    const auto reply = page(path, session);
    EXPECT_EQ(reply.status, 403) << path;
    EXPECT_EQ(reply.body.find("Fabrikam"), std::string::npos) << path;
    EXPECT_EQ(reply.body.find("carol@"), std::string::npos) << path;
  }
  // The list of all customers is an operator's: a contact is sent to their own.
  const auto customers = page("/dashboard/customers", session);
  EXPECT_EQ(customers.status, 303);
  EXPECT_EQ(customers.headers.at("location"), "/dashboard/customers/contoso");
}

TEST_F(DashboardTest, OperatorsSeeEveryCustomer) {
  const auto session = log_in(m_operator);
  EXPECT_EQ(page("/dashboard", session).headers.at("location"), "/dashboard/customers");
  const auto customers = page("/dashboard/customers", session);
  ASSERT_EQ(customers.status, 200);
  EXPECT_NE(customers.body.find("/dashboard/customers/contoso"), std::string::npos);
  EXPECT_NE(customers.body.find("/dashboard/customers/fabrikam"), std::string::npos);
  EXPECT_EQ(page("/dashboard/customers/fabrikam", session).status, 200);
  EXPECT_EQ(page("/dashboard/customers/nobody", session).status, 404);
}

TEST_F(DashboardTest, LoginIsRefusedWithoutTheFormsTokenOrAValidCredential) {
  const auto form = login_form();
  // No cookie, or a token that is not the cookie's: a forged cross-site post.
  auto reply = client().send("POST", "/dashboard/login", "credential=" + m_alice + "&csrf=" + form.csrf,
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.headers.count("location"), 0U);
  reply = post_login(m_alice, LoginForm{std::string(64, '0'), form.cookie});
  EXPECT_EQ(reply.status, 403);
  // A cookie and field the client chose for itself match each other, but this server never
  // issued them (nor a token whose MAC was altered).
  const std::string chosen(64, 'a');
  reply = post_login(m_alice, LoginForm{chosen, "lifeline_login=" + chosen});
  EXPECT_EQ(reply.status, 403);
  auto altered = login_form();
  altered.csrf.back() = altered.csrf.back() == '0' ? '1' : '0';
  altered.cookie = "lifeline_login=" + altered.csrf;
  reply = post_login(m_alice, altered);
  EXPECT_EQ(reply.status, 403);
  // Another site's page posting the right tokens is refused by its Origin.
  reply = client().send("POST", "/dashboard/login", "credential=" + m_alice + "&csrf=" + form.csrf,
                        {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"Cookie", form.cookie},
                         {"Origin", "https://evil.example"}});
  EXPECT_EQ(reply.status, 403);

  reply = post_login("ll_not_a_token", login_form());
  EXPECT_EQ(reply.status, 401);
  EXPECT_NE(reply.body.find("not valid"), std::string::npos);
  reply = post_login(m_publisher, login_form());
  EXPECT_EQ(reply.status, 403);
  EXPECT_NE(reply.body.find("publisher credential cannot open the dashboard"), std::string::npos);
}

TEST_F(DashboardTest, RevokingTheCredentialEndsItsSessions) {
  const auto session = log_in(m_alice);
  ASSERT_EQ(page("/dashboard/customers/contoso", session).status, 200);
  const auto id = m_alice.substr(3, m_alice.find('_', 3) - 3);
  ASSERT_EQ(client(m_operator).send("DELETE", "/v1/tokens/" + id, "", {}).status, 200);
  const auto reply = page("/dashboard/customers/contoso", session);
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(reply.headers.at("location"), "/dashboard/login?ended=1");
  EXPECT_NE(reply.headers.at("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(page("/dashboard/customers/contoso", session).status, 303);
}

TEST_F(DashboardTest, RemovingTheContactFromTheOrderEndsTheirSessions) {
  const auto session = log_in(m_alice);
  ASSERT_EQ(page("/dashboard/customers/contoso", session).status, 200);
  auto order = nlohmann::json::parse(read_text(source_dir() / "examples" / "order-contoso.json"));
  order["contacts"].erase(0); // alice
  ASSERT_EQ(client(m_operator).put("/v1/orders", order.dump()).status, 200);
  const auto reply = page("/dashboard/customers/contoso", session);
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(reply.headers.at("location"), "/dashboard/login?ended=1");
}

TEST_F(DashboardTest, EverythingFromTheCatalogIsEscaped) {
  auto order = nlohmann::json::parse(read_text(source_dir() / "examples" / "order-contoso.json"));
  order["customer"]["name"] = "<script>alert(1)</script>";
  order["contacts"][1]["name"] = "<b>Bob</b>";
  order["sites"].push_back("\"><img src=x>");
  ASSERT_EQ(client(m_operator).put("/v1/orders", order.dump()).status, 200);
  ll({"devices", "register", "--customer", "contoso", "--site", "\"><img src=x>", "--product", k_sql, "--service-pack",
      "SP4", "--language", "en-US", "--at", "2016-11-01"});
  const auto session = log_in(m_operator);
  for (const auto* path :
       {"/dashboard/customers", "/dashboard/customers/contoso", "/dashboard/customers/contoso/devices",
        "/dashboard/customers/contoso/audit", "/dashboard/customers/contoso/updates/KB4057113"}) {
    const auto reply = page(path, session);
    ASSERT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.body.find("<script>"), std::string::npos) << path;
    EXPECT_EQ(reply.body.find("<img"), std::string::npos) << path;
    EXPECT_EQ(reply.body.find("<b>"), std::string::npos) << path;
  }
  EXPECT_NE(page("/dashboard/customers/contoso", session).body.find("&lt;script&gt;alert(1)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(page("/dashboard/customers/contoso/devices", session).body.find("&quot;&gt;&lt;img src=x&gt;"),
            std::string::npos);
}

// Rows of the devices table: one per device, each device's id in its first cell.
std::vector<std::string> device_rows(const std::string& body) {
  std::vector<std::string> ids;
  const std::regex row(R"re(<tr><th scope="row">([^<]+)</th>)re");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), row); it != std::sregex_iterator(); ++it) {
    ids.push_back((*it)[1]);
  }
  return ids;
}

TEST_F(DashboardTest, TheDevicesTablePagesByCursor) {
  grow_fleet(205);
  const auto session = log_in(m_alice);
  const auto first = page("/dashboard/customers/contoso/devices?stale_days=30", session);
  ASSERT_EQ(first.status, 200) << first.body;
  const auto first_ids = device_rows(first.body);
  ASSERT_EQ(first_ids.size(), 200U) << first.body.substr(0, 2000);
  EXPECT_EQ(first.body.find("First devices"), std::string::npos);
  std::smatch next;
  ASSERT_TRUE(std::regex_search(
      first.body, next,
      std::regex(
          R"re(href="(/dashboard/customers/contoso/devices\?stale_days=30&amp;cursor=[A-Za-z0-9_-]+)">Next devices)re")))
      << first.body.substr(first.body.size() - 800);
  // A device registered meanwhile, back-dated before the page read: it neither repeats nor hides one.
  ll({"devices", "register", "--customer", "contoso", "--site", "lyon", "--product", k_sql, "--service-pack", "SP4",
      "--language", "en-US", "--id", "backdated", "--at", "2016-11-01"});
  const auto href = std::regex_replace(next[1].str(), std::regex("&amp;"), "&");
  const auto second = page(href, session);
  ASSERT_EQ(second.status, 200) << second.body;
  const auto second_ids = device_rows(second.body);
  EXPECT_EQ(second_ids.size(), 5U);
  std::set<std::string> all(first_ids.begin(), first_ids.end());
  all.insert(second_ids.begin(), second_ids.end());
  EXPECT_EQ(all.size(), 205U);
  EXPECT_FALSE(all.contains("backdated"));
  EXPECT_NE(second.body.find("devices?stale_days=30\">First devices"), std::string::npos);
  EXPECT_EQ(second.body.find("Next devices"), std::string::npos);
  // The first page again starts with the back-dated device.
  EXPECT_EQ(device_rows(page("/dashboard/customers/contoso/devices", session).body).front(), "backdated");

  // A cursor that is not one of this customer's device pages is refused, and not echoed.
  const auto cursor = href.substr(href.find("cursor=") + 7);
  for (const auto& bad : {std::string("%3Cscript%3E"), std::string("djEgZGV2aWNlcw"), cursor + "x"}) {
    const auto reply = page("/dashboard/customers/contoso/devices?cursor=" + bad, session);
    EXPECT_EQ(reply.status, 400) << bad;
    EXPECT_EQ(reply.body.find("<script>"), std::string::npos);
  }
  EXPECT_EQ(page("/dashboard/customers/fabrikam/devices?cursor=" + cursor, session).status, 403);
  const auto operator_session = log_in(m_operator);
  EXPECT_EQ(page("/dashboard/customers/fabrikam/devices?cursor=" + cursor, operator_session).status, 400);
  EXPECT_EQ(page("/dashboard/customers/contoso/devices?cursor=" + cursor, operator_session).status, 200);
}

TEST_F(DashboardTest, FormsFromAnotherOriginAreRefused) {
  const auto form = login_form();
  const auto headers = [&](const std::string& origin) {
    return std::vector<std::pair<std::string, std::string>>{
        {"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", form.cookie}, {"Origin", origin}};
  };
  const auto body = "credential=" + m_alice + "&csrf=" + form.csrf;
  EXPECT_EQ(client().send("POST", "/dashboard/login", body, headers("null")).status, 403);
  const auto own = client().send("POST", "/dashboard/login", body, headers(m_base));
  ASSERT_EQ(own.status, 303) << own.body;
  const auto session = own.headers.at("set-cookie").substr(0, own.headers.at("set-cookie").find(';'));
  const auto csrf = csrf_in(page("/dashboard/customers/contoso", session).body);
  const auto logout = client().send(
      "POST", "/dashboard/logout", "csrf=" + csrf,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", session}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(logout.status, 403);
  EXPECT_EQ(page("/dashboard/customers/contoso", session).status, 200);
}

TEST_F(DashboardTest, LogoutNeedsTheSessionsToken) {
  const auto session = log_in(m_alice);
  const auto overview = page("/dashboard/customers/contoso", session);
  const auto csrf = csrf_in(overview.body);
  const auto form = std::vector<std::pair<std::string, std::string>>{
      {"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", session}};
  EXPECT_EQ(client().send("POST", "/dashboard/logout", "csrf=" + std::string(64, 'f'), form).status, 403);
  EXPECT_EQ(page("/dashboard/customers/contoso", session).status, 200);
  const auto reply = client().send("POST", "/dashboard/logout", "csrf=" + csrf, form);
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(reply.headers.at("location"), "/dashboard/login");
  EXPECT_EQ(page("/dashboard/customers/contoso", session).status, 303);
}

} // namespace
} // namespace lifeline::testing
