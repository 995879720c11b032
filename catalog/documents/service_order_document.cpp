#include <set>

#include "catalog/documents/document.hpp"
#include "catalog/documents/enrolment_checks.hpp"
#include "catalog/documents/json_reader.hpp"
#include "catalog/rules/contacts.hpp"

namespace lifeline::catalog::documents {

namespace {

using nlohmann::json;

constexpr std::int64_t k_max_count = 10'000'000;

void read_plan(const json& value, ObjectReader& owner, const Enrolment& enrolment, std::vector<Problem>& problems,
               std::optional<MigrationPlan>& out) {
  ObjectReader reader(value, owner.pointer_of("migration_plan"), problems, {"devices", "quarters", "completion"});
  if (!reader.valid()) {
    return;
  }
  const auto before = problems.size();
  MigrationPlan plan;
  plan.devices = reader.integer("devices", Presence::required, 0, k_max_count).value_or(0);
  const auto completion = reader.date("completion", Presence::required);
  if (completion && *completion < enrolment.start) {
    reader.problem("completion", "CS-4",
                   "the migration completes (" + completion->to_string() + ") before the enrolment starts (" +
                       enrolment.start.to_string() + ")");
  }
  if (const auto* quarters = reader.array("quarters", Presence::required)) {
    if (quarters->empty()) {
      reader.problem("quarters", "CS-4", "a migration plan gives its quarterly deployment steps");
    }
    for (std::size_t i = 0; i < quarters->size(); ++i) {
      ObjectReader quarter((*quarters)[i], reader.pointer_of("quarters") + "/" + std::to_string(i), problems,
                           {"start", "devices"});
      const auto start = quarter.date("start", Presence::required);
      const auto devices = quarter.integer("devices", Presence::required, 0, k_max_count);
      if (start && !plan.quarters.empty() && *start <= plan.quarters.back().start) {
        quarter.problem("start", "CS-4", "quarters must be listed in increasing order without repeats");
      }
      if (devices && *devices > plan.devices) {
        quarter.problem("devices", "CS-5",
                        "a quarter plans " + std::to_string(*devices) + " devices, more than the plan's total of " +
                            std::to_string(plan.devices));
      }
      if (start && devices) {
        plan.quarters.push_back(PlanQuarter{*start, *devices});
      }
    }
  }
  if (problems.size() == before && completion) {
    plan.completion = *completion;
    out = plan;
  }
}

void read_purchases(const json& values, ObjectReader& owner, std::vector<Purchase>& out,
                    std::vector<Problem>& problems) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < values.size(); ++i) {
    ObjectReader reader(values[i], owner.pointer_of("purchases") + "/" + std::to_string(i), problems,
                        {"update", "devices"});
    const auto update = reader.string("update", Presence::required, is_kb, "a KB number (KB1234567)");
    const auto devices = reader.integer("devices", Presence::required, 1, k_max_count);
    if (update && !seen.insert(*update).second) {
      reader.problem("update", "format", *update + " is purchased twice; give one entry with the total devices");
    } else if (update && devices) {
      out.push_back(Purchase{*update, *devices});
    }
  }
}

std::optional<Enrolment> read_enrolment(const json& value, const std::string& pointer, const ProductIndex& products,
                                        const Contract& contract, std::vector<Problem>& problems) {
  ObjectReader reader(
      value, pointer, problems,
      {"product", "type", "start", "important_addon", "languages", "unenrol_notice", "migration_plan", "purchases"});
  if (!reader.valid()) {
    return std::nullopt;
  }
  const auto before = problems.size();
  Enrolment enrolment;
  const auto product_id = reader.string("product", Presence::required, is_identifier, "a product id");
  const auto type_name = reader.string("type", Presence::required, nullptr, "\"standard\" or \"essentials\"");
  const auto start = reader.date("start", Presence::required);
  const auto type = parse_enrolment_type(type_name.value_or(""));
  if (type_name && !type) {
    reader.problem("type", "CS-8", "\"" + *type_name + "\" is not an enrolment type (standard or essentials)");
  }
  enrolment.important_addon = reader.boolean("important_addon", Presence::optional).value_or(false);
  if (const auto languages =
          reader.string_array("languages", Presence::optional, is_language_tag, "a language tag (en-US)")) {
    enrolment.languages = *languages;
    if (languages->empty()) {
      reader.problem("languages", "CS-7", "an enrolment covers at least one language (en-US when absent)");
    }
  }
  enrolment.unenrol_notice = reader.date("unenrol_notice", Presence::optional);
  if (type == EnrolmentType::essentials && enrolment.important_addon) {
    reader.problem("important_addon", "CS-8", "the Important add-on exists for Standard enrolments only");
  }
  if (start && enrolment.unenrol_notice && *enrolment.unenrol_notice < *start) {
    reader.problem("unenrol_notice", "CS-9", "notice is dated before the enrolment starts");
  }
  if (start && contract.end != Date{} && *start > contract.end) {
    reader.problem("start", "CS-1",
                   "the enrolment starts after the support contract ends (" + contract.end.to_string() + ")");
  }
  enrolment.start = start.value_or(Date{});
  if (const auto* plan = reader.object("migration_plan", Presence::optional); plan && start) {
    read_plan(*plan, reader, enrolment, problems, enrolment.migration_plan);
  }
  // Purchases matter to Essentials (CS-8); on a Standard enrolment they are kept but change
  // nothing, since Standard includes Critical updates (the spec's own example has one).
  if (const auto* purchases = reader.array("purchases", Presence::optional)) {
    read_purchases(*purchases, reader, enrolment.purchases, problems);
  }
  if (product_id) {
    enrolment.product = *product_id;
    const auto it = products.find(*product_id);
    if (it == products.end()) {
      reader.problem("product", "CS-2", "unknown product " + *product_id + "; apply it in products.json first");
    } else if (start) {
      const auto misfits = check_enrolment_fits(enrolment, it->second, pointer);
      problems.insert(problems.end(), misfits.begin(), misfits.end());
    }
  }
  if (problems.size() != before || !product_id || !type || !start) {
    return std::nullopt;
  }
  enrolment.type = *type;
  return enrolment;
}

void read_contract(ObjectReader& root, ServiceOrder& order, std::vector<Problem>& problems) {
  const auto* support = root.object("support", Presence::required);
  if (support == nullptr) {
    return;
  }
  ObjectReader reader(*support, "/support", problems, {"level", "start", "end"});
  order.contract.level = static_cast<int>(reader.integer("level", Presence::required, 1, 3).value_or(1));
  const auto start = reader.date("start", Presence::required);
  const auto end = reader.date("end", Presence::required);
  if (start && end && *end < *start) {
    reader.problem("end", "CS-1",
                   "the contract ends (" + end->to_string() + ") before it starts (" + start->to_string() + ")");
  }
  order.contract.start = start.value_or(Date{});
  order.contract.end = end.value_or(Date{});
}

void read_contacts(ObjectReader& root, ServiceOrder& order, std::vector<Problem>& problems) {
  order.additional_contacts = root.integer("additional_contacts", Presence::optional, 0, 1000).value_or(0);
  const auto base = rules::base_contacts(order.contract.level);
  if (order.additional_contacts > base) {
    root.problem("additional_contacts", "CS-13",
                 "CONTACT_LIMIT_REACHED: at level " + std::to_string(order.contract.level) + " at most " +
                     std::to_string(base) + " additional contacts can be bought, not " +
                     std::to_string(order.additional_contacts));
  }
  const auto* contacts = root.array("contacts", Presence::required);
  if (contacts == nullptr) {
    return;
  }
  std::set<std::string> emails;
  for (std::size_t i = 0; i < contacts->size(); ++i) {
    ObjectReader reader((*contacts)[i], "/contacts/" + std::to_string(i), problems, {"email", "name"});
    auto email = reader.string("email", Presence::required, is_email, "an e-mail address");
    if (email) {
      email = normalise_email(*email);
    }
    const auto name = reader.string("name", Presence::required);
    if (email && !emails.insert(*email).second) {
      reader.problem("email", "format", *email + " is listed twice");
    } else if (email && name) {
      order.contacts.push_back(Contact{*email, *name});
    }
  }
  const auto allowed = rules::contact_limit(order.contract.level, std::min(order.additional_contacts, base));
  if (static_cast<std::int64_t>(contacts->size()) > allowed) {
    root.problem("contacts", "CS-13",
                 "CONTACT_LIMIT_REACHED: " + std::to_string(contacts->size()) + " contacts, but level " +
                     std::to_string(order.contract.level) + " with " + std::to_string(order.additional_contacts) +
                     " additional contacts allows " + std::to_string(allowed));
  }
}

} // namespace

Parsed<ServiceOrder> parse_service_order(std::string_view text, const ProductIndex& products) {
  Parsed<ServiceOrder> result;
  auto& problems = result.problems;
  const auto document = parse_strict_json(text, problems);
  if (!document) {
    return result;
  }
  ObjectReader root(
      *document, "", problems,
      {"customer", "support", "sites", "contacts", "additional_contacts", "enrolments", "hotfix_purchases", "$schema"});
  if (!root.valid()) {
    return result;
  }
  ServiceOrder order;
  if (const auto* customer = root.object("customer", Presence::required)) {
    ObjectReader reader(*customer, "/customer", problems, {"id", "name"});
    order.customer_id = reader.string("id", Presence::required, is_identifier, "an identifier").value_or("");
    order.customer_name = reader.string("name", Presence::required).value_or("");
  }
  read_contract(root, order, problems);
  if (const auto sites = root.string_array("sites", Presence::required, is_site, "a site name (64 bytes at most)")) {
    order.sites = *sites;
    if (sites->empty()) {
      root.problem("sites", "CS-6", "a service order lists at least one support site");
    }
  }
  read_contacts(root, order, problems);
  if (const auto* enrolments = root.array("enrolments", Presence::optional)) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < enrolments->size(); ++i) {
      const auto pointer = "/enrolments/" + std::to_string(i);
      auto enrolment = read_enrolment((*enrolments)[i], pointer, products, order.contract, problems);
      if (enrolment && !seen.insert(enrolment->product).second) {
        problems.push_back({pointer + "/product", "format", enrolment->product + " is enrolled twice"});
      } else if (enrolment) {
        order.enrolments.push_back(std::move(*enrolment));
      }
    }
  }
  order.hotfix_purchases = root.string_array("hotfix_purchases", Presence::optional, is_kb, "a KB number (KB1234567)")
                               .value_or(std::vector<std::string>{});
  if (problems.empty()) {
    result.value = std::move(order);
  }
  return result;
}

} // namespace lifeline::catalog::documents
