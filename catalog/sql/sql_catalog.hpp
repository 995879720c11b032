// The Catalog on a SQL database (catalog/sql/connection.hpp: SQLite or PostgreSQL), its queries
// written once. One instance per thread: its reads use a connection of its own; its write
// transactions use `writer`, which SQLite shares across the process's catalogs of a file so its
// page cache stays warm (in WAL mode a connection drops its cache after another one commits).
#pragma once

#include <filesystem>
#include <functional>

#include "catalog/catalog.hpp"
#include "catalog/sql/connection.hpp"

namespace lifeline::catalog::sql {

// {"reasons": [CODE...]}: the audit detail of a decision.
std::string reasons_detail(const std::vector<rules::Finding>& findings);

class SqlCatalog final : public Catalog {
 public:
  // `own` is migrated already; without `writer`, writes use `own` too.
  SqlCatalog(std::unique_ptr<Connection> own, std::shared_ptr<Connection> writer);

  Result<ApplyOutcome> apply_products(const std::vector<Product>& products, const AuditContext& context) override;
  Result<ApplyOutcome> apply_order(const ServiceOrder& order, const AuditContext& context) override;
  Result<ApplyOutcome> add_update(const Update& update, const AuditContext& context) override;
  Result<AdvisoryImportOutcome> import_advisory(const AdvisoryRecord& record,
                                                const std::vector<AdvisoryUpdate>& updates, const AuditContext& context,
                                                bool dry_run) override;
  Result<std::vector<AdvisoryRecord>> update_advisories(const std::string& update_id) override;
  Result<std::vector<std::string>> affected_products(const std::string& update_id) override;

  Result<std::vector<Product>> list_products() override;
  Result<std::optional<Product>> find_product(const std::string& id) override;
  Result<std::optional<Update>> find_update(const std::string& id) override;
  Result<std::optional<ServiceOrder>> find_order(const std::string& customer_id) override;
  Result<std::optional<Device>> find_device(const std::string& id) override;
  Result<std::vector<Device>> list_devices(const std::string& customer_id) override;
  Result<std::vector<Device>> list_devices_page(const std::string& customer_id, const std::optional<DeviceKey>& after,
                                                std::int64_t limit) override;
  Result<std::vector<CustomerName>> list_customers() override;

  Result<RegistrationOutcome> register_device(const DeviceRegistration& request, const AuditContext& context) override;
  Result<Device> retire_device(const std::string& device_id, const AuditContext& context) override;

  Result<rules::CheckFacts> device_facts(const std::string& device_id, const std::string& update_id, Date at) override;
  Result<std::optional<FleetFacts>> fleet_facts(const std::string& customer_id, Date at) override;
  Result<std::optional<FleetFacts>> fleet_facts_page(const FleetPageRequest& request) override;
  Result<std::vector<rules::CheckFacts>> contact_facts(const std::string& email, const std::string& update_id,
                                                       Date at) override;
  Result<InstallOutcome> record_install(const std::string& device_id, const std::string& update_id,
                                        const AuditContext& context) override;

  Result<DownloadOutcome> authorise_download(const DownloadRequest& request, const AuditContext& context) override;
  Result<ReportReceipt> record_report(const InstallReport& report, const AuditContext& context) override;
  Result<Device> record_check_in(const std::string& device_id, const std::string& service_pack,
                                 const std::string& language, const AuditContext& context) override;
  Result<std::vector<Update>> list_updates() override;
  Result<std::int64_t> generation() override;
  Result<std::vector<std::string>> installed_updates(const std::string& device_id) override;

  Result<std::vector<AuditEntry>> audit_trail(const std::optional<std::string>& customer_id) override;
  Result<std::vector<AuditEntry>> audit_latest(const std::optional<std::string>& customer_id,
                                               std::int64_t limit) override;
  Result<std::vector<AuditEntry>> audit_page(const std::optional<std::string>& customer_id, std::int64_t after,
                                             std::int64_t limit) override;
  Result<std::optional<std::string>> contact_customer(const std::string& email) override;
  Result<void> store_credential(const StoredCredential& credential, const AuditContext& context) override;
  Result<std::optional<StoredCredential>> find_credential(const std::string& id) override;
  Result<void> store_enrolment_token(const EnrolmentToken& token, const AuditContext& context) override;
  Result<std::optional<EnrolmentToken>> find_enrolment_token(const std::string& id) override;
  Result<bool> void_enrolment_token(const std::string& id, const std::string& customer,
                                    const AuditContext& context) override;
  Result<bool> revoke_credential(const std::string& id, const AuditContext& context) override;
  Result<RegistrationOutcome> register_with_token(const std::string& token_id, const DeviceRegistration& request,
                                                  const StoredCredential& device_credential,
                                                  const std::string& device_public_key,
                                                  const AuditContext& context) override;
  Result<std::string> device_public_key(const std::string& device_id) override;
  Result<std::optional<EnrolmentView>> enrolment_view(const std::string& customer_id,
                                                      const std::string& product_id) override;
  Result<std::optional<DeviceView>> device_view(const std::string& device_id, Date at) override;
  Result<std::vector<std::int64_t>> scope_generations(const std::vector<std::string>& scopes) override;
  Result<void> record_last_seen(const std::vector<std::pair<std::string, Date>>& seen) override;
  Result<std::int64_t> checkpoint() override;

 private:
  // Row readers (catalog_reads.cpp); they throw StorageError like the statements.
  std::optional<Product> load_product(const std::string& id);
  std::vector<Product> load_products(); // by id
  std::optional<Update> load_update(const std::string& id);
  std::vector<Update> load_updates(); // by release date, then id; four queries in all
  std::optional<ServiceOrder> load_order(const std::string& customer_id);
  std::optional<rules::CustomerFacts> load_customer_facts(const std::string& customer_id);
  std::optional<Enrolment> load_enrolment(const std::string& customer_id, const std::string& product_id);
  std::optional<Device> load_device(const std::string& id);
  std::vector<Device> load_devices(const std::string& customer_id); // by registration, then sequence
  // At most `limit` devices after `after` in that order; only those active on `active_on` when given.
  std::vector<Device> load_devices_page(const std::string& customer_id, const std::optional<DeviceKey>& after,
                                        std::int64_t limit, const std::optional<Date>& active_on);
  // What every fleet read starts from: the customer, its enrolments, the products and updates;
  // nullopt for an unknown customer.
  std::optional<FleetFacts> load_fleet_frame(const std::string& customer_id, Date at);
  rules::PurchaseFacts load_purchase(const std::string& customer_id, const std::string& product_id,
                                     const std::string& update_id, const std::optional<std::string>& device_id);
  // CS-5 from the maintained ranks (catalog_ranks.cpp): O(log n) but for evaluation dates
  // before the device's registration or devices retired after the date.
  std::int64_t count_active_ahead(const Device& device, Date at);
  std::int64_t count_active_devices(const std::string& customer_id, const std::string& product_id, Date at);
  // Keeps rank_ahead right when a device joins (before its row is inserted) or is retired.
  std::int64_t rank_for_new_device(const std::string& customer_id, const std::string& product_id, Date registered);
  void shift_ranks_after(const Device& device, std::int64_t delta);
  // Moves a scope's generation (catalog/scopes.hpp), inside the caller's write transaction.
  void touch(const std::string& scope);
  std::optional<rules::CheckFacts> gather_device_facts(const std::string& device_id, const std::string& update_id,
                                                       Date at, std::string& missing);

  // Bodies of the write operations, run inside the caller's write transaction.
  Result<RegistrationOutcome> register_locked(const DeviceRegistration& request, const AuditContext& context,
                                              const std::string& public_key = "");
  InstallOutcome record_install_locked(const rules::CheckFacts& facts, const AuditContext& context);
  bool consume_purchase_if_needed(const rules::CheckFacts& facts, Date at);
  void insert_credential(const StoredCredential& credential, const AuditContext& context);

  // Checks against stored state (catalog_writes.cpp).
  std::vector<documents::Problem> order_conflicts(const ServiceOrder& order);
  std::vector<documents::Problem> product_conflicts(const std::vector<Product>& products);

  // Writers (catalog_writes.cpp).
  void write_order(const ServiceOrder& order);
  void write_update(const Update& update);
  // Advisory contributions (catalog_advisories.cpp): the update as all its sources say,
  // and a manifest's own contribution restated when advisories speak of the update too.
  Update merge_contributions(Update update);
  void restate_manifest(const Update& update);
  void audit(const AuditContext& context, const std::string& action, const std::optional<std::string>& customer,
             const std::string& subject, const std::string& detail);

  // A write transaction on the writer connection: the catalog's statements go there until it
  // commits or rolls back. Statements taken inside must be given back before commit() (checked),
  // since the next writer may take the connection as soon as the commit is made.
  class WriteTransaction {
   public:
    explicit WriteTransaction(SqlCatalog& catalog);
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    ~WriteTransaction();
    void commit();

   private:
    SqlCatalog& m_catalog;
    Transaction m_transaction;
  };

  Connection& db() { return *m_active; }
  Connection& writer() { return m_writer != nullptr ? *m_writer : *m_own; }

  std::unique_ptr<Connection> m_own;
  std::shared_ptr<Connection> m_writer;
  Connection* m_active;
};

} // namespace lifeline::catalog::sql
