// Replays a fuzz corpus through the fuzz target without libFuzzer, so every build (gcc too)
// runs the kept corpus in `make test`.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>

#include "util/file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) {
        continue;
      }
      const auto bytes = lifeline::util::read_file(entry.path(), 1 << 20).value();
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++inputs;
    }
  }
  std::cout << "replayed " << inputs << " inputs\n";
  return inputs > 0 ? 0 : 1;
}
