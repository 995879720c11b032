// Text files of rows and the pool of client threads every phase runs on.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench/fleet/fleet.hpp"

namespace lifeline::bench {

std::vector<Row> read_rows(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "fleet_driver: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Row row;
    for (std::string field; fields >> field;) {
      row.push_back(field);
    }
    if (!row.empty()) {
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

void write_rows(const std::string& path, const std::vector<Row>& rows) {
  std::ofstream out(path);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out << (i > 0 ? " " : "") << row[i];
    }
    out << '\n';
  }
  if (!out.flush()) {
    std::fprintf(stderr, "fleet_driver: cannot write %s\n", path.c_str());
    std::exit(2);
  }
}

double run_clients(const std::string& base, std::size_t clients, std::size_t n,
                   const std::function<bool(Connection&, std::size_t)>& work) {
  std::atomic<std::size_t> next = 0;
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      Connection connection(base);
      try {
        for (auto i = next++; i < n; i = next++) {
          if (!work(connection, i)) {
            return;
          }
        }
      } catch (const std::exception& error) { // an answer not shaped as the API says
        std::fprintf(stderr, "fleet_driver: %s\n", error.what());
        std::fflush(stdout);
        std::_Exit(1);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace lifeline::bench
