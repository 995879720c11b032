#include <iostream>
#include <string>
#include <vector>

#include "agent/cli.hpp"

int main(int argc, char** argv) {
  const lifeline::util::SystemClock clock;
  return lifeline::agent::run_cli(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr, clock);
}
