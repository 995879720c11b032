#include <iostream>
#include <string>
#include <vector>

#include "server/cli/operator_cli.hpp"

int main(int argc, char** argv) {
  const lifeline::util::SystemClock clock;
  return lifeline::server::run_operator_cli(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr, clock);
}
