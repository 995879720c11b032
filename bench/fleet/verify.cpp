// Reads back over HTTP: the compliance report (timed, devices counted) and, after a SIGKILL and a
// restart, every acknowledged download and install report.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/fleet/fleet.hpp"
#include "bench/fleet/tally.hpp"

namespace lifeline::bench {

namespace {

using Json = nlohmann::json;

Json get_json(Connection& connection, const std::string& path, const std::string& token) {
  const auto reply = connection.get(path, token);
  if (reply.status != 200) {
    std::fprintf(stderr, "fleet_driver: GET %s answered %ld %s %s\n", path.c_str(), reply.status, reply.error.c_str(),
                 reply.body.c_str());
    std::exit(1);
  }
  return Json::parse(reply.body);
}

// (actor, subject) -> how many download.allow entries the audit trail holds.
std::map<std::pair<std::string, std::string>, std::size_t> allowed_downloads(Connection& connection,
                                                                             const std::string& token) {
  std::map<std::pair<std::string, std::string>, std::size_t> allowed;
  std::string after = "0";
  while (true) {
    const auto page = get_json(connection, "/v1/audit?after=" + after, token);
    for (const auto& entry : page.at("entries")) {
      if (entry.at("action") == "download.allow") {
        ++allowed[{entry.at("actor").get<std::string>(), entry.at("subject").get<std::string>()}];
      }
    }
    if (page.at("next_after").is_null()) {
      return allowed;
    }
    after = std::to_string(page.at("next_after").get<std::int64_t>());
  }
}

// The per-device compliance report, every page of it (`query` starts with '?' or is empty).
Json compliance_devices(Connection& connection, const std::string& query, const std::string& token) {
  Json devices = Json::array();
  const auto first = "/v1/compliance" + (query.empty() ? std::string("?") : query + "&") + "limit=5000";
  for (auto path = first;;) {
    const auto page = get_json(connection, path, token);
    for (const auto& device : page.at("devices")) {
      devices.push_back(device);
    }
    if (page.at("next_cursor").is_null()) {
      return devices;
    }
    path = first + "&cursor=" + page.at("next_cursor").get<std::string>(); // base64url: safe in a URL
  }
}

// device -> the updates the compliance report shows installed (every customer: an operator).
std::map<std::string, std::set<std::string>> installed_updates(Connection& connection, const std::string& token) {
  std::map<std::string, std::set<std::string>> installed;
  for (const auto& device : compliance_devices(connection, "", token)) {
    auto& kbs = installed[device.at("id").get<std::string>()];
    for (const auto& kb : device.at("installed")) {
      kbs.insert(kb.get<std::string>());
    }
  }
  return installed;
}

} // namespace

// Acknowledged rows (download.cpp's AckLog) against what the restarted server reads back:
// each download acknowledged k times has at least k download.allow entries for that device and
// path; each install report shows installed in compliance and is known again (200, duplicate).
int verify_acknowledged(const std::string& base, const std::string& acked, const std::string& operator_token) {
  Connection connection(base);
  const auto rows = read_rows(acked);
  const auto allowed = allowed_downloads(connection, operator_token);
  const auto installed = installed_updates(connection, operator_token);
  std::map<std::pair<std::string, std::string>, std::size_t> downloads;
  Tally tally;
  std::size_t missing = 0;
  const auto miss = [&](const std::string& what) {
    if (missing++ < 10) {
      std::fprintf(stderr, "fleet_driver: acknowledged but lost after the restart: %s\n", what.c_str());
    }
  };
  for (const auto& row : rows) {
    if (row[0] == "download") {
      ++downloads[{"device:" + row[1], row[2]}];
      continue;
    }
    const auto& [device, credential, kb, id] = std::tie(row[1], row[2], row[3], row[4]);
    tally.count("reports");
    const auto known = installed.find(device);
    if (known == installed.end() || !known->second.contains(kb)) {
      miss("install of " + kb + " on " + device + " (compliance)");
    }
    const auto again = connection.post("/v1/devices/me/reports", credential,
                                       Json{{"report_id", id}, {"update", kb}, {"outcome", "installed"}}.dump());
    tally.add(again);
    if (again.status != 200 || !Json::parse(again.body).value("duplicate", false)) {
      miss("report " + id + " (answered " + std::to_string(again.status) + " when sent again)");
    }
  }
  for (const auto& [key, count] : downloads) {
    tally.count("downloads", count);
    const auto found = allowed.find(key);
    if (found == allowed.end() || found->second < count) {
      miss("download of " + key.second + " by " + key.first + " (audit trail)");
    }
  }
  tally.count("missing", missing);
  tally.print("verify", 0);
  return missing == 0 ? 0 : 1;
}

// GET /v1/compliance (for `customer`, or every customer when "-"), every page, `repeats` times.
int time_compliance(const std::string& base, const std::string& token, const std::string& customer, int repeats) {
  Connection connection(base);
  const auto query = customer == "-" ? std::string() : "?customer=" + customer;
  Tally tally;
  double seconds = 0;
  std::size_t devices = 0;
  for (int i = 0; i < repeats; ++i) {
    const auto started = std::chrono::steady_clock::now();
    devices = compliance_devices(connection, query, token).size();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    tally.count("walks");
  }
  tally.count("devices", devices);
  tally.print("compliance", seconds);
  return 0;
}

} // namespace lifeline::bench
