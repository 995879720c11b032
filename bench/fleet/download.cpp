// Devices downloading their offered payload (audited per request) and reporting installs. What
// the server acknowledged is appended to a log as soon as the answer arrives, so a server
// killed mid-phase leaves the list of what it promised to keep.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/fleet/fleet.hpp"
#include "bench/fleet/tally.hpp"

namespace lifeline::bench {

namespace {

using Json = nlohmann::json;

// Rows "download DEVICE PATH" and "report DEVICE CREDENTIAL KB REPORT_ID", one per 2xx answer.
class AckLog {
 public:
  explicit AckLog(const std::string& path) : m_file(path.empty() ? nullptr : std::fopen(path.c_str(), "a")) {
    if (!path.empty() && m_file == nullptr) {
      std::fprintf(stderr, "fleet_driver: cannot append to %s\n", path.c_str());
      std::exit(2);
    }
  }
  AckLog(const AckLog&) = delete;
  AckLog& operator=(const AckLog&) = delete;
  ~AckLog() {
    if (m_file != nullptr) {
      std::fclose(m_file);
    }
  }
  void add(const std::string& line) {
    if (m_file == nullptr) {
      return;
    }
    const std::lock_guard lock(m_mutex);
    std::fputs((line + "\n").c_str(), m_file);
    std::fflush(m_file);
  }

 private:
  std::FILE* m_file;
  std::mutex m_mutex;
};

std::string target_url(const Row& plan_row) {
  return "/v1/repository/targets/" + plan_row[3];
}

} // namespace

// Plan rows "DEVICE CREDENTIAL KB PATH", taken in turn at `rate` requests a second for
// `seconds`; every other request asks for a Range and must get 206.
int paced_downloads(const std::string& base, const std::string& plan_file, std::size_t clients, double rate,
                    double seconds, const std::string& acked) {
  const auto plan = read_rows(plan_file);
  if (plan.empty()) {
    std::fprintf(stderr, "fleet_driver: no device was offered a payload to download\n");
    return 1;
  }
  AckLog log(acked);
  Tally tally;
  const auto start = std::chrono::steady_clock::now();
  const auto total = static_cast<std::size_t>(rate * seconds);
  const auto elapsed = run_clients(base, clients, total, [&](Connection& connection, std::size_t i) {
    std::this_thread::sleep_until(start + std::chrono::duration<double>(static_cast<double>(i) / rate));
    const auto& row = plan[i % plan.size()];
    const bool ranged = i % 2 == 1;
    const auto reply = connection.get(target_url(row), row[1], ranged ? "0-1023" : "", false);
    tally.add(reply);
    if (reply.status == 200 || reply.status == 206) {
      log.add("download " + row[0] + " " + row[3]);
    }
    if (reply.status != (ranged ? 206 : 200)) {
      tally.count("unexpected");
    }
    return true;
  });
  tally.print("download", elapsed);
  return tally.counted("unexpected") == 0 && tally.requests() == total ? 0 : 1;
}

// Each planned device downloads its payload whole, then reports it installed. A client stops at
// its first request without an answer (the server was killed).
int install_and_report(const std::string& base, const std::string& plan_file, std::size_t clients,
                       const std::string& acked) {
  const auto plan = read_rows(plan_file);
  AckLog log(acked);
  Tally downloads;
  Tally reports;
  const auto seconds = run_clients(base, clients, plan.size(), [&](Connection& connection, std::size_t i) {
    const auto& row = plan[i];
    const auto download = connection.get(target_url(row), row[1], "", false);
    downloads.add(download);
    if (download.status != 200) {
      return download.status != 0;
    }
    log.add("download " + row[0] + " " + row[3]);
    const auto id = "fleet-" + row[0] + "-" + row[2];
    const auto report = connection.post("/v1/devices/me/reports", row[1],
                                        Json{{"report_id", id}, {"update", row[2]}, {"outcome", "installed"}}.dump());
    reports.add(report);
    if (report.status == 200 || report.status == 201) {
      log.add("report " + row[0] + " " + row[1] + " " + row[2] + " " + id);
      if (Json::parse(report.body).value("state", "") != "installed") {
        reports.count("not_installed"); // an offered update must be recorded as installed
      }
    }
    return report.status != 0;
  });
  downloads.print("install-download", seconds);
  reports.print("install-report", seconds);
  // Requests cut by the kill got no answer; every answer that came must be a success.
  const bool all_ok = downloads.answered(200) == downloads.answers() &&
                      reports.answered(201) + reports.answered(200) == reports.answers() &&
                      reports.counted("not_installed") == 0;
  return all_ok ? 0 : 1;
}

} // namespace lifeline::bench
