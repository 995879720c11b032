// Registration with multi-use enrolment tokens, then each device's first check-in.
#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "bench/fleet/fleet.hpp"
#include "bench/fleet/tally.hpp"
#include "signing/entitlement_statement.hpp"
#include "signing/tuf/metadata.hpp"
#include "util/file.hpp"

namespace lifeline::bench {

namespace {

using Json = nlohmann::json;

constexpr std::size_t k_max_token_uses = 10000; // docs/api.md, "Enrolment and registration"

struct Registration {
  std::string token;
  std::string body;
  Row device; // product, service pack, language: the device row's tail
};

// Job rows "COUNT CONTACT SITE PRODUCT SERVICE_PACK LANGUAGE" -> one registration per device,
// interleaved across jobs as a fleet enrols. Tokens are created here, before the clock starts.
std::vector<Registration> plan_registrations(const std::string& base, const std::vector<Row>& jobs) {
  Connection connection(base);
  std::vector<std::vector<Registration>> per_job;
  for (const auto& job : jobs) {
    auto& list = per_job.emplace_back();
    const auto& product = job[3];
    const Json body{{"product", product}, {"service_pack", job[4]}, {"language", job[5]}, {"site", job[2]}};
    for (auto left = std::stoul(job[0]); left > 0;) {
      const auto uses = std::min<std::size_t>(left, k_max_token_uses);
      const auto reply = connection.post("/v1/enrolment-tokens", job[1],
                                         Json{{"site", job[2]}, {"product", product}, {"uses", uses}}.dump());
      if (reply.status != 201) {
        std::fprintf(stderr, "fleet_driver: enrolment token for %s at %s: %ld %s\n", product.c_str(), job[2].c_str(),
                     reply.status, reply.body.c_str());
        std::exit(1);
      }
      const auto token = Json::parse(reply.body).at("token").get<std::string>();
      for (std::size_t i = 0; i < uses; ++i) {
        list.push_back(Registration{token, body.dump(), Row{product, job[4], job[5]}});
      }
      left -= uses;
    }
  }
  std::vector<Registration> all;
  for (std::size_t i = 0; std::any_of(per_job.begin(), per_job.end(), [&](auto& l) { return i < l.size(); }); ++i) {
    for (auto& list : per_job) {
      if (i < list.size()) {
        all.push_back(std::move(list[i]));
      }
    }
  }
  return all;
}

} // namespace

int register_devices(const std::string& base, const std::string& jobs, const std::string& out, std::size_t clients) {
  const auto registrations = plan_registrations(base, read_rows(jobs));
  std::vector<Row> devices(registrations.size());
  Tally tally;
  std::once_flag first_refusal;
  const auto seconds = run_clients(base, clients, registrations.size(), [&](Connection& connection, std::size_t i) {
    const auto& registration = registrations[i];
    const auto reply = connection.post("/v1/devices", registration.token, registration.body);
    tally.add(reply);
    if (reply.status != 201) {
      std::call_once(first_refusal, [&] {
        std::fprintf(stderr, "fleet_driver: registration answered %ld: %s\n", reply.status, reply.body.c_str());
      });
      return true;
    }
    const auto answer = Json::parse(reply.body);
    devices[i] = Row{answer.at("device").at("id").get<std::string>(), answer.at("credential").get<std::string>()};
    devices[i].insert(devices[i].end(), registration.device.begin(), registration.device.end());
    return true;
  });
  std::erase_if(devices, [](const Row& row) { return row.empty(); });
  write_rows(out, devices);
  tally.print("register", seconds);
  return tally.answered(201) == registrations.size() ? 0 : 1;
}

// Device rows "DEVICE CREDENTIAL PRODUCT SERVICE_PACK LANGUAGE" in; plan rows "DEVICE CREDENTIAL
// KB PATH" out, PATH the content-addressed name of the first target offered (`targets` maps
// logical target paths to it). With `root`, every statement's signature is verified against it.
int first_check_ins(const std::string& base, const std::string& devices_file, const std::string& targets,
                    const std::string& out, std::size_t clients, const std::string& root) {
  const auto devices = read_rows(devices_file);
  std::map<std::string, std::string> content_paths;
  for (const auto& row : read_rows(targets)) {
    content_paths[row[0]] = row[1];
  }
  std::optional<signing::tuf::RootSigned> trusted;
  if (!root.empty()) {
    trusted = signing::tuf::parse_root(util::read_file(root, 1 << 20).value()).value().signed_part;
  }
  std::vector<Row> plan(devices.size());
  Tally tally;
  const auto seconds = run_clients(base, clients, devices.size(), [&](Connection& connection, std::size_t i) {
    const auto& device = devices[i];
    const auto reply = connection.post("/v1/devices/me/check-in", device[1],
                                       Json{{"service_pack", device[3]}, {"language", device[4]}}.dump());
    tally.add(reply);
    if (reply.status != 200) {
      return true;
    }
    const auto answer = Json::parse(reply.body);
    const auto& statement = answer.at("entitlement_statement");
    if (statement.at("signed").at("device") == device[0] && !statement.at("signatures").empty()) {
      tally.count("signed");
    }
    if (trusted) {
      const auto issued = signing::tuf::parse_expires(statement.at("signed").at("issued").get<std::string>());
      if (issued && signing::verify_statement(statement.dump(), *trusted, device[0], *issued)) {
        tally.count("verified");
      }
    }
    tally.count("offers", answer.at("updates").size());
    tally.count("withheld", answer.at("withheld").size());
    for (const auto& update : answer.at("updates")) {
      const auto& paths = update.at("targets");
      const auto found = paths.empty() ? content_paths.end() : content_paths.find(paths[0].get<std::string>());
      if (found != content_paths.end()) {
        plan[i] = Row{device[0], device[1], update.at("kb").get<std::string>(), found->second};
        tally.count("offered");
        break;
      }
    }
    return true;
  });
  std::erase_if(plan, [](const Row& row) { return row.empty(); });
  write_rows(out, plan);
  tally.print("check-in", seconds);
  const bool signed_all = tally.counted("signed") == devices.size();
  const bool verified_all = !trusted || tally.counted("verified") == devices.size();
  return tally.answered(200) == devices.size() && signed_all && verified_all ? 0 : 1;
}

} // namespace lifeline::bench
