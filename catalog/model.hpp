// The catalog's domain model: the commercial facts the Custom Support rules read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/date.hpp"

namespace lifeline::catalog {

using util::Date;

enum class Severity { critical, important, moderate, low };
enum class UpdateKind { security, hotfix };
enum class EnrolmentType { standard, essentials };

// Custom Support programme of one product: its start is the first billing date and the
// origin of the programme quarters.
struct Programme {
  Date start;
  Date end;

  bool operator==(const Programme&) const = default;
};

struct Product {
  std::string id;
  std::string name;
  std::string family;
  std::string version;
  std::string service_pack;
  std::string latest_service_pack;
  Date mainstream_end;
  Date support_end; // end of extended support: the date CS-8 compares with 2010-01-01
  std::optional<Programme> custom_support;
  bool prerelease = false;

  bool operator==(const Product&) const = default;
};

// The Enterprise support contract (CS-1).
struct Contract {
  int level = 1;
  Date start;
  Date end;

  bool operator==(const Contract&) const = default;
};

struct Contact {
  std::string email;
  std::string name;

  bool operator==(const Contact&) const = default;
};

struct PlanQuarter {
  Date start;
  std::int64_t devices = 0;

  bool operator==(const PlanQuarter&) const = default;
};

struct MigrationPlan {
  std::int64_t devices = 0;
  std::vector<PlanQuarter> quarters; // sorted by start
  Date completion;

  bool operator==(const MigrationPlan&) const = default;
};

struct Purchase {
  std::string update;
  std::int64_t devices = 0;

  bool operator==(const Purchase&) const = default;
};

struct Enrolment {
  std::string product;
  EnrolmentType type = EnrolmentType::standard;
  Date start;
  bool important_addon = false;
  std::vector<std::string> languages{"en-US"};
  std::optional<Date> unenrol_notice;
  std::optional<MigrationPlan> migration_plan;
  std::vector<Purchase> purchases;

  bool operator==(const Enrolment&) const = default;
};

// One customer's service order, as applied.
struct ServiceOrder {
  std::string customer_id;
  std::string customer_name;
  Contract contract;
  std::vector<std::string> sites;
  std::vector<Contact> contacts;
  std::int64_t additional_contacts = 0;
  std::vector<Enrolment> enrolments;
  std::vector<std::string> hotfix_purchases;

  bool operator==(const ServiceOrder&) const = default;
};

struct ProductRating {
  std::string product;
  std::optional<Severity> severity; // security updates only

  bool operator==(const ProductRating&) const = default;
};

struct Update {
  std::string id; // KB number
  UpdateKind kind = UpdateKind::security;
  std::string title;
  Date released;
  std::vector<std::string> cves;
  std::vector<ProductRating> products;
  std::optional<std::string> requires_service_pack;
  std::optional<std::string> language; // none: language-neutral
  std::vector<std::string> supersedes;
  bool regression_tested = true;

  bool operator==(const Update&) const = default;
};

struct Device {
  std::string id;
  std::string customer;
  std::string site;
  std::string product;
  std::string service_pack;
  std::string language;
  Date registered;
  std::optional<Date> retired;
  std::int64_t sequence = 0;     // registration order, breaks ties between same-day registrations
  std::optional<Date> last_seen; // the last check-in's evaluation date

  bool operator==(const Device&) const = default;
};

// A device's place in its customer's registration order (registered, then sequence), the order
// Catalog::list_devices gives: where a page of devices ends and the next one starts.
struct DeviceKey {
  Date registered;
  std::int64_t sequence = 0;

  static DeviceKey of(const Device& device) { return DeviceKey{device.registered, device.sequence}; }
  auto operator<=>(const DeviceKey&) const = default;
};

struct DeviceRegistration {
  std::optional<std::string> id;
  std::string customer;
  std::string site;
  std::string product;
  std::string service_pack;
  std::string language;
};

// Who is calling: an operator or publisher of the vendor, a designated contact or a device.
enum class Role { operator_role, publisher, contact, device };

struct Principal {
  Role role = Role::contact;
  std::string subject;                 // token name, contact e-mail or device id
  std::optional<std::string> customer; // contacts and devices
};

// A stored credential: the token's public id, the SHA-256 of its secret part, and whom it names.
struct StoredCredential {
  std::string id;
  std::string secret_hash;
  Principal principal;
};

// A one-time, expiring enrolment token that a designated contact creates for one site and one
// product; a device registering with it gets its own credential. Only the secret's hash is kept.
struct EnrolmentToken {
  std::string id;
  std::string secret_hash;
  std::string customer;
  std::string site;
  std::string product;
  std::int64_t uses = 1; // uses left
  Date expires;          // last day it may be used
  std::string created_by;
};

enum class ReportOutcome { installed, failed };

// A device's report that it installed an update, or failed to. `id` is chosen by the device and
// makes a retried report harmless.
struct InstallReport {
  std::string id;
  std::string device;
  std::string update;
  ReportOutcome outcome = ReportOutcome::installed;
  std::string detail;  // the device's words on a failure, at most 1000 characters
  std::string receipt; // the receipt signed with the device's key, as received ("" if unsigned)
};

std::string to_string(Role role);
std::optional<Role> parse_role(const std::string& text);

std::string to_string(Severity severity);
std::string to_string(UpdateKind kind);
std::string to_string(EnrolmentType type);
std::optional<Severity> parse_severity(const std::string& text);
// Low 1 ... Critical 4, no rating 0: the order in which the highest rating wins.
int severity_rank(const std::optional<Severity>& severity);
std::optional<UpdateKind> parse_update_kind(const std::string& text);
std::optional<EnrolmentType> parse_enrolment_type(const std::string& text);

// The update's rating for one product; nullptr when the update does not name that product.
const ProductRating* rating_for(const Update& update, const std::string& product_id);

} // namespace lifeline::catalog
