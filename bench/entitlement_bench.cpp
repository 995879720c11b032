// 100k entitlement checks through the catalog and the rules engine, against the raw SQLite
// reads those checks need (same statements, prepared once, columns read, no domain objects).
// Prints both times and their ratio; the reference is measured in the same run.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "catalog/catalog.hpp"
#include "catalog/rules/entitlement.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace {

using namespace lifeline;
using catalog::Date;

Date d(const char* text) {
  return *Date::parse(text);
}

constexpr int k_customers = 50;
constexpr int k_devices_per_customer = 200;
constexpr int k_updates = 20;

void populate(catalog::Catalog& catalog) {
  const catalog::AuditContext at{d("2016-06-01"), "bench"};
  const auto product = catalog::testing::sql_server_2005();
  if (!catalog.apply_products({product}, at)) {
    std::abort();
  }
  for (int u = 0; u < k_updates; ++u) {
    catalog::Update update;
    update.id = "KB40" + std::to_string(10000 + u);
    update.title = "Security update " + std::to_string(u);
    update.released = d("2017-01-10");
    update.products = {{product.id, u % 3 == 0 ? catalog::Severity::important : catalog::Severity::critical}};
    update.cves = {"CVE-2017-" + std::to_string(1000 + u)};
    if (!catalog.add_update(update, at)) {
      std::abort();
    }
  }
  for (int c = 0; c < k_customers; ++c) {
    catalog::ServiceOrder order;
    order.customer_id = "customer-" + std::to_string(c);
    order.customer_name = "Customer " + std::to_string(c);
    order.contract = {2, d("2016-01-01"), d("2018-12-31")};
    order.sites = {"site-a", "site-b"};
    order.contacts = {{"ops@" + order.customer_id + ".example", "Ops"}};
    catalog::Enrolment enrolment;
    enrolment.product = product.id;
    enrolment.type = c % 5 == 0 ? catalog::EnrolmentType::essentials : catalog::EnrolmentType::standard;
    enrolment.start = d("2016-04-13");
    enrolment.migration_plan = catalog::MigrationPlan{
        k_devices_per_customer, {{d("2016-04-13"), k_devices_per_customer}, {d("2017-01-13"), 150}}, d("2018-04-12")};
    if (enrolment.type == catalog::EnrolmentType::essentials) {
      enrolment.purchases = {{"KB4010001", 50}};
    }
    order.enrolments = {enrolment};
    if (!catalog.apply_order(order, at)) {
      std::abort();
    }
    for (int i = 0; i < k_devices_per_customer; ++i) {
      const catalog::DeviceRegistration request{order.customer_id + "-dev-" + std::to_string(i),
                                                order.customer_id,
                                                i % 2 == 0 ? "site-a" : "site-b",
                                                product.id,
                                                "SP4",
                                                "en-US"};
      if (!catalog.register_device(request, at)) {
        std::abort();
      }
    }
  }
}

struct Pair {
  std::string device;
  std::string update;
};

// The statements the catalog runs for one device check, read column by column.
class RawReads {
 public:
  explicit RawReads(const std::filesystem::path& file) {
    sqlite3_open_v2(file.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr);
    for (const char* sql : k_statements) {
      sqlite3_stmt* statement = nullptr;
      sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
      m_statements.push_back(statement);
    }
  }
  ~RawReads() {
    for (auto* statement : m_statements) {
      sqlite3_finalize(statement);
    }
    sqlite3_close(m_db);
  }
  RawReads(const RawReads&) = delete;
  RawReads& operator=(const RawReads&) = delete;

  // Returns a checksum so that nothing is optimised away.
  std::size_t check(const Pair& pair, const std::string& at) {
    sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr);
    std::size_t sum = 0;
    std::string customer;
    std::string product;
    std::string registered;
    std::int64_t sequence = 0;
    sum += read(0, {pair.device}, [&](sqlite3_stmt* s) {
      customer = text(s, 1);
      product = text(s, 3);
      registered = text(s, 6);
      sequence = sqlite3_column_int64(s, 8);
    });
    sum += read(1, {pair.update});
    sum += read(2, {pair.update});
    sum += read(3, {pair.update});
    sum += read(4, {pair.update});
    sum += read(5, {product});
    sum += read(6, {customer});
    sum += read(7, {customer});
    sum += read(8, {customer});
    sum += read(9, {customer, product});
    sum += read(10, {customer, product});
    sum += read(11, {customer, product});
    sum += read(12, {customer, product});
    sum += read(13, {customer, product, pair.update});
    sum += read(14, {pair.device, customer, product, pair.update});
    sum += read_ahead(customer, product, at, registered, sequence);
    sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    return sum;
  }

 private:
  static std::string text(sqlite3_stmt* s, int column) {
    const auto* p = sqlite3_column_text(s, column);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }

  template <typename OnRow = void (*)(sqlite3_stmt*)>
  std::size_t read(
      std::size_t index, const std::vector<std::string>& params, OnRow on_row = [](sqlite3_stmt*) {}) {
    auto* s = m_statements[index];
    for (std::size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(s, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    std::size_t sum = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        sum += static_cast<std::size_t>(sqlite3_column_bytes(s, c));
        sqlite3_column_text(s, c);
      }
      on_row(s);
    }
    sqlite3_reset(s);
    return sum;
  }

  std::size_t read_ahead(const std::string& customer, const std::string& product, const std::string& at,
                         const std::string& registered, std::int64_t sequence) {
    auto* s = m_statements[15];
    sqlite3_bind_text(s, 1, customer.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, product.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, at.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, registered.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, sequence);
    std::size_t sum = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
      sum = static_cast<std::size_t>(sqlite3_column_int64(s, 0));
    }
    sqlite3_reset(s);
    return sum;
  }

  static constexpr const char* k_statements[] = {
      "SELECT id, customer_id, site, product_id, service_pack, language, registered, retired, sequence FROM devices "
      "WHERE id = ?",
      "SELECT id, kind, title, released, requires_service_pack, language, regression_tested FROM updates WHERE id = ?",
      "SELECT product_id, severity FROM update_products WHERE update_id = ? ORDER BY rowid",
      "SELECT cve FROM update_cves WHERE update_id = ? ORDER BY rowid",
      "SELECT superseded_id FROM update_supersedes WHERE update_id = ? ORDER BY rowid",
      "SELECT id, name, family, version, service_pack, latest_service_pack, mainstream_end, support_end, "
      "programme_start, programme_end, prerelease FROM products WHERE id = ?",
      "SELECT id, name, level, contract_start, contract_end FROM customers WHERE id = ?",
      "SELECT site FROM sites WHERE customer_id = ? ORDER BY rowid",
      "SELECT update_id FROM hotfix_purchases WHERE customer_id = ? ORDER BY rowid",
      "SELECT type, start, important_addon, unenrol_notice, plan_devices, plan_completion FROM enrolments WHERE "
      "customer_id = ? AND product_id = ?",
      "SELECT start, devices FROM plan_quarters WHERE customer_id = ? AND product_id = ? ORDER BY start",
      "SELECT language FROM enrolment_languages WHERE customer_id = ? AND product_id = ? ORDER BY rowid",
      "SELECT update_id, devices FROM purchases WHERE customer_id = ? AND product_id = ? ORDER BY rowid",
      "SELECT devices FROM purchases WHERE customer_id = ? AND product_id = ? AND update_id = ?",
      "SELECT COUNT(*), COALESCE(SUM(device_id = ?), 0) FROM purchase_consumptions WHERE customer_id = ? AND "
      "product_id = ? AND update_id = ?",
      "SELECT COUNT(*) FROM devices WHERE customer_id = ?1 AND product_id = ?2 AND registered <= ?3 AND (retired IS "
      "NULL OR retired > ?3) AND (registered, sequence) < (?4, ?5)",
  };

  sqlite3* m_db = nullptr;
  std::vector<sqlite3_stmt*> m_statements;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
  const int checks = argc > 1 ? std::atoi(argv[1]) : 100'000;
  lifeline::testing::TempDir dir;
  const auto file = dir / "catalog.db";
  auto catalog = catalog::open_sqlite_catalog(file);
  if (!catalog) {
    std::fprintf(stderr, "%s\n", catalog.error().message.c_str());
    return 1;
  }
  const auto setup_start = std::chrono::steady_clock::now();
  populate(**catalog);
  std::printf("catalog: %d customers, %d devices, %d updates (set up in %.2f s)\n", k_customers,
              k_customers * k_devices_per_customer, k_updates, seconds_since(setup_start));

  std::mt19937 random(42);
  std::vector<Pair> pairs;
  for (int i = 0; i < checks; ++i) {
    const auto c = random() % k_customers;
    const auto n = random() % k_devices_per_customer;
    pairs.push_back({"customer-" + std::to_string(c) + "-dev-" + std::to_string(n),
                     "KB40" + std::to_string(10000 + random() % k_updates)});
  }
  const Date at = d("2017-02-01");

  // Warm both paths once so that neither pays for the first page reads.
  std::size_t allowed = 0;
  RawReads raw(file);
  std::size_t raw_sum = raw.check(pairs[0], at.to_string());

  auto start = std::chrono::steady_clock::now();
  for (const auto& pair : pairs) {
    raw_sum += raw.check(pair, at.to_string());
  }
  const double raw_seconds = seconds_since(start);

  start = std::chrono::steady_clock::now();
  for (const auto& pair : pairs) {
    const auto facts = (*catalog)->device_facts(pair.device, pair.update, at);
    if (!facts) {
      std::fprintf(stderr, "%s\n", facts.error().message.c_str());
      return 1;
    }
    allowed += catalog::rules::decide(*facts).allowed ? 1U : 0U;
  }
  const double engine_seconds = seconds_since(start);

  std::printf("raw SQLite reads (reference): %d checks in %.3f s, %.1f us/check (checksum %zu)\n", checks, raw_seconds,
              raw_seconds * 1e6 / checks, raw_sum);
  std::printf("catalog + rules engine:       %d checks in %.3f s, %.1f us/check (%zu allowed)\n", checks,
              engine_seconds, engine_seconds * 1e6 / checks, allowed);
  std::printf("ratio engine / raw reads: %.2fx\n", engine_seconds / raw_seconds);
  return 0;
}
