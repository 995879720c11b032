// The fleet benchmark's load driver (bench/fleet_bench.sh): devices registering, checking in,
// downloading and reporting over HTTP with K keep-alive connections. Each phase prints one
// "RESULT phase key=value..." line (rate, p50/p99, answers by status) and exits non-zero when an
// answer was not the expected one.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/fleet/fleet.hpp"

namespace {

constexpr const char* k_usage = "usage: fleet_driver PHASE BASE_URL ...\n"
                                "  register   BASE JOBS DEVICES_OUT CLIENTS\n"
                                "  check-in   BASE DEVICES TARGETS PLAN_OUT CLIENTS [ROOT_JSON]\n"
                                "  download   BASE PLAN CLIENTS RATE SECONDS [ACKED]\n"
                                "  install    BASE PLAN CLIENTS ACKED\n"
                                "  verify     BASE ACKED OPERATOR_TOKEN\n"
                                "  compliance BASE TOKEN CUSTOMER|- REPEATS\n"
                                "  idle       BASE COUNT SECONDS READY_FILE\n";

std::size_t count(const std::string& text) {
  return static_cast<std::size_t>(std::stoul(text));
}

} // namespace

int main(int argc, char** argv) {
  using namespace lifeline::bench;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto phase = args.empty() ? std::string() : args[0];
  const auto needs = [&](std::size_t n) { return args.size() >= n + 1; };
  init_http();
  if (phase == "register" && needs(4)) {
    return register_devices(args[1], args[2], args[3], count(args[4]));
  }
  if (phase == "check-in" && needs(5)) {
    return first_check_ins(args[1], args[2], args[3], args[4], count(args[5]), needs(6) ? args[6] : "");
  }
  if (phase == "download" && needs(5)) {
    return paced_downloads(args[1], args[2], count(args[3]), std::stod(args[4]), std::stod(args[5]),
                           needs(6) ? args[6] : "");
  }
  if (phase == "install" && needs(4)) {
    return install_and_report(args[1], args[2], count(args[3]), args[4]);
  }
  if (phase == "verify" && needs(3)) {
    return verify_acknowledged(args[1], args[2], args[3]);
  }
  if (phase == "idle" && needs(4)) {
    return hold_idle(args[1], count(args[2]), std::stod(args[3]), args[4]);
  }
  if (phase == "compliance" && needs(4)) {
    return time_compliance(args[1], args[2], args[3], std::stoi(args[4]));
  }
  std::fputs(k_usage, stderr);
  return 2;
}
