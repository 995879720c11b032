#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "signing/cli/sign_cli.hpp"

int main(int argc, char** argv) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return lifeline::signing::cli::run_sign_cli(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr, now);
}
