// The one catalog interface that the rules engine's callers go through, on SQLite (embedded, the
// default) or PostgreSQL (several servers on one database): catalog/sql/ writes its queries once
// for both.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/advisory_record.hpp"
#include "catalog/documents/document.hpp"
#include "catalog/fleet.hpp"
#include "catalog/model.hpp"
#include "catalog/rules/entitlement.hpp"
#include "catalog/views.hpp"
#include "util/result.hpp"

namespace lifeline::catalog {

using util::Result;

// Who did something and on which evaluation date; every change lands in the audit trail.
struct AuditContext {
  Date at;
  std::string actor;
};

struct ApplySummary {
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t removed = 0;
};

// A document that parsed may still contradict stored state (a contact of another customer, a
// programme that no longer fits an enrolment): then nothing is applied and `problems` say why.
struct ApplyOutcome {
  ApplySummary summary;
  std::vector<documents::Problem> problems;

  [[nodiscard]] bool applied() const { return problems.empty(); }
};

struct RegistrationOutcome {
  rules::RegistrationDecision decision;
  std::optional<Device> device; // set when registered
};

struct InstallOutcome {
  rules::Decision decision;
  bool consumed_purchase = false; // an Essentials purchase was consumed by this install
  bool already_installed = false;
};

// A request for a payload: who asks, for which update of which product, from where.
struct DownloadRequest {
  Principal caller;
  std::string update;
  std::string product;
  std::string target; // the target path asked for
  std::string from;   // the caller's address
};

struct DownloadOutcome {
  rules::Decision decision;
  bool consumed_purchase = false;
};

struct ReportReceipt {
  bool duplicate = false;           // the same report id was received before: nothing changed
  std::string state;                // installed, refused or failed
  std::vector<std::string> reasons; // when refused
};

struct AuditEntry {
  std::int64_t sequence = 0;
  std::string recorded; // wall-clock time of the write (UTC)
  Date at;              // evaluation date of the action
  std::string actor;
  std::string action;
  std::optional<std::string> customer;
  std::string subject;
  std::string detail;
};

struct CustomerName {
  std::string id;
  std::string name;
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Documents, each applied all-or-nothing and idempotently.
  virtual Result<ApplyOutcome> apply_products(const std::vector<Product>& products, const AuditContext& context) = 0;
  virtual Result<ApplyOutcome> apply_order(const ServiceOrder& order, const AuditContext& context) = 0;
  virtual Result<ApplyOutcome> add_update(const Update& update, const AuditContext& context) = 0;
  // An advisory's contribution, in one transaction: a new document or a later revision creates
  // or updates its KBs (a revision replaces what the previous one contributed, never what other
  // documents or manifests did); the same or an older revision changes nothing. With `dry_run`
  // the outcome is computed and nothing is kept.
  virtual Result<AdvisoryImportOutcome> import_advisory(const AdvisoryRecord& record,
                                                        const std::vector<AdvisoryUpdate>& updates,
                                                        const AuditContext& context, bool dry_run) = 0;
  // The advisories that contributed to an update, latest revision date first.
  virtual Result<std::vector<AdvisoryRecord>> update_advisories(const std::string& update_id) = 0;
  // The products the update's advisories name as affected (whether or not it fixes them).
  virtual Result<std::vector<std::string>> affected_products(const std::string& update_id) = 0;

  virtual Result<std::vector<Product>> list_products() = 0;
  virtual Result<std::optional<Product>> find_product(const std::string& id) = 0;
  virtual Result<std::optional<Update>> find_update(const std::string& id) = 0;
  virtual Result<std::optional<ServiceOrder>> find_order(const std::string& customer_id) = 0;
  // Every customer with a service order, by id.
  virtual Result<std::vector<CustomerName>> list_customers() = 0;
  virtual Result<std::optional<Device>> find_device(const std::string& id) = 0;
  virtual Result<std::vector<Device>> list_devices(const std::string& customer_id) = 0;
  // At most `limit` devices of the customer after `after` (from the first when nullopt), in
  // list_devices' order: a fleet read a page at a time by key, never by offset, so a device
  // registered between two pages neither repeats nor hides one already listed.
  virtual Result<std::vector<Device>> list_devices_page(const std::string& customer_id,
                                                        const std::optional<DeviceKey>& after, std::int64_t limit) = 0;

  // Registers a device unless the rules refuse it; race-free at the device cap (CS-5).
  virtual Result<RegistrationOutcome> register_device(const DeviceRegistration& request,
                                                      const AuditContext& context) = 0;
  virtual Result<Device> retire_device(const std::string& device_id, const AuditContext& context) = 0;

  // The facts a decision reads. A contact's update may name several products: one per product.
  virtual Result<rules::CheckFacts> device_facts(const std::string& device_id, const std::string& update_id,
                                                 Date at) = 0;
  // What device_facts gathers, for every device of the customer and every update at once, in a
  // handful of queries whatever the fleet's size (reports over whole fleets); nullopt for an
  // unknown customer.
  virtual Result<std::optional<FleetFacts>> fleet_facts(const std::string& customer_id, Date at) = 0;
  // The same facts for one page of the customer's devices active on the date (FleetPageRequest),
  // in list_devices' order, each with its CS-5 rank: what a page of compliance needs, and no
  // more devices than the page holds. nullopt for an unknown customer.
  virtual Result<std::optional<FleetFacts>> fleet_facts_page(const FleetPageRequest& request) = 0;
  virtual Result<std::vector<rules::CheckFacts>> contact_facts(const std::string& email, const std::string& update_id,
                                                               Date at) = 0;

  // Decides, consumes an Essentials purchase when one is needed and records the install, in one
  // transaction; a denied install changes nothing but the audit trail.
  virtual Result<InstallOutcome> record_install(const std::string& device_id, const std::string& update_id,
                                                const AuditContext& context) = 0;

  // Decides a payload download at request time (CS-12, CS-14) and writes the decision to the
  // audit trail before a byte is served; a device's Essentials purchase is consumed in the
  // same transaction. Operators and publishers are allowed and audited.
  virtual Result<DownloadOutcome> authorise_download(const DownloadRequest& request, const AuditContext& context) = 0;

  // Records a device's install report once: the install (decided and consumed as
  // record_install does) and the report commit together; a report id seen before changes nothing.
  virtual Result<ReportReceipt> record_report(const InstallReport& report, const AuditContext& context) = 0;

  // A check-in: the device's service pack and language as it reports them now, and the day it
  // was last seen. Writes only when something changed.
  virtual Result<Device> record_check_in(const std::string& device_id, const std::string& service_pack,
                                         const std::string& language, const AuditContext& context) = 0;

  virtual Result<std::vector<Update>> list_updates() = 0;
  // Grows with every committed change: each change is audited, so this is the audit trail's
  // last sequence. Equal generations mean equal decisions (for the same evaluation date).
  virtual Result<std::int64_t> generation() = 0;
  // The updates a device reported installed.
  virtual Result<std::vector<std::string>> installed_updates(const std::string& device_id) = 0;

  virtual Result<std::vector<AuditEntry>> audit_trail(const std::optional<std::string>& customer_id) = 0;
  // At most `limit` entries after sequence `after`, in order: the trail read a page at a time.
  virtual Result<std::vector<AuditEntry>> audit_page(const std::optional<std::string>& customer_id, std::int64_t after,
                                                     std::int64_t limit) = 0;

  // The newest `limit` entries, newest first.
  virtual Result<std::vector<AuditEntry>> audit_latest(const std::optional<std::string>& customer_id,
                                                       std::int64_t limit) = 0;
  // The customer that designated `email`, if any (CS-13).
  virtual Result<std::optional<std::string>> contact_customer(const std::string& email) = 0;

  // Credentials: the token's secret is never stored, only its SHA-256.
  virtual Result<void> store_credential(const StoredCredential& credential, const AuditContext& context) = 0;
  // The credential with this id if it is still alive: a contact removed from the order, or a
  // retired device, has none any more (CS-13).
  virtual Result<std::optional<StoredCredential>> find_credential(const std::string& id) = 0;

  // Revokes a credential for good; false when no live credential has this id.
  virtual Result<bool> revoke_credential(const std::string& id, const AuditContext& context) = 0;

  // Enrolment tokens (CS-6 sites, CS-5 caps still decided at registration).
  virtual Result<void> store_enrolment_token(const EnrolmentToken& token, const AuditContext& context) = 0;
  virtual Result<std::optional<EnrolmentToken>> find_enrolment_token(const std::string& id) = 0;
  // Leaves the token no use; false when `customer` has no token with this id.
  virtual Result<bool> void_enrolment_token(const std::string& id, const std::string& customer,
                                            const AuditContext& context) = 0;
  // Registers a device with a token already authenticated by its secret: the token's use, the
  // registration (same rules as register_device) and the device's credential commit together.
  // A token used up or expired is an invalid_input error; a refused registration uses nothing.
  virtual Result<RegistrationOutcome> register_with_token(const std::string& token_id,
                                                          const DeviceRegistration& request,
                                                          const StoredCredential& device_credential,
                                                          const std::string& device_public_key,
                                                          const AuditContext& context) = 0;
  // The Ed25519 public key (hex) the device registered for signing its receipts; "" if none.
  virtual Result<std::string> device_public_key(const std::string& device_id) = 0;

  // What a check-in reads, in a few indexed lookups whatever the fleet's size (catalog/views.hpp):
  // nullopt for an unknown customer or product, or an unknown device.
  virtual Result<std::optional<EnrolmentView>> enrolment_view(const std::string& customer_id,
                                                              const std::string& product_id) = 0;
  virtual Result<std::optional<DeviceView>> device_view(const std::string& device_id, Date at) = 0;
  // The generation of each scope (catalog/scopes.hpp), 0 for a scope never written, in order.
  virtual Result<std::vector<std::int64_t>> scope_generations(const std::vector<std::string>& scopes) = 0;
  // The days devices were last seen, in one transaction; a later day already stored is kept.
  // Decides nothing, so it moves no scope: check-ins batch it (server/service/last_seen.hpp).
  virtual Result<void> record_last_seen(const std::vector<std::pair<std::string, Date>>& seen) = 0;
  // Copies the write-ahead log into the database and truncates it, waiting at most a moment for
  // readers: a server under constant reads and writes calls it when the log has grown
  // (docs/architecture.md). Returns the frames left in the log (0 when truncated).
  virtual Result<std::int64_t> checkpoint() = 0;
};

// Opens (creating and migrating as needed) the catalog of a server data directory.
Result<std::unique_ptr<Catalog>> open_sqlite_catalog(const std::filesystem::path& database_file);
// Opens (migrating as needed) the catalog in a PostgreSQL database, named by a libpq URI.
Result<std::unique_ptr<Catalog>> open_postgres_catalog(const std::string& uri);
// A catalog location is a PostgreSQL URI (postgresql://... or postgres://...) or a SQLite file.
bool is_postgres_location(std::string_view location);
// The location fit for logs and output: a URI's passwords (user:PASSWORD@, ?password=) as ***.
std::string redacted_location(std::string_view location);
// `message` (libpq's, say) with the location and its passwords in it redacted.
std::string without_secrets(std::string message, std::string_view location);
Result<std::unique_ptr<Catalog>> open_catalog(const std::string& location);
// This thread's catalog at `location`, opened on first use: connections are per thread, and the
// server's request threads each keep one.
Result<Catalog*> thread_catalog(const std::string& location);

} // namespace lifeline::catalog
