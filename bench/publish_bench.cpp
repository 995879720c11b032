// Publishing N updates into a TUF repository (20 product roles), reporting the time per update
// as the repository grows; the repository is left in OUT for the refresh benchmark.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "signing/repository/repository.hpp"
#include "tests/support/testing.hpp"

int main(int argc, char** argv) {
  using namespace lifeline;
  const int updates = argc > 1 ? std::atoi(argv[1]) : 10'000;
  const std::filesystem::path out = argc > 2 ? argv[2] : "";
  constexpr int k_products = 20;
  testing::TempDir scratch;
  const auto data = out.empty() ? scratch.path() / "data" : out;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto repository = signing::Repository::init(data, signing::InitOptions{}, now);
  if (!repository) {
    std::fprintf(stderr, "%s\n", repository.error().message.c_str());
    return 1;
  }
  const auto payload = scratch.path() / "payload.cab";
  std::printf("publishing %d updates into %d product roles\n", updates, k_products);
  std::printf("%12s %14s\n", "updates", "ms/update");
  auto window_start = std::chrono::steady_clock::now();
  const auto start = window_start;
  int window = 0;
  for (int i = 1; i <= updates; ++i) {
    testing::write_file(payload, "payload of update " + std::to_string(i) + "\n");
    const auto product = "product-" + std::to_string(i % k_products);
    const auto kb = "KB" + std::to_string(5'000'000 + i);
    const signing::NewTarget target{product, product + "/" + kb + "/" + kb + ".cab", payload,
                                    R"({"lifeline":{"kb":")" + kb + R"(","kind":"security"}})"};
    if (auto published = repository->publish({target}, now); !published) {
      std::fprintf(stderr, "%s\n", published.error().message.c_str());
      return 1;
    }
    ++window;
    if (i == 100 || i == 1000 || i % 2500 == 0 || i == updates) {
      const auto ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - window_start).count();
      std::printf("%12d %14.2f\n", i, ms / window);
      window = 0;
      window_start = std::chrono::steady_clock::now();
    }
  }
  const auto total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("total %.1f s, %.2f ms/update on average\n", total, total * 1000 / updates);
  return 0;
}
