#include "server/dashboard/pages.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "server/dashboard/burndown.hpp"
#include "server/dashboard/html.hpp"

namespace lifeline::server::dashboard {

namespace {

using service::UpdateState;

const catalog::Update& update_of(const service::UpdateStatus& status) {
  return *status.update;
}

std::string name_of(const std::map<std::string, std::string>& names, const std::string& product) {
  const auto found = names.find(product);
  return found == names.end() ? product : found->second;
}

std::string name_of(const Overview& overview, const std::string& product) {
  return name_of(overview.product_names, product);
}

std::string state_cell(const service::UpdateStatus& status) {
  const auto state = service::to_string(status.state);
  return "<span class=\"state-" + state + "\">" + escape(state) + "</span>";
}

std::string reasons_cell(const service::UpdateStatus& status) {
  std::string text;
  for (const auto& reason : status.reasons) {
    text += (text.empty() ? "" : ", ") + reason;
  }
  if (status.superseded_by != nullptr) {
    text += (text.empty() ? "" : "; ") + std::string("replaced by ") + status.superseded_by->id;
  }
  return escape(text);
}

std::string count_of(const service::ProductCompliance& summary, UpdateState state) {
  const auto found = summary.states.find(state);
  return std::to_string(found == summary.states.end() ? 0 : found->second);
}

std::string update_href(const std::string& customer, const std::string& kb) {
  return "/dashboard/customers/" + customer + "/updates/" + kb;
}

std::string update_href(const Overview& overview, const std::string& kb) {
  return update_href(overview.order.customer_id, kb);
}

std::string severity_for(const catalog::Update& update, const std::vector<catalog::Enrolment>& enrolments) {
  for (const auto& enrolment : enrolments) {
    const auto* rating = catalog::rating_for(update, enrolment.product);
    if (rating != nullptr && rating->severity) {
      return catalog::to_string(*rating->severity);
    }
  }
  return catalog::to_string(update.kind);
}

std::string compliance_table(const Overview& overview) {
  Table products{"Compliance per product (device × update pairs per state)",
                 {"Product", "Devices", "Fully patched", "Stale", "Installed", "Entitled, missing",
                  "Prerequisite missing", "Not entitled", "Superseded", "Not applicable", "Oldest missing Critical"},
                 {},
                 "No registered devices yet."};
  for (const auto& summary : overview.products) {
    products.rows.push_back(
        {escape(name_of(overview, summary.product)), std::to_string(summary.devices),
         std::to_string(summary.fully_patched) + " (" + percent(summary.fully_patched, summary.devices) + ")",
         std::to_string(summary.stale), count_of(summary, UpdateState::installed),
         count_of(summary, UpdateState::entitled_missing), count_of(summary, UpdateState::prerequisite_missing),
         count_of(summary, UpdateState::not_entitled), count_of(summary, UpdateState::superseded),
         count_of(summary, UpdateState::not_applicable),
         summary.oldest_missing_critical_days ? std::to_string(*summary.oldest_missing_critical_days) + " days"
                                              : std::string("none")});
  }
  return table(products);
}

std::string migration_section(const Overview& overview) {
  std::string html = "<section aria-labelledby=\"migration\">\n<h2 id=\"migration\">Migration against plan</h2>\n";
  std::set<std::string> products;
  for (const auto& row : overview.migration) {
    products.insert(row.product);
  }
  if (products.empty()) {
    html += "<p>No enrolment has a migration plan.</p>\n";
  }
  for (const auto& product : products) {
    std::vector<service::QuarterProgress> rows;
    std::copy_if(overview.migration.begin(), overview.migration.end(), std::back_inserter(rows),
                 [&](const auto& row) { return row.product == product; });
    html += "<h3>" + escape(name_of(overview, product)) + "</h3>\n" + burndown_svg(name_of(overview, product), rows);
    Table quarters{"Migration of " + name_of(overview, product) + " per programme quarter",
                   {"Quarter", "From", "To", "Planned", "Registered", "Active", "Over plan"},
                   {},
                   "No quarter yet."};
    for (const auto& row : rows) {
      quarters.rows.push_back({"Q" + std::to_string(row.quarter), row.start.to_string(), row.end.to_string(),
                               std::to_string(row.planned), std::to_string(row.registered), std::to_string(row.active),
                               std::to_string(row.over_plan)});
    }
    html += table(quarters);
  }
  return html + "</section>\n";
}

// Per update: how many of the customer's devices have it, miss it, may not have it.
std::string updates_table(const Overview& overview) {
  struct Counts {
    const catalog::Update* update = nullptr;
    int installed = 0;
    int missing = 0;
    int other = 0;
  };
  std::map<std::string, Counts> by_kb;
  const auto each_device = [&](const std::function<void(const service::DeviceCompliance&)>& visit) {
    if (overview.report) {
      overview.report->for_each_device(visit);
    }
  };
  each_device([&](const service::DeviceCompliance& device) {
    for (const auto& status : device.updates) {
      auto& counts = by_kb[update_of(status).id];
      counts.update = &update_of(status);
      if (status.state == UpdateState::installed) {
        ++counts.installed;
      } else if (status.state == UpdateState::entitled_missing || status.state == UpdateState::prerequisite_missing) {
        ++counts.missing;
      } else if (status.state != UpdateState::not_applicable) {
        ++counts.other;
      }
    }
  });
  std::vector<const Counts*> newest;
  for (const auto& [kb, counts] : by_kb) {
    newest.push_back(&counts);
  }
  std::sort(newest.begin(), newest.end(), [](const Counts* a, const Counts* b) {
    return a->update->released != b->update->released ? b->update->released < a->update->released
                                                      : a->update->id < b->update->id;
  });
  Table updates{"Updates for the registered devices, newest first",
                {"KB", "Title", "Rating", "Released", "Installed", "Missing", "Withheld or superseded"},
                {},
                "No update rates a registered device's product."};
  for (const auto* counts : newest) {
    const auto& update = *counts->update;
    updates.rows.push_back({link(update_href(overview, update.id), update.id), escape(update.title),
                            escape(severity_for(update, overview.order.enrolments)), update.released.to_string(),
                            std::to_string(counts->installed), std::to_string(counts->missing),
                            std::to_string(counts->other)});
  }
  return table(updates);
}

} // namespace

std::string login_main(const std::string& csrf, const std::string& message) {
  std::string html = "<h1>Log in to the Lifeline dashboard</h1>\n";
  if (!message.empty()) {
    html += "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>\n";
  }
  return html +
         "<form class=\"login\" method=\"post\" action=\"/dashboard/login\">\n"
         "<label for=\"credential\">Your Lifeline credential (designated contact or operator)</label>\n"
         "<input id=\"credential\" name=\"credential\" type=\"password\" autocomplete=\"current-password\" "
         "required maxlength=\"200\">\n<input type=\"hidden\" name=\"csrf\" value=\"" +
         escape(csrf) +
         "\">\n<button type=\"submit\">Log in</button>\n</form>\n"
         "<p class=\"muted\">The credential is the token the vendor issued to you; it is checked again on every "
         "page, so a revoked credential ends its sessions.</p>\n";
}

std::string customers_main(const std::vector<catalog::CustomerName>& customers) {
  Table list{"Customers with a service order", {"Customer", "Name"}, {}, "No customer yet."};
  for (const auto& customer : customers) {
    list.rows.push_back({link("/dashboard/customers/" + customer.id, customer.id), escape(customer.name)});
  }
  return "<h1>All customers</h1>\n" + table(list);
}

std::string overview_main(const Overview& overview) {
  const auto& order = overview.order;
  std::string html = "<h1>" + escape(order.customer_name) + " <span class=\"muted\">(" + escape(order.customer_id) +
                     ")</span></h1>\n<p>Enterprise contract level " + std::to_string(order.contract.level) + ", from " +
                     order.contract.start.to_string() + " to " + order.contract.end.to_string() + "; " +
                     std::to_string(order.sites.size()) + " site(s), " + std::to_string(order.contacts.size()) +
                     " designated contact(s). Figures as of " + overview.at.to_string() + "; a device not seen for " +
                     std::to_string(overview.stale_days) + " days is stale.</p>\n";
  Table enrolments{"Enrolments", {"Product", "Type", "Since", "Languages", "Plan"}, {}, "No enrolment."};
  for (const auto& enrolment : order.enrolments) {
    std::string languages;
    for (const auto& language : enrolment.languages) {
      languages += (languages.empty() ? "" : ", ") + language;
    }
    const auto plan = enrolment.migration_plan
                          ? std::to_string(enrolment.migration_plan->devices) + " devices, completion " +
                                enrolment.migration_plan->completion.to_string()
                          : std::string("none");
    enrolments.rows.push_back({escape(name_of(overview, enrolment.product)), escape(catalog::to_string(enrolment.type)),
                               enrolment.start.to_string(), escape(languages), escape(plan)});
  }
  return html + table(enrolments) +
         "<section aria-labelledby=\"compliance\">\n<h2 id=\"compliance\">Compliance</h2>\n" +
         compliance_table(overview) + "</section>\n" + migration_section(overview) +
         "<section aria-labelledby=\"updates\">\n<h2 id=\"updates\">Updates</h2>\n" + updates_table(overview) +
         "</section>\n";
}

std::vector<std::string> device_cells(const DevicesPage& page, const service::DeviceCompliance& entry) {
  int installed = 0;
  std::string missing;
  int withheld = 0;
  for (const auto& status : entry.updates) {
    if (status.state == UpdateState::installed) {
      ++installed;
    } else if (status.state == UpdateState::entitled_missing || status.state == UpdateState::prerequisite_missing) {
      missing += (missing.empty() ? "" : " ") +
                 link(update_href(page.customer_id, update_of(status).id), update_of(status).id);
    } else if (status.state == UpdateState::not_entitled) {
      ++withheld;
    }
  }
  const auto& device = *entry.device;
  return {escape(device.id),
          escape(device.site),
          escape(name_of(page.product_names, device.product)),
          escape(device.service_pack),
          escape(device.language),
          device.registered.to_string(),
          device.last_seen ? device.last_seen->to_string() : std::string("never"),
          entry.stale ? "yes" : "no",
          std::to_string(installed),
          missing.empty() ? "none" : missing,
          std::to_string(withheld)};
}

std::string devices_main(const DevicesPage& page) {
  const auto& customer = page.customer_id;
  std::string html = "<h1>Devices of " + escape(page.customer_name) +
                     "</h1>\n<form method=\"get\" action=\"/dashboard/customers/" + escape(customer) +
                     "/devices\">\n<label for=\"stale_days\">Stale after (days)</label>\n<input id=\"stale_days\" "
                     "name=\"stale_days\" type=\"number\" min=\"1\" max=\"3650\" value=\"" +
                     std::to_string(page.stale_days) + "\">\n<button type=\"submit\">Show</button>\n</form>\n";
  Table devices{"Active devices and their updates, in registration order (" + std::to_string(k_devices_per_page) +
                    " a page" + (page.first ? "" : "; a later page") + ")",
                {"Device", "Site", "Product", "Service pack", "Language", "Registered", "Last seen", "Stale",
                 "Installed", "Missing", "Withheld"},
                page.rows,
                page.first ? "No active device." : "No active device after the previous page."};
  html += table(devices);
  const auto href = [&](const std::optional<std::string>& cursor) {
    return "/dashboard/customers/" + customer + "/devices?stale_days=" + std::to_string(page.stale_days) +
           (cursor ? "&cursor=" + *cursor : std::string());
  };
  std::string pages;
  if (!page.first) {
    pages += "<li>" + link(href(std::nullopt), "First devices") + "</li>";
  }
  if (page.next) {
    pages += "<li>" + link(href(page.next), "Next devices") + "</li>";
  }
  return html +
         (pages.empty() ? "" : "<nav aria-label=\"Device pages\"><ul class=\"pages\">" + pages + "</ul></nav>\n");
}

std::string update_main(const Overview& overview, const catalog::Update& update) {
  std::string html = "<h1>" + escape(update.id) + ": " + escape(update.title) + "</h1>\n<dl>\n";
  const auto item = [&](const std::string& term, const std::string& value) {
    html += "<dt>" + escape(term) + "</dt><dd>" + value + "</dd>\n";
  };
  item("Kind", escape(catalog::to_string(update.kind)));
  item("Released", update.released.to_string());
  std::string ratings;
  for (const auto& rating : update.products) {
    ratings += (ratings.empty() ? "" : "; ") + escape(name_of(overview, rating.product)) +
               (rating.severity ? ": " + escape(catalog::to_string(*rating.severity)) : std::string());
  }
  item("MSRC rating per product", ratings);
  std::string cves;
  for (const auto& cve : update.cves) {
    cves += (cves.empty() ? "" : ", ") + escape(cve);
  }
  item("CVEs", cves.empty() ? "none" : cves);
  std::string supersedes;
  for (const auto& old : update.supersedes) {
    supersedes += (supersedes.empty() ? "" : ", ") + escape(old);
  }
  item("Supersedes", supersedes.empty() ? "nothing" : supersedes);
  item("Requires service pack", escape(update.requires_service_pack.value_or("no")));
  item("Language", escape(update.language.value_or("all languages")));
  item("Regression-tested", update.regression_tested ? "yes" : "no: not regression-tested (CS-15)");
  html += "</dl>\n";
  std::map<UpdateState, std::size_t> counts;
  Table devices{"", {"Device", "Site", "State", "Reasons"}, {}, "No active device of a product this update rates."};
  const auto visit = [&](const service::DeviceCompliance& entry) {
    for (const auto& status : entry.updates) {
      if (update_of(status).id != update.id) {
        continue;
      }
      ++counts[status.state];
      if (devices.rows.size() < k_update_rows) {
        devices.rows.push_back(
            {escape(entry.device->id), escape(entry.device->site), state_cell(status), reasons_cell(status)});
      }
    }
  };
  if (overview.report) {
    overview.report->for_each_device(visit);
  }
  Table states{"Devices per state of " + update.id, {"State", "Devices"}, {}, "No active device."};
  std::size_t total = 0;
  for (const auto& [state, count] : counts) {
    states.rows.push_back({escape(service::to_string(state)), std::to_string(count)});
    total += count;
  }
  devices.caption = "State of " + update.id + " on each active device" +
                    (total > devices.rows.size() ? " (the first " + std::to_string(devices.rows.size()) + " of " +
                                                       std::to_string(total) + "; lifeline compliance export lists all)"
                                                 : std::string());
  return html + table(states) + table(devices);
}

std::string audit_main(const std::string& customer_id, const std::vector<catalog::AuditEntry>& newest_first) {
  Table trail{"Audit trail of " + customer_id + ", the newest " + std::to_string(newest_first.size()) + " entries",
              {"Sequence", "Recorded (UTC)", "Evaluation date", "Actor", "Action", "Subject", "Detail"},
              {},
              "Nothing recorded yet."};
  for (const auto& entry : newest_first) {
    trail.rows.push_back({std::to_string(entry.sequence), escape(entry.recorded), entry.at.to_string(),
                          escape(entry.actor), escape(entry.action), escape(entry.subject), escape(entry.detail)});
  }
  return "<h1>Audit trail</h1>\n<p>Every decision and change about this customer (CS-12). The full trail is "
         "available with <code>lifeline audit list</code>.</p>\n" +
         table(trail);
}

std::string message_main(const std::string& heading, const std::string& text) {
  return "<h1>" + escape(heading) + "</h1>\n<p>" + escape(text) + "</p>\n";
}

} // namespace lifeline::server::dashboard
