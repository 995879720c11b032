// Device refresh against a served repository: root chain, timestamp, snapshot, targets and one
// product's role, from an empty metadata directory each time. Prints the median in ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "signing/curl/http_fetcher.hpp"
#include "signing/tuf/updater.hpp"
#include "tests/support/testing.hpp"
#include "util/file.hpp"

int main(int argc, char** argv) {
  using namespace lifeline;
  if (argc < 4) {
    std::fprintf(stderr, "usage: refresh_bench BASE_URL ROOT_FILE TARGET [RUNS]\n");
    return 2;
  }
  const std::string base = argv[1];
  const auto root = util::read_file(argv[2], 1 << 20).value();
  const int runs = argc > 4 ? std::atoi(argv[4]) : 10;
  std::vector<double> times;
  for (int run = 0; run < runs; ++run) {
    testing::TempDir dir;
    testing::write_file(dir / "root.json", root);
    signing::curl::HttpFetcher fetcher;
    signing::tuf::UpdaterConfig config;
    config.metadata_dir = dir.path();
    config.metadata_base = base + "/metadata/";
    config.targets_base = base + "/targets/";
    config.reference_time = std::time(nullptr);
    const auto start = std::chrono::steady_clock::now();
    signing::tuf::Updater updater(config, fetcher, fetcher);
    const auto target = updater.target_info(argv[3]);
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!target) {
      std::fprintf(stderr, "%s\n", target.error().message.c_str());
      return 1;
    }
  }
  std::sort(times.begin(), times.end());
  std::printf("%.2f\n", times[times.size() / 2]);
  return 0;
}
