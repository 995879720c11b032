#include "catalog/sqlite/migrations.hpp"

#include <string>

#include "catalog/sqlite/database.hpp"

namespace lifeline::catalog::sqlite {

namespace {

// Version 1: the commercial catalog, devices and the audit trail.
constexpr std::string_view k_v1 = R"sql(
CREATE TABLE products (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  family TEXT NOT NULL,
  version TEXT NOT NULL,
  service_pack TEXT NOT NULL,
  latest_service_pack TEXT NOT NULL,
  mainstream_end TEXT NOT NULL,
  support_end TEXT NOT NULL,
  programme_start TEXT,
  programme_end TEXT,
  prerelease INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
  contract_start TEXT NOT NULL,
  contract_end TEXT NOT NULL,
  additional_contacts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sites (
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  site TEXT NOT NULL,
  PRIMARY KEY (customer_id, site)
);
CREATE TABLE contacts (
  email TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL
);
CREATE TABLE enrolments (
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  product_id TEXT NOT NULL REFERENCES products(id),
  type TEXT NOT NULL CHECK (type IN ('standard', 'essentials')),
  start TEXT NOT NULL,
  important_addon INTEGER NOT NULL DEFAULT 0,
  unenrol_notice TEXT,
  plan_devices INTEGER,
  plan_completion TEXT,
  PRIMARY KEY (customer_id, product_id)
);
CREATE TABLE enrolment_languages (
  customer_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  language TEXT NOT NULL,
  PRIMARY KEY (customer_id, product_id, language),
  FOREIGN KEY (customer_id, product_id) REFERENCES enrolments(customer_id, product_id) ON DELETE CASCADE
);
CREATE TABLE plan_quarters (
  customer_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  start TEXT NOT NULL,
  devices INTEGER NOT NULL,
  PRIMARY KEY (customer_id, product_id, start),
  FOREIGN KEY (customer_id, product_id) REFERENCES enrolments(customer_id, product_id) ON DELETE CASCADE
);
CREATE TABLE purchases (
  customer_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  update_id TEXT NOT NULL,
  devices INTEGER NOT NULL,
  PRIMARY KEY (customer_id, product_id, update_id),
  FOREIGN KEY (customer_id, product_id) REFERENCES enrolments(customer_id, product_id) ON DELETE CASCADE
);
CREATE TABLE hotfix_purchases (
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  update_id TEXT NOT NULL,
  PRIMARY KEY (customer_id, update_id)
);
CREATE TABLE updates (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('security', 'hotfix')),
  title TEXT NOT NULL,
  released TEXT NOT NULL,
  requires_service_pack TEXT,
  language TEXT,
  regression_tested INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE update_products (
  update_id TEXT NOT NULL REFERENCES updates(id) ON DELETE CASCADE,
  product_id TEXT NOT NULL REFERENCES products(id),
  severity TEXT,
  PRIMARY KEY (update_id, product_id)
);
CREATE TABLE update_cves (
  update_id TEXT NOT NULL REFERENCES updates(id) ON DELETE CASCADE,
  cve TEXT NOT NULL,
  PRIMARY KEY (update_id, cve)
);
CREATE TABLE update_supersedes (
  update_id TEXT NOT NULL REFERENCES updates(id) ON DELETE CASCADE,
  superseded_id TEXT NOT NULL,
  PRIMARY KEY (update_id, superseded_id)
);
CREATE TABLE devices (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  site TEXT NOT NULL,
  product_id TEXT NOT NULL REFERENCES products(id),
  service_pack TEXT NOT NULL,
  language TEXT NOT NULL,
  registered TEXT NOT NULL,
  retired TEXT
);
CREATE INDEX devices_by_enrolment ON devices (customer_id, product_id, registered, sequence);
CREATE TABLE audit (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  recorded TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  customer_id TEXT,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL
);
)sql";

// Version 2: what devices took. Essentials consumption and installs, so that the per-device
// purchase (CS-8) is decided and consumed in one transaction; and a covering index for the cap.
constexpr std::string_view k_v2 = R"sql(
CREATE TABLE purchase_consumptions (
  customer_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  update_id TEXT NOT NULL,
  device_id TEXT NOT NULL REFERENCES devices(id),
  at TEXT NOT NULL,
  PRIMARY KEY (customer_id, product_id, update_id, device_id)
);
CREATE TABLE installs (
  device_id TEXT NOT NULL REFERENCES devices(id),
  update_id TEXT NOT NULL REFERENCES updates(id),
  at TEXT NOT NULL,
  PRIMARY KEY (device_id, update_id)
);
CREATE INDEX audit_by_customer ON audit (customer_id, sequence);
-- The cap ranking (CS-5) counts the devices ahead of one: a covering index keeps it off the table.
DROP INDEX devices_by_enrolment;
CREATE INDEX devices_by_rank ON devices (customer_id, product_id, registered, sequence, retired);
)sql";

// Version 3: credentials of operators, publishers, designated contacts and devices, stored only
// as SHA-256 hashes of the tokens.
constexpr std::string_view k_v3 = R"sql(
CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('operator', 'publisher', 'contact', 'device')),
  subject TEXT NOT NULL,
  customer_id TEXT,
  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX credentials_by_subject ON credentials (role, subject);
)sql";

// Version 4: enrolment tokens (hashes only), install reports keyed by the device's report id so
// a retried report counts once, and the day each device was last seen.
constexpr std::string_view k_v4 = R"sql(
CREATE TABLE enrolment_tokens (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  site TEXT NOT NULL,
  product_id TEXT NOT NULL REFERENCES products(id),
  uses_left INTEGER NOT NULL CHECK (uses_left >= 0),
  expires TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE install_reports (
  device_id TEXT NOT NULL REFERENCES devices(id),
  report_id TEXT NOT NULL,
  update_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('installed', 'refused', 'failed')),
  reasons TEXT NOT NULL DEFAULT '[]',
  detail TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  received TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (device_id, report_id)
);
ALTER TABLE devices ADD COLUMN last_seen TEXT;
)sql";

// Version 5: each device's Ed25519 public key, and the signed receipt behind each report.
constexpr std::string_view k_v5 = R"sql(
ALTER TABLE devices ADD COLUMN public_key TEXT NOT NULL DEFAULT '';
ALTER TABLE install_reports ADD COLUMN receipt TEXT NOT NULL DEFAULT '';
)sql";

// Version 6: imported advisory documents (one row per document, its latest revision), what each
// contributed per KB (so a later revision replaces exactly that; source 'manifest' holds what the
// update's manifest said once an advisory also speaks of it), and the products an update's
// advisories name as affected.
constexpr std::string_view k_v6 = R"sql(
CREATE TABLE advisories (
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('cvrf', 'csaf')),
  revision TEXT NOT NULL,
  title TEXT NOT NULL,
  initial_release TEXT NOT NULL,
  current_release TEXT NOT NULL,
  PRIMARY KEY (source, id)
);
CREATE TABLE advisory_contributions (
  source TEXT NOT NULL,
  advisory_id TEXT NOT NULL,
  update_id TEXT NOT NULL REFERENCES updates(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('cve', 'supersedes', 'affected', 'rating')),
  value TEXT NOT NULL,
  severity TEXT,
  PRIMARY KEY (source, advisory_id, update_id, kind, value)
);
CREATE INDEX advisory_contributions_by_update ON advisory_contributions (update_id, kind);
CREATE TABLE update_affected (
  update_id TEXT NOT NULL REFERENCES updates(id) ON DELETE CASCADE,
  product_id TEXT NOT NULL REFERENCES products(id),
  PRIMARY KEY (update_id, product_id)
);
)sql";

// Version 7: fleet scale. Each device's CS-5 rank is kept rather than counted: rank_ahead is the
// number of devices of its enrolment registered before it (date, then sequence) and not retired,
// moved by registrations and retirements; a partial index finds the few devices retired after an
// evaluation date. scope_generations moves when a write changes what a scope's decisions read
// (global, customer:ID, enrolment:CUSTOMER/PRODUCT, device:ID, principal:ROLE/SUBJECT), so caches
// are invalidated per scope and across processes. Purchases taken are read per device.
constexpr std::string_view k_v7 = R"sql(
ALTER TABLE devices ADD COLUMN rank_ahead INTEGER NOT NULL DEFAULT 0;
UPDATE devices SET rank_ahead = ranked.ahead FROM (
  SELECT sequence AS device_sequence,
         COALESCE(SUM(retired IS NULL) OVER (PARTITION BY customer_id, product_id ORDER BY registered, sequence
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS ahead
  FROM devices) AS ranked
WHERE devices.sequence = ranked.device_sequence;
CREATE INDEX devices_by_retirement ON devices (customer_id, product_id, retired) WHERE retired IS NOT NULL;
CREATE INDEX purchase_consumptions_by_device ON purchase_consumptions (device_id);
CREATE TABLE scope_generations (
  scope TEXT PRIMARY KEY,
  generation INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 8: a customer's devices read a page at a time in registration order (keyset pages of
// the device and compliance listings, streamed exports): an index that serves both the key
// range and the order, so a page costs its own rows and not the fleet ahead of it.
constexpr std::string_view k_v8_device_pages = R"sql(
CREATE INDEX IF NOT EXISTS devices_by_registration ON devices (customer_id, registered, sequence);
)sql";

} // namespace

const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> k_all{k_v1, k_v2, k_v3, k_v4, k_v5, k_v6, k_v7, k_v8_device_pages};
  return k_all;
}

int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

int schema_version(Database& db) {
  auto statement = db.prepare("PRAGMA user_version");
  statement.step();
  return static_cast<int>(statement.integer(0));
}

void migrate(Database& db) {
  const int current = schema_version(db);
  if (current > latest_schema_version()) {
    throw SqliteError("catalog schema version " + std::to_string(current) + " is newer than this build knows (" +
                      std::to_string(latest_schema_version()) + "); upgrade Lifeline");
  }
  for (int version = current + 1; version <= latest_schema_version(); ++version) {
    Transaction transaction(db, TransactionMode::immediate);
    // Another process may have migrated while we waited for the write lock.
    if (schema_version(db) >= version) {
      continue;
    }
    db.execute(migrations()[static_cast<std::size_t>(version - 1)]);
    db.execute("PRAGMA user_version = " + std::to_string(version));
    transaction.commit();
  }
}

} // namespace lifeline::catalog::sqlite
