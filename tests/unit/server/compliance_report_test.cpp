// The set-based compliance report against the per-device path it replaces: on a catalog with
// several sites, languages and service packs, a plan whose cap leaves late devices out, consumed
// Essentials purchases, retired devices, a supersedence chain (and a loop), hotfixes on both
// paths and installs that the rules no longer allow, every (device, update) pair must come out
// in the same state, with the same reasons and replacement, on every evaluation date.
#include <deque>
#include <map>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "server/service/compliance.hpp"
#include "server/service/compliance_walk.hpp"
#include "server/service/fleet_decisions.hpp"
#include "server/service/offers.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace lifeline::server::service {
namespace {

using catalog::testing::d;

catalog::AuditContext on(const char* date) {
  return catalog::AuditContext{d(date), "test"};
}

catalog::Product windows_2003() {
  return catalog::Product{"windows-server-2003-sp2",
                          "Windows Server 2003",
                          "Windows Server",
                          "2003",
                          "SP2",
                          "SP2",
                          d("2010-07-13"),
                          d("2015-07-14"),
                          catalog::Programme{d("2015-07-15"), d("2018-07-14")},
                          false};
}

// Still in extended support: its hotfixes go the Extended Hotfix Support path (CS-15).
catalog::Product exchange_2010() {
  return catalog::Product{"exchange-2010-sp3",
                          "Exchange Server 2010",
                          "Exchange Server",
                          "2010",
                          "SP3",
                          "SP3",
                          d("2015-01-13"),
                          d("2020-10-13"),
                          catalog::Programme{d("2016-01-01"), d("2021-12-31")},
                          false};
}

const char* const k_sql = "sql-server-2005-sp4";
const char* const k_windows = "windows-server-2003-sp2";
const char* const k_exchange = "exchange-2010-sp3";

catalog::Update update(const char* id, catalog::UpdateKind kind, const char* released,
                       std::vector<catalog::ProductRating> products) {
  catalog::Update made;
  made.id = id;
  made.kind = kind;
  made.title = std::string("Update ") + id;
  made.released = d(released);
  made.products = std::move(products);
  return made;
}

std::vector<catalog::Update> updates() {
  using catalog::Severity;
  using catalog::UpdateKind;
  std::vector<catalog::Update> all;
  auto base = update("KB100", UpdateKind::security, "2016-10-11", {{k_sql, Severity::critical}});
  base.requires_service_pack = "SP4";
  all.push_back(base);
  auto important = update("KB101", UpdateKind::security, "2016-11-08", {{k_sql, Severity::important}});
  important.supersedes = {"KB100"};
  all.push_back(important);
  auto latest = update("KB102", UpdateKind::security, "2016-12-13", {{k_sql, Severity::critical}});
  latest.supersedes = {"KB101"}; // KB102 -> KB101 -> KB100
  all.push_back(latest);
  auto french = update("KB103", UpdateKind::security, "2016-11-08", {{k_sql, Severity::critical}});
  french.language = "fr-FR";
  all.push_back(french);
  all.push_back(update("KB104", UpdateKind::security, "2016-11-08", {{k_sql, Severity::moderate}}));
  auto elsewhere = update("KB105", UpdateKind::security, "2016-12-13", {{k_sql, Severity::critical}});
  elsewhere.supersedes = {"KB999", "KB200"}; // neither rates SQL Server
  elsewhere.requires_service_pack = "sp4";
  all.push_back(elsewhere);
  all.push_back(update("KB106", UpdateKind::hotfix, "2016-11-20", {{k_sql, std::nullopt}}));
  all.push_back(update("KB107", UpdateKind::hotfix, "2016-11-21", {{k_sql, std::nullopt}}));
  all.push_back(update("KB108", UpdateKind::security, "2016-11-22",
                       {{k_sql, std::nullopt}, {k_windows, Severity::critical}})); // no SQL rating
  auto loop_a = update("KB110", UpdateKind::security, "2017-01-10", {{k_sql, Severity::critical}});
  loop_a.supersedes = {"KB111"};
  all.push_back(loop_a);
  auto loop_b = update("KB111", UpdateKind::security, "2017-01-10", {{k_sql, Severity::critical}});
  loop_b.supersedes = {"KB110", "KB104"};
  all.push_back(loop_b);
  all.push_back(update("KB200", UpdateKind::security, "2016-05-10", {{k_windows, Severity::critical}}));
  all.push_back(update("KB201", UpdateKind::security, "2016-06-14", {{k_windows, Severity::critical}}));
  auto windows_important = update("KB202", UpdateKind::security, "2016-07-12", {{k_windows, Severity::important}});
  windows_important.supersedes = {"KB201"};
  all.push_back(windows_important);
  auto exchange_hotfix = update("KB300", UpdateKind::hotfix, "2016-06-01", {{k_exchange, std::nullopt}});
  exchange_hotfix.requires_service_pack = "SP3";
  all.push_back(exchange_hotfix);
  auto german = update("KB301", UpdateKind::hotfix, "2016-06-02", {{k_exchange, std::nullopt}});
  german.language = "de-DE";
  german.supersedes = {"KB300"};
  all.push_back(german);
  all.push_back(update("KB302", UpdateKind::security, "2016-06-03", {{k_exchange, Severity::critical}}));
  return all;
}

catalog::ServiceOrder contoso(std::vector<std::string> sites) {
  catalog::ServiceOrder order;
  order.customer_id = "contoso";
  order.customer_name = "Contoso Ltd";
  order.contract = catalog::Contract{2, d("2016-01-01"), d("2017-12-31")};
  order.sites = std::move(sites);
  order.contacts = {{"alice@contoso.example", "Alice"}};
  order.hotfix_purchases = {"KB106"};
  catalog::Enrolment sql;
  sql.product = k_sql;
  sql.start = d("2016-10-13");
  sql.languages = {"en-US", "fr-FR"};
  sql.migration_plan =
      catalog::MigrationPlan{10, {{d("2016-10-13"), 10}, {d("2017-01-13"), 6}, {d("2017-04-13"), 3}}, d("2017-07-12")};
  catalog::Enrolment windows;
  windows.product = k_windows;
  windows.type = catalog::EnrolmentType::essentials;
  windows.start = d("2016-01-15");
  windows.migration_plan = catalog::MigrationPlan{10, {{d("2016-01-15"), 10}}, d("2017-12-31")};
  windows.purchases = {{"KB200", 2}};
  catalog::Enrolment exchange;
  exchange.product = k_exchange;
  exchange.start = d("2016-04-01");
  exchange.migration_plan = catalog::MigrationPlan{10, {{d("2016-04-01"), 10}}, d("2017-12-31")};
  order.enrolments = {sql, windows, exchange};
  return order;
}

catalog::ServiceOrder fabrikam() {
  auto order = contoso({"seattle"});
  order.customer_id = "fabrikam";
  order.customer_name = "Fabrikam Inc";
  order.contacts = {{"carol@fabrikam.example", "Carol"}};
  order.enrolments.resize(1);
  return order;
}

// The per-device path that compliance took before it was set-based: decide_device_updates for
// each device, then each update's state and the supersedence walk by update id.
struct Reference {
  std::deque<catalog::Device> devices;
  std::deque<std::vector<DeviceDecision>> decisions;
  std::deque<std::vector<std::string>> reasons;
  std::vector<DeviceCompliance> compliance;
};

void add_reference(Reference& reference, catalog::Catalog& catalog, const catalog::Device& device, util::Date at,
                   int stale_days) {
  const auto decided = decide_device_updates(catalog, device, at);
  ASSERT_TRUE(decided) << decided.error().message;
  const auto& decisions = reference.decisions.emplace_back(*decided);
  std::map<std::string, const catalog::Update*> by_id;
  for (const auto& decision : decisions) {
    by_id.emplace(decision.update.id, &decision.update);
  }
  std::map<std::string, std::string> replaced_by;
  for (const auto& decision : decisions) {
    if (!decision.decision.allowed && !decision.installed) {
      continue;
    }
    std::vector<std::string> older(decision.update.supersedes.begin(), decision.update.supersedes.end());
    while (!older.empty()) {
      const auto id = older.back();
      older.pop_back();
      if (id == decision.update.id || !replaced_by.emplace(id, decision.update.id).second) {
        continue;
      }
      if (const auto found = by_id.find(id); found != by_id.end()) {
        older.insert(older.end(), found->second->supersedes.begin(), found->second->supersedes.end());
      }
    }
  }
  DeviceCompliance entry{&reference.devices.emplace_back(device), false, {}};
  entry.stale = device.last_seen.value_or(device.registered).days_until(at) > stale_days;
  for (const auto& decision : decisions) {
    const auto& findings = decision.decision.findings;
    const auto names = [&](catalog::Reason reason) {
      return std::any_of(findings.begin(), findings.end(), [&](const auto& f) { return f.reason == reason; });
    };
    UpdateStatus status{&decision.update, UpdateState::not_entitled, {}, nullptr};
    if (!decision.decision.allowed && names(catalog::Reason::update_not_applicable)) {
      status.state = UpdateState::not_applicable;
    } else if (decision.installed) {
      status.state = UpdateState::installed;
    } else if (const auto by = replaced_by.find(decision.update.id); by != replaced_by.end()) {
      status.state = UpdateState::superseded;
      status.superseded_by = by_id.at(by->second);
    } else if (decision.decision.allowed) {
      status.state = UpdateState::entitled_missing;
    } else {
      const bool only_service_pack =
          !findings.empty() && std::all_of(findings.begin(), findings.end(), [](const auto& f) {
            return f.reason == catalog::Reason::service_pack_outdated;
          });
      status.state = only_service_pack ? UpdateState::prerequisite_missing : UpdateState::not_entitled;
      auto& codes = reference.reasons.emplace_back();
      for (const auto& finding : findings) {
        codes.emplace_back(catalog::code(finding.reason));
      }
      status.reasons = codes;
    }
    entry.updates.push_back(status);
  }
  reference.compliance.push_back(std::move(entry));
}

class ComplianceReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = catalog::open_sqlite_catalog(m_dir / "catalog.db");
    ASSERT_TRUE(opened) << opened.error().message;
    m_catalog = std::move(*opened);
    auto& catalog = *m_catalog;
    ASSERT_TRUE(catalog.apply_products({catalog::testing::sql_server_2005(), windows_2003(), exchange_2010()},
                                       on("2016-01-01")));
    for (const auto& added : updates()) {
      const auto outcome = catalog.add_update(added, on("2016-01-01"));
      ASSERT_TRUE(outcome && outcome->applied()) << added.id;
    }
    for (const auto& order : {contoso({"paris", "lyon"}), fabrikam()}) {
      const auto outcome = catalog.apply_order(order, on("2016-01-01"));
      ASSERT_TRUE(outcome && outcome->applied()) << order.customer_id;
    }
    // Windows: Essentials, KB200 bought for two devices; w-4 retires.
    for (const char* language : {"en-US", "en-US", "fr-FR", "en-US"}) {
      add("contoso", "paris", k_windows, "SP2", language, "2016-06-01");
    }
    add("fabrikam", "seattle", k_sql, "SP4", "en-US", "2016-10-20");
    // SQL Server: the plan allows 10 devices, 6 from 2017-01-13 and 3 from 2017-04-13.
    add("contoso", "paris", k_sql, "SP4", "en-US", "2016-11-01"); // dev-6
    add("contoso", "paris", k_sql, "SP4", "fr-FR", "2016-11-01"); // dev-7
    add("contoso", "lyon", k_sql, "SP4", "en-US", "2016-11-01");  // dev-8, lyon leaves the order
    add("contoso", "paris", k_sql, "SP3", "en-US", "2016-11-02"); // dev-9, service pack behind
    add("contoso", "paris", k_sql, "SP4", "de-DE", "2016-11-02"); // dev-10, language not covered
    add("contoso", "PARIS", k_sql, "SP4", "en-US", "2016-11-03"); // dev-11, names compare case-blind
    add("contoso", "paris", k_sql, "SP4", "en-US", "2016-11-03"); // dev-12, retires
    add("contoso", "paris", k_sql, "sp4", "en-US", "2016-11-04"); // dev-13
    add("contoso", "paris", k_sql, "SP4", "en-US", "2017-01-02"); // dev-14
    add("contoso", "lyon", k_sql, "SP4", "fr-FR", "2017-01-02");  // dev-15
    add("fabrikam", "seattle", k_sql, "SP4", "en-US", "2017-01-03");
    add("contoso", "paris", k_exchange, "SP3", "en-US", "2016-05-01");
    add("contoso", "paris", k_exchange, "SP2", "en-US", "2016-05-01");
    add("contoso", "lyon", k_exchange, "SP3", "de-DE", "2016-05-02");

    install("dev-1", "KB200", "2016-06-02"); // consumes the purchase
    install("dev-2", "KB200", "2016-06-02"); // consumes the last one
    install("dev-6", "KB100", "2016-11-15"); // then KB102 supersedes it: installed wins
    install("dev-7", "KB103", "2016-11-15"); // then dev-7 turns en-US: not applicable
    install("dev-8", "KB102", "2016-12-20");
    install("dev-14", "KB105", "2017-01-05"); // then dev-14 falls behind on its service pack
    install("dev-17", "KB300", "2016-06-05");
    install("dev-13", "KB106", "2016-12-01");
    check_in("dev-7", "SP4", "en-US", "2016-12-01");
    check_in("dev-14", "SP3", "en-US", "2017-01-06");
    check_in("dev-6", "SP4", "en-US", "2017-01-20");
    retire("dev-12", "2016-12-15");
    retire("dev-4", "2017-01-05");
    const auto without_lyon = catalog.apply_order(contoso({"paris"}), on("2017-01-20"));
    ASSERT_TRUE(without_lyon && without_lyon->applied());
  }

  void add(const char* customer, const char* site, const char* product, const char* service_pack, const char* language,
           const char* date) {
    const auto registered = m_catalog->register_device(
        catalog::DeviceRegistration{std::nullopt, customer, site, product, service_pack, language}, on(date));
    ASSERT_TRUE(registered && registered->device) << customer << " " << site << " " << product << " " << date;
  }
  void install(const char* device, const char* kb, const char* date) {
    const auto installed = m_catalog->record_install(device, kb, on(date));
    ASSERT_TRUE(installed && installed->decision.allowed) << device << " " << kb;
  }
  void check_in(const char* device, const char* service_pack, const char* language, const char* date) {
    ASSERT_TRUE(m_catalog->record_check_in(device, service_pack, language, on(date)));
  }
  void retire(const char* device, const char* date) { ASSERT_TRUE(m_catalog->retire_device(device, on(date))); }

  lifeline::testing::TempDir m_dir;
  std::unique_ptr<catalog::Catalog> m_catalog;
};

std::string describe(const UpdateStatus& status) {
  std::string text = status.update->id + " " + to_string(status.state);
  for (const auto& reason : status.reasons) {
    text += " " + reason;
  }
  return text + (status.superseded_by != nullptr ? " by " + status.superseded_by->id : "");
}

TEST_F(ComplianceReportTest, TheFleetFactsAreThoseOfEachPair) {
  for (const char* at : {"2016-11-01", "2017-02-01", "2017-05-01"}) {
    const auto fleet = m_catalog->fleet_facts("contoso", d(at));
    ASSERT_TRUE(fleet && *fleet) << at;
    ASSERT_EQ((*fleet)->devices.size(), 17U);
    for (std::size_t i = 0; i < (*fleet)->devices.size(); ++i) {
      for (std::size_t u = 0; u < (*fleet)->updates.size(); ++u) {
        const auto ours = (*fleet)->check_facts(i, u);
        const auto& device = (*fleet)->devices[i].device;
        const auto& kb = (*fleet)->updates[u].id;
        const auto theirs = m_catalog->device_facts(device.id, kb, d(at));
        ASSERT_TRUE(ours && theirs) << device.id << " " << kb;
        SCOPED_TRACE(device.id + " " + kb + " on " + at);
        EXPECT_EQ(ours->at, theirs->at);
        EXPECT_EQ(ours->product, theirs->product);
        EXPECT_EQ(ours->update, theirs->update);
        ASSERT_TRUE(ours->customer && theirs->customer);
        EXPECT_EQ(ours->customer->id, theirs->customer->id);
        EXPECT_EQ(ours->customer->contract, theirs->customer->contract);
        EXPECT_EQ(ours->customer->sites, theirs->customer->sites);
        EXPECT_EQ(ours->customer->hotfix_purchases, theirs->customer->hotfix_purchases);
        EXPECT_EQ(ours->enrolment, theirs->enrolment);
        EXPECT_EQ(ours->purchase.bought, theirs->purchase.bought);
        EXPECT_EQ(ours->purchase.consumed, theirs->purchase.consumed);
        EXPECT_EQ(ours->purchase.taken_by_device, theirs->purchase.taken_by_device);
        ASSERT_TRUE(ours->device && theirs->device);
        EXPECT_EQ(ours->device->device, theirs->device->device);
        EXPECT_EQ(ours->device->active_ahead, theirs->device->active_ahead);
        EXPECT_FALSE(theirs->contact);
      }
    }
    // Installs: one bit per pair, as installed_updates lists them.
    std::size_t pairs = 0;
    for (std::size_t i = 0; i < (*fleet)->devices.size(); ++i) {
      const auto installed = m_catalog->installed_updates((*fleet)->devices[i].device.id);
      ASSERT_TRUE(installed);
      pairs += installed->size();
      for (std::size_t u = 0; u < (*fleet)->updates.size(); ++u) {
        const bool listed =
            std::find(installed->begin(), installed->end(), (*fleet)->updates[u].id) != installed->end();
        EXPECT_EQ((*fleet)->installed.test(i, u), listed) << (*fleet)->devices[i].device.id;
      }
    }
    EXPECT_EQ((*fleet)->installed.count(), pairs);
    EXPECT_EQ(pairs, 8U);
  }
  const auto unknown = m_catalog->fleet_facts("nobody", d("2017-02-01"));
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

TEST_F(ComplianceReportTest, EveryPairIsInTheStateThePerDevicePathGives) {
  std::map<UpdateState, int> seen;
  for (const char* at : {"2016-06-01", "2016-11-01", "2016-12-01", "2017-02-01", "2017-05-01", "2017-08-01"}) {
    SCOPED_TRACE(at);
    for (const char* customer : {"contoso", "fabrikam"}) {
      const auto report = ComplianceReport::load(*m_catalog, customer, d(at), 30);
      ASSERT_TRUE(report) << report.error().message;
      Reference reference;
      const auto devices = m_catalog->list_devices(customer);
      ASSERT_TRUE(devices);
      for (const auto& device : *devices) {
        if (device.registered <= d(at) && !(device.retired && *device.retired <= d(at))) {
          add_reference(reference, *m_catalog, device, d(at), 30);
        }
      }
      const auto ours = report->devices();
      ASSERT_EQ(ours.size(), reference.compliance.size());
      for (std::size_t i = 0; i < ours.size(); ++i) {
        const auto& expected = reference.compliance[i];
        ASSERT_EQ(*ours[i].device, *expected.device);
        EXPECT_EQ(ours[i].stale, expected.stale) << expected.device->id;
        ASSERT_EQ(ours[i].updates.size(), expected.updates.size()) << expected.device->id;
        for (std::size_t k = 0; k < expected.updates.size(); ++k) {
          EXPECT_EQ(describe(ours[i].updates[k]), describe(expected.updates[k])) << expected.device->id;
          ++seen[expected.updates[k].state];
        }
      }
      const auto summaries = report->products();
      const auto expected = product_compliance(reference.compliance, d(at));
      ASSERT_EQ(summaries.size(), expected.size());
      for (std::size_t p = 0; p < summaries.size(); ++p) {
        EXPECT_EQ(summaries[p].customer, customer);
        EXPECT_EQ(summaries[p].product, expected[p].product);
        EXPECT_EQ(summaries[p].devices, expected[p].devices);
        EXPECT_EQ(summaries[p].fully_patched, expected[p].fully_patched);
        EXPECT_EQ(summaries[p].stale, expected[p].stale);
        EXPECT_EQ(summaries[p].states, expected[p].states);
        EXPECT_EQ(summaries[p].oldest_missing_critical_days, expected[p].oldest_missing_critical_days);
      }
    }
  }
  // The catalog exercises every state, so that the comparison means something.
  for (const auto state : {UpdateState::installed, UpdateState::entitled_missing, UpdateState::not_entitled,
                           UpdateState::prerequisite_missing, UpdateState::superseded, UpdateState::not_applicable}) {
    EXPECT_GT(seen[state], 0) << to_string(state);
  }
}

std::string describe(const DeviceCompliance& entry) {
  std::string text = entry.device->customer + "/" + entry.device->id + (entry.stale ? " stale" : "");
  for (const auto& status : entry.updates) {
    text += "; " + describe(status);
  }
  return text;
}

// Pages decided from their own devices come out as the whole report does, the CS-5 ranks
// included (the plan's cap leaves the last SQL Server devices out), whether one walk carries the
// ranks from page to page (exports) or each page starts afresh from a cursor (the API).
TEST_F(ComplianceReportTest, PagesOfAnySizeGiveTheWholeReport) {
  const std::vector<std::string> customers{"contoso", "fabrikam"};
  for (const char* at : {"2016-11-01", "2017-02-01", "2017-05-01"}) {
    SCOPED_TRACE(at);
    std::vector<std::string> whole;
    for (const auto& customer : customers) {
      const auto report = ComplianceReport::load(*m_catalog, customer, d(at), 30);
      ASSERT_TRUE(report);
      report->for_each_device([&](const DeviceCompliance& entry) { whole.push_back(describe(entry)); });
    }
    ASSERT_GT(whole.size(), 10U);
    for (const std::int64_t limit : {1, 2, 3, 5, 16, 40}) {
      SCOPED_TRACE(limit);
      ComplianceWalk walk(customers, d(at), 30);
      std::vector<std::string> carried;
      for (bool more = true; more;) {
        const auto next =
            walk.next(*m_catalog, limit, [&](const DeviceCompliance& e) { carried.push_back(describe(e)); });
        ASSERT_TRUE(next) << next.error().message;
        more = *next;
      }
      EXPECT_EQ(carried, whole);
      std::vector<std::string> resumed;
      std::optional<FleetPosition> position;
      for (;;) {
        ComplianceWalk page(customers, d(at), 30, position);
        const auto next =
            page.next(*m_catalog, limit, [&](const DeviceCompliance& e) { resumed.push_back(describe(e)); });
        ASSERT_TRUE(next) << next.error().message;
        ASSERT_LE(resumed.size(), whole.size());
        if (!*next) {
          break;
        }
        position = page.position();
      }
      EXPECT_EQ(resumed, whole);
    }
    // "More" is exact: a page that holds the rest says nothing follows.
    const auto count = static_cast<std::int64_t>(whole.size());
    ComplianceWalk exact(customers, d(at), 30);
    EXPECT_FALSE(*exact.next(*m_catalog, count, [](const DeviceCompliance&) {}));
    ComplianceWalk short_of(customers, d(at), 30);
    EXPECT_TRUE(*short_of.next(*m_catalog, count - 1, [](const DeviceCompliance&) {}));
  }
  // A page of an unknown customer is empty, and a position in one goes on with the next.
  ComplianceWalk gone({"contoso", "fabrikam"}, d("2017-02-01"), 30,
                      FleetPosition{"customer-gone", catalog::DeviceKey{d("2016-01-01"), 1}});
  std::vector<std::string> after_gone;
  EXPECT_FALSE(*gone.next(*m_catalog, 100, [&](const DeviceCompliance& e) { after_gone.push_back(describe(e)); }));
  ASSERT_FALSE(after_gone.empty());
  EXPECT_EQ(after_gone.front().rfind("fabrikam/", 0), 0U) << after_gone.front();
}

TEST_F(ComplianceReportTest, DevicesTheRulesCannotTellApartShareOneDecision) {
  const auto fleet = m_catalog->fleet_facts("contoso", d("2017-02-01"));
  ASSERT_TRUE(fleet && *fleet);
  const auto decisions = FleetDecisions::make(**fleet);
  ASSERT_TRUE(decisions);
  EXPECT_LT(decisions->classes(), (*fleet)->devices.size()) << "dev-1 and dev-2, for one";
  // The plan allows 6 on 2017-02-01: of the 10 SQL Server devices registered, 9 are active and
  // the three registered last are over the cap.
  std::vector<std::string> over;
  for (std::size_t i = 0; i < (*fleet)->devices.size(); ++i) {
    const auto& subject = (*fleet)->devices[i];
    if (subject.device.product == k_sql && !subject.device.retired && subject.active_ahead >= 6) {
      over.push_back(subject.device.id);
    }
  }
  EXPECT_EQ(over, (std::vector<std::string>{"dev-13", "dev-14", "dev-15"}));
}

} // namespace
} // namespace lifeline::server::service
