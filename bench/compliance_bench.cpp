// The per-device compliance report of one customer (100,000 devices x 100 updates by default)
// through Lifeline's service API, against one hand-written SQL query that computes the same
// per-product counts for this data. Both run in the same process on the same catalog file,
// warm, and the median of several runs is kept; the counts must agree or the bench aborts.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <sqlite3.h>

#include "catalog/catalog.hpp"
#include "server/service/compliance.hpp"
#include "tests/support/testing.hpp"
#include "tests/unit/catalog/scenario.hpp"

namespace {

using namespace lifeline;
using catalog::Date;
using catalog::testing::d;
using server::service::UpdateState;

const Date k_at = d("2017-02-01");
constexpr int k_stale_days = 14;
constexpr int k_runs = 5;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "compliance_bench: %s\n", what);
    std::abort();
  }
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::fprintf(stderr, "compliance_bench: %s: %s\n", sql, message != nullptr ? message : "");
    std::abort();
  }
}

// The data's shape, shared by the population and nothing else: the reference query below does
// not read it, only the catalog.
std::string kb(int u) {
  return "KB" + std::to_string(4100000 + u);
}
bool french(int device) {
  return device % 5 == 0;
}
bool behind(int device) { // runs SP3: every covered update is missing a prerequisite
  return device % 10 == 3;
}
bool applicable(int device, int u) {
  if (u % 20 == 3) {
    return french(device); // the fr-FR edition
  }
  if (u % 20 == 7) {
    return !french(device); // the en-US edition
  }
  return true;
}
bool installs(int device, int u) {
  if (device % 7 == 0) {
    return true; // diligent devices install everything that applies
  }
  const auto hash = static_cast<std::uint64_t>(device) * 2654435761U + static_cast<std::uint64_t>(u) * 40503U;
  return ((hash >> 7) & 1U) == 0;
}

void populate(catalog::Catalog& catalog, const std::filesystem::path& file, int devices, int updates) {
  const catalog::AuditContext setup{d("2016-06-01"), "bench"};
  const auto product = catalog::testing::sql_server_2005();
  check(static_cast<bool>(catalog.apply_products({product}, setup)), "apply products");
  for (int u = 0; u < updates; ++u) {
    catalog::Update update;
    update.id = kb(u);
    update.title = "Security update " + std::to_string(u);
    update.released = d("2016-01-05").add_days(3 * u);
    const auto severity = u % 10 == 9  ? catalog::Severity::moderate
                          : u % 4 == 1 ? catalog::Severity::important
                                       : catalog::Severity::critical;
    update.products = {{product.id, severity}};
    if (u % 20 == 3) {
      update.language = "fr-FR";
    } else if (u % 20 == 7) {
      update.language = "en-US";
    }
    if (u >= 11 && u <= 13) {
      update.supersedes = {kb(u - 1)}; // a chain: 13 -> 12 -> 11 -> 10
    }
    check(static_cast<bool>(catalog.add_update(update, setup)), "add update");
  }
  catalog::ServiceOrder order;
  order.customer_id = "contoso";
  order.customer_name = "Contoso Ltd";
  order.contract = {2, d("2016-01-01"), d("2018-12-31")};
  order.sites = {"paris", "lyon"};
  order.contacts = {{"ops@contoso.example", "Ops"}};
  catalog::Enrolment enrolment;
  enrolment.product = product.id;
  enrolment.start = d("2016-10-13");
  enrolment.important_addon = true;
  enrolment.languages = {"en-US", "fr-FR"};
  enrolment.migration_plan = catalog::MigrationPlan{devices, {{d("2016-10-13"), devices}}, d("2018-04-12")};
  order.enrolments = {enrolment};
  check(static_cast<bool>(catalog.apply_order(order, setup)), "apply order");

  // Devices and installs straight into the tables, in one transaction: registering 100,000
  // devices one by one is not what is measured.
  sqlite3* db = nullptr;
  check(sqlite3_open(file.c_str(), &db) == SQLITE_OK, "open");
  exec(db, "BEGIN");
  sqlite3_stmt* device = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO devices (id, customer_id, site, product_id, service_pack, language, registered, "
                     "retired, last_seen) VALUES (?, 'contoso', ?, ?, ?, ?, '2016-11-01', ?, ?)",
                     -1, &device, nullptr);
  sqlite3_stmt* install = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO installs (device_id, update_id, at) VALUES (?, ?, '2017-01-15')", -1, &install,
                     nullptr);
  for (int i = 0; i < devices; ++i) {
    const auto id = "dev-" + std::to_string(i);
    sqlite3_bind_text(device, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(device, 2, i % 2 == 0 ? "paris" : "lyon", -1, SQLITE_STATIC);
    sqlite3_bind_text(device, 3, product.id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(device, 4, behind(i) ? "SP3" : "SP4", -1, SQLITE_STATIC);
    sqlite3_bind_text(device, 5, french(i) ? "fr-FR" : "en-US", -1, SQLITE_STATIC);
    if (i % 100 == 99) {
      sqlite3_bind_text(device, 6, "2016-12-01", -1, SQLITE_STATIC);
    } else {
      sqlite3_bind_null(device, 6);
    }
    sqlite3_bind_text(device, 7, i % 20 == 1 ? "2016-11-02" : "2017-01-30", -1, SQLITE_STATIC);
    check(sqlite3_step(device) == SQLITE_DONE, "insert device");
    sqlite3_reset(device);
    for (int u = 0; u < updates; ++u) {
      if (applicable(i, u) && installs(i, u)) {
        const auto update = kb(u);
        sqlite3_bind_text(install, 1, id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(install, 2, update.c_str(), -1, SQLITE_TRANSIENT);
        check(sqlite3_step(install) == SQLITE_DONE, "insert install");
        sqlite3_reset(install);
      }
    }
  }
  sqlite3_finalize(device);
  sqlite3_finalize(install);
  exec(db, "COMMIT");
  exec(db, "ANALYZE");
  sqlite3_close(db);
}

// Per product: devices, fully patched, stale, pairs per state, oldest missing Critical.
struct Counts {
  std::string product;
  std::int64_t devices = 0;
  std::int64_t fully_patched = 0;
  std::int64_t stale = 0;
  std::array<std::int64_t, 6> states{};
  std::int64_t oldest_missing_critical = -1; // none
  bool operator==(const Counts&) const = default;
};

void print(const char* who, const Counts& counts) {
  std::printf("  %-9s %s: %lld devices, %lld fully patched, %lld stale; installed %lld, entitled-missing %lld, "
              "not-entitled %lld, prerequisite-missing %lld, superseded %lld, not-applicable %lld; oldest missing "
              "Critical %lld days\n",
              who, counts.product.c_str(), static_cast<long long>(counts.devices),
              static_cast<long long>(counts.fully_patched), static_cast<long long>(counts.stale),
              static_cast<long long>(counts.states[0]), static_cast<long long>(counts.states[1]),
              static_cast<long long>(counts.states[2]), static_cast<long long>(counts.states[3]),
              static_cast<long long>(counts.states[4]), static_cast<long long>(counts.states[5]),
              static_cast<long long>(counts.oldest_missing_critical));
}

std::vector<Counts> lifeline_counts(catalog::Catalog& catalog) {
  const auto report = server::service::ComplianceReport::load(catalog, "contoso", k_at, k_stale_days);
  check(static_cast<bool>(report), "compliance report");
  std::vector<Counts> all;
  for (const auto& summary : report->products()) {
    Counts counts;
    counts.product = summary.product;
    counts.devices = summary.devices;
    counts.fully_patched = summary.fully_patched;
    counts.stale = summary.stale;
    for (const auto& [state, count] : summary.states) {
      counts.states[static_cast<std::size_t>(state)] = count;
    }
    counts.oldest_missing_critical = summary.oldest_missing_critical_days.value_or(-1);
    all.push_back(counts);
  }
  return all;
}

// The same counts in one statement, with this data's rules written out: an update in another
// language does not apply; a device on SP3 misses a prerequisite for every update it would be
// entitled to; Moderate updates are not covered; what an entitled or installed update
// supersedes, down the chain, is superseded. State numbers follow UpdateState's order. Tuned by
// hand: the ratings and the superseded pairs are small and materialised once, the devices are
// scanned in rowid order so that grouping by device needs no sort, and each pair's state is
// computed twice rather than once per count (a naive form took 3x as long).
constexpr const char* k_reference_sql = R"sql(
WITH RECURSIVE
  chain(old, new) AS (
    SELECT superseded_id, update_id FROM update_supersedes
    UNION SELECT s.superseded_id, chain.new FROM update_supersedes s JOIN chain ON s.update_id = chain.old),
  rated(product_id, update_id, language, covered, critical_age, in_chain) AS MATERIALIZED (
    SELECT r.product_id, r.update_id, u.language, r.severity IN ('critical', 'important'),
           CASE WHEN r.severity = 'critical' THEN MAX(0, CAST(julianday(?1) - julianday(u.released) AS INTEGER)) END,
           r.update_id IN (SELECT old FROM chain)
    FROM update_products r JOIN updates u ON u.id = r.update_id),
  superseding(sequence, old) AS MATERIALIZED (
    SELECT DISTINCT a.sequence, c.old
    FROM chain c CROSS JOIN rated v ON v.update_id = c.new
      CROSS JOIN devices a ON a.product_id = v.product_id
      LEFT JOIN installs j ON j.device_id = a.id AND j.update_id = v.update_id
    WHERE a.customer_id = ?3
      AND ((a.service_pack = 'SP4' AND v.covered AND (v.language IS NULL OR v.language = a.language))
           OR j.update_id IS NOT NULL)),
  pairs AS (
    SELECT a.sequence, a.product_id, a.last_seen, a.registered, v.critical_age,
      CASE
        WHEN v.language IS NOT NULL AND v.language <> a.language THEN 5
        WHEN i.update_id IS NOT NULL THEN 0
        WHEN v.in_chain AND EXISTS (SELECT 1 FROM superseding s WHERE s.sequence = a.sequence AND s.old = v.update_id)
          THEN 4
        WHEN NOT v.covered THEN 2
        WHEN a.service_pack = 'SP4' THEN 1
        ELSE 3
      END AS state
    FROM devices a CROSS JOIN rated v ON v.product_id = a.product_id
      LEFT JOIN installs i ON i.device_id = a.id AND i.update_id = v.update_id
    WHERE +a.customer_id = ?3 AND a.registered <= ?1 AND (a.retired IS NULL OR a.retired > ?1)),
  per_device AS (
    -- Each pair adds 1 << (8 * state): the six counts of a device (at most 255 each) in one sum.
    SELECT product_id, julianday(?1) - julianday(COALESCE(last_seen, registered)) > ?2 AS stale,
           SUM(1 << (8 * state)) AS packed, MAX(CASE WHEN state IN (1, 3) THEN critical_age END) AS oldest
    FROM pairs GROUP BY sequence),
  unpacked AS (
    SELECT product_id, stale, oldest, packed & 255 AS s0, (packed >> 8) & 255 AS s1, (packed >> 16) & 255 AS s2,
           (packed >> 24) & 255 AS s3, (packed >> 32) & 255 AS s4, (packed >> 40) & 255 AS s5
    FROM per_device)
SELECT product_id, COUNT(*), SUM(s1 = 0 AND s3 = 0 AND NOT stale), SUM(stale), SUM(s0), SUM(s1), SUM(s2), SUM(s3),
       SUM(s4), SUM(s5), COALESCE(MAX(oldest), -1)
FROM unpacked GROUP BY product_id ORDER BY product_id
)sql";

class Reference {
 public:
  explicit Reference(const std::filesystem::path& file) {
    check(sqlite3_open_v2(file.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK, "open reference");
    check(sqlite3_prepare_v3(m_db, k_reference_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_query, nullptr) == SQLITE_OK,
          sqlite3_errmsg(m_db));
  }
  ~Reference() {
    sqlite3_finalize(m_query);
    sqlite3_close(m_db);
  }
  Reference(const Reference&) = delete;
  Reference& operator=(const Reference&) = delete;

  std::vector<Counts> counts() {
    const auto at = k_at.to_string();
    sqlite3_bind_text(m_query, 1, at.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(m_query, 2, k_stale_days);
    sqlite3_bind_text(m_query, 3, "contoso", -1, SQLITE_STATIC);
    std::vector<Counts> all;
    while (sqlite3_step(m_query) == SQLITE_ROW) {
      Counts counts;
      counts.product = reinterpret_cast<const char*>(sqlite3_column_text(m_query, 0));
      counts.devices = sqlite3_column_int64(m_query, 1);
      counts.fully_patched = sqlite3_column_int64(m_query, 2);
      counts.stale = sqlite3_column_int64(m_query, 3);
      for (int s = 0; s < 6; ++s) {
        counts.states[static_cast<std::size_t>(s)] = sqlite3_column_int64(m_query, 4 + s);
      }
      counts.oldest_missing_critical = sqlite3_column_int64(m_query, 10);
      all.push_back(counts);
    }
    sqlite3_reset(m_query);
    return all;
  }

 private:
  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_query = nullptr;
};

template <typename Body> double median_seconds(Body&& body) {
  std::vector<double> runs;
  for (int run = 0; run < k_runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    body();
    runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

long resident_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atol(line.c_str() + 6) / 1024;
    }
  }
  return -1;
}

long peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

} // namespace

int main(int argc, char** argv) {
  const int devices = argc > 1 ? std::atoi(argv[1]) : 100'000;
  const int updates = argc > 2 ? std::atoi(argv[2]) : 100;
  check(devices > 0 && updates >= 14, "usage: compliance_bench [devices] [updates >= 14]");
  lifeline::testing::TempDir dir;
  const auto file = dir / "catalog.db";
  auto catalog = catalog::open_sqlite_catalog(file);
  check(static_cast<bool>(catalog), "open catalog");
  const auto setup_start = std::chrono::steady_clock::now();
  populate(**catalog, file, devices, updates);
  std::printf("catalog: 1 customer, %d devices x %d updates (set up in %.1f s, %ld MiB resident)\n", devices, updates,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count(), resident_mib());

  // Warm both, and check that they agree before timing anything.
  Reference reference(file);
  const auto theirs = reference.counts();
  const auto ours = lifeline_counts(**catalog);
  for (const auto& counts : ours) {
    print("lifeline", counts);
  }
  for (const auto& counts : theirs) {
    print("SQL", counts);
  }
  check(ours == theirs, "Lifeline's counts differ from the reference query's");

  const double sql_seconds = median_seconds([&] { check(reference.counts() == theirs, "reference changed"); });
  const long before = resident_mib();
  const double our_seconds = median_seconds([&] { check(lifeline_counts(**catalog) == ours, "report changed"); });
  std::printf("hand-written SQL query (reference): %.3f s (median of %d)\n", sql_seconds, k_runs);
  std::printf("lifeline compliance report:         %.3f s (median of %d)\n", our_seconds, k_runs);
  std::printf("ratio lifeline / SQL: %.2fx\n", our_seconds / sql_seconds);
  std::printf("memory: %ld MiB resident before the reports, peak %ld MiB for the whole run\n", before, peak_mib());
  return 0;
}
