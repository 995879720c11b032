#include <iostream>
#include <string>
#include <vector>

#include "cli/contact_cli.hpp"

int main(int argc, char** argv) {
  const lifeline::util::SystemClock clock;
  return lifeline::cli::run_contact_cli(std::vector<std::string>(argv, argv + argc), std::cin, std::cout, std::cerr,
                                        clock);
}
