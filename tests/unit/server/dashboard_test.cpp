// The dashboard's pieces: form and cookie parsing of untrusted input, HTML escaping, sessions
// over an injected time, and the burn-down chart's geometry.
#include <regex>

#include <gtest/gtest.h>

#include "server/dashboard/burndown.hpp"
#include "server/dashboard/form.hpp"
#include "server/dashboard/html.hpp"
#include "server/dashboard/login_tokens.hpp"
#include "server/dashboard/pages.hpp"
#include "server/dashboard/sessions.hpp"

namespace lifeline::server::dashboard {
namespace {

TEST(DashboardForm, DecodesFieldsAndRefusesWhatIsMalformed) {
  const auto form = parse_form("credential=ll_a%5Fb+c&csrf=00ff&empty=");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->at("credential"), "ll_a_b c");
  EXPECT_EQ(form->at("csrf"), "00ff");
  EXPECT_EQ(form->at("empty"), "");
  EXPECT_FALSE(parse_form("a=%4"));    // cut escape
  EXPECT_FALSE(parse_form("a=%zz"));   // not hex
  EXPECT_FALSE(parse_form("a=1&a=2")); // a field twice: which one would count?
  EXPECT_FALSE(parse_form("=1"));      // no name
  EXPECT_FALSE(parse_form(std::string(k_max_form_bytes + 1, 'a')));
  EXPECT_TRUE(parse_form("")->empty());
}

TEST(DashboardForm, ReadsCookies) {
  const auto cookies = parse_cookies("lifeline_session=abc; other=1;broken; =x; lifeline_session=second");
  EXPECT_EQ(cookies.at("lifeline_session"), "abc");
  EXPECT_EQ(cookies.at("other"), "1");
  EXPECT_EQ(cookies.size(), 2U);
}

TEST(DashboardHtml, EscapesEverythingThatCouldOpenMarkup) {
  EXPECT_EQ(escape(R"(<script>alert("x") & 'y'</script>)"),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;");
  const auto html = table(Table{"<b>caption</b>", {"<h>"}, {}, "none <here>"});
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("none &lt;here&gt;"), std::string::npos);
  const auto full = page(Frame{"<title>", "a@b (contact)", "\"csrf\"", std::string("c<d"), false}, "<p>main</p>");
  EXPECT_EQ(full.find("<title><title>"), std::string::npos);
  EXPECT_NE(full.find("value=\"&quot;csrf&quot;\""), std::string::npos);
  EXPECT_NE(full.find("/dashboard/customers/c&lt;d"), std::string::npos);
}

TEST(DashboardSessions, ExpireWhenIdleOrTooOldAndCloseForGood) {
  SessionStore store;
  const catalog::Principal alice{catalog::Role::contact, "alice@contoso.example", "contoso"};
  const std::int64_t start = 1'000'000;
  const auto opened = store.open(alice, "cred1", start);
  EXPECT_EQ(opened.id.size(), 64U);
  EXPECT_EQ(opened.session.csrf.size(), 64U);
  EXPECT_NE(opened.id, opened.session.csrf);
  ASSERT_TRUE(store.find(opened.id, start + 60));
  EXPECT_EQ(store.find(opened.id, start + 60)->principal.subject, "alice@contoso.example");
  EXPECT_FALSE(store.find(opened.id + "0", start));
  EXPECT_FALSE(store.find(std::string(64, '0'), start));

  // Used every 20 minutes it stays, until its lifetime ends.
  auto now = start;
  while (now + 20 * 60 - start <= SessionStore::k_lifetime_seconds) {
    now += 20 * 60;
    ASSERT_TRUE(store.find(opened.id, now)) << now - start;
  }
  EXPECT_FALSE(store.find(opened.id, start + SessionStore::k_lifetime_seconds + 1));

  const auto idle = store.open(alice, "cred1", start);
  EXPECT_FALSE(store.find(idle.id, start + SessionStore::k_idle_seconds + 1));

  const auto closed = store.open(alice, "cred1", start);
  store.close(closed.id);
  EXPECT_FALSE(store.find(closed.id, start));
}

TEST(DashboardSessions, OneCredentialCannotCrowdOutOthers) {
  SessionStore store;
  const catalog::Principal alice{catalog::Role::contact, "alice@contoso.example", "contoso"};
  const catalog::Principal carol{catalog::Role::contact, "carol@fabrikam.example", "fabrikam"};
  const auto carols = store.open(carol, "carol", 100);
  const auto first = store.open(alice, "alice", 100);
  const auto second = store.open(alice, "alice", 101);
  for (std::size_t i = 2; i < SessionStore::k_max_sessions_per_credential; ++i) {
    store.open(alice, "alice", 102);
  }
  ASSERT_TRUE(store.find(first.id, 103)); // used now: alice's second session is her oldest
  const auto newest = store.open(alice, "alice", 104);
  EXPECT_TRUE(store.find(newest.id, 104));
  EXPECT_TRUE(store.find(first.id, 104));
  EXPECT_FALSE(store.find(second.id, 104));
  for (int i = 0; i < 1000; ++i) {
    store.open(alice, "alice", 105);
  }
  EXPECT_TRUE(store.find(carols.id, 105));
}

TEST(DashboardSessions, AFullStoreDropsTheLeastRecentlyUsed) {
  SessionStore store;
  const auto principal = [](std::size_t i) {
    return catalog::Principal{catalog::Role::contact, "c" + std::to_string(i) + "@contoso.example", "contoso"};
  };
  const auto first = store.open(principal(0), "cred0", 100);
  const auto second = store.open(principal(1), "cred1", 101);
  for (std::size_t i = 2; i < SessionStore::k_max_sessions; ++i) {
    store.open(principal(i), "cred" + std::to_string(i), 102);
  }
  ASSERT_TRUE(store.find(first.id, 103)); // used now: the second is the oldest
  const auto newest = store.open(principal(0), "cred0", 104);
  EXPECT_TRUE(store.find(newest.id, 104));
  EXPECT_TRUE(store.find(first.id, 104));
  EXPECT_FALSE(store.find(second.id, 104));
}

TEST(DashboardBurndown, DrawsThePlanAsStepsAndActiveDevicesAsBars) {
  std::vector<service::QuarterProgress> quarters;
  const auto date = [](const char* text) { return *util::Date::parse(text); };
  quarters.push_back({"contoso", "sql", 3, date("2016-10-13"), date("2017-01-12"), 3, 3, 3, 0});
  quarters.push_back({"contoso", "sql", 4, date("2017-01-13"), date("2017-04-12"), 2, 3, 3, 1});
  const auto svg = burndown_svg("SQL Server <2005>", quarters);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("Migration of SQL Server &lt;2005&gt;"), std::string::npos);
  EXPECT_NE(svg.find("Quarter 4: 2 planned, 3 active."), std::string::npos);
  // Axis up to 5 devices on a 228-pixel plot from y=16: 3 devices at y=107.2, 2 at y=152.8.
  EXPECT_NE(svg.find("<polyline class=\"planned\" points=\"56,107.2 340,107.2 340,152.8 624,152.8\"/>"),
            std::string::npos)
      << svg;
  const std::regex bar(R"re(<rect class="(actual|over)")re");
  // Two active bars, one over-plan part, and the legend's two swatches.
  EXPECT_EQ(std::distance(std::sregex_iterator(svg.begin(), svg.end(), bar), std::sregex_iterator()), 5);
  EXPECT_NE(svg.find("<rect class=\"actual\" x=\"396.8\" y=\"152.8\" width=\"170.4\" height=\"91.2\"/>"),
            std::string::npos);
  EXPECT_NE(svg.find("<rect class=\"over\""), std::string::npos);
  EXPECT_NE(svg.find(">Q3</text>"), std::string::npos);
  EXPECT_NE(svg.find(">5</text>"), std::string::npos);
}

TEST(DashboardPages, TheDevicesTableComesInPagesThatLinkOnByCursor) {
  DevicesPage page;
  page.customer_id = "contoso";
  page.customer_name = "Contoso";
  page.product_names = {{"sql", "SQL Server <2005>"}};
  std::vector<catalog::Device> devices(3);
  for (std::size_t i = 0; i < devices.size(); ++i) {
    devices[i].id = "dev-" + std::to_string(i);
    devices[i].customer = "contoso";
    devices[i].product = "sql";
    page.rows.push_back(device_cells(page, service::DeviceCompliance{&devices[i], i == 1, {}}));
  }
  page.next = "djEgY29tcGxpYW5jZQ";
  const auto first = devices_main(page);
  EXPECT_NE(first.find(">dev-2<"), std::string::npos);
  EXPECT_NE(first.find("SQL Server &lt;2005&gt;"), std::string::npos);
  EXPECT_NE(first.find("devices?stale_days=14&amp;cursor=djEgY29tcGxpYW5jZQ\">Next devices"), std::string::npos)
      << first;
  EXPECT_EQ(first.find("First devices"), std::string::npos);
  page.first = false;
  page.next.reset();
  const auto last = devices_main(page);
  EXPECT_NE(last.find("devices?stale_days=14\">First devices"), std::string::npos) << last;
  EXPECT_EQ(last.find("Next devices"), std::string::npos);
  page.rows.clear();
  EXPECT_NE(devices_main(page).find("No active device after the previous page."), std::string::npos);
}

} // namespace
} // namespace lifeline::server::dashboard

namespace lifeline::server::dashboard {
namespace {

TEST(LoginTokens, OnlyTokensThisServerIssuedInTheLastHalfHourAreValid) {
  const LoginTokens tokens;
  const auto token = tokens.issue(1'000'000);
  ASSERT_EQ(token.size(), LoginTokens::k_token_chars);
  EXPECT_TRUE(tokens.valid(token, 1'000'000));
  EXPECT_TRUE(tokens.valid(token, 1'000'000 + LoginTokens::k_lifetime_seconds));
  EXPECT_FALSE(tokens.valid(token, 1'000'001 + LoginTokens::k_lifetime_seconds)) << "expired";
  EXPECT_FALSE(tokens.valid(token, 999'999)) << "issued in the future";
  EXPECT_FALSE(LoginTokens().valid(token, 1'000'000)) << "another server's secret";
  EXPECT_FALSE(tokens.valid(std::string(64, 'a'), 1'000'000));
  auto later = token;
  later[20] = later[20] == 'f' ? 'e' : 'f'; // the time moved, the MAC not
  EXPECT_FALSE(tokens.valid(later, 1'000'000));
  EXPECT_NE(tokens.issue(1'000'000), token) << "a fresh nonce each time";
}

} // namespace
} // namespace lifeline::server::dashboard
