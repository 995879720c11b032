// The client-under-test of the TUF conformance suite (CLIENT-CLI.md), on Lifeline's verifier:
//   tuf-conformance-client --metadata-dir D init ROOT
//   tuf-conformance-client --metadata-dir D --metadata-url U refresh
//   tuf-conformance-client --metadata-dir D --metadata-url U --target-name T
//                          --target-base-url B --target-dir D2 download
// Exit 0 on success, 1 on any failure (the reason goes to stderr).
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "signing/curl/http_fetcher.hpp"
#include "signing/tuf/updater.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"

namespace {

using namespace lifeline::signing;

int fail(const std::string& message) {
  std::cerr << "tuf-conformance-client: " << message << '\n';
  return 1;
}

int fail(const tuf::Error& error) {
  return fail(std::string(tuf::to_string(error.code)) + ": " + error.message);
}

tuf::UnixTime now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int run(const std::map<std::string, std::string>& options, const std::vector<std::string>& command) {
  const auto option = [&](const char* name) {
    const auto it = options.find(name);
    return it == options.end() ? std::string() : it->second;
  };
  const std::filesystem::path metadata_dir = option("--metadata-dir");
  if (metadata_dir.empty() || command.empty()) {
    return fail("usage: --metadata-dir DIR (init ROOT | --metadata-url URL refresh | ... download)");
  }
  if (command[0] == "init") {
    if (command.size() != 2) {
      return fail("init needs the trusted root file");
    }
    const auto root = lifeline::util::read_file(command[1], 512'000);
    std::error_code ec;
    std::filesystem::create_directories(metadata_dir, ec);
    if (!root || !lifeline::util::write_file_atomically(metadata_dir / "root.json", *root)) {
      return fail("cannot install the trusted root " + command[1]);
    }
    return 0;
  }
  curl::HttpFetcher fetcher;
  tuf::UpdaterConfig config;
  config.metadata_dir = metadata_dir;
  config.metadata_base = option("--metadata-url");
  config.targets_base = option("--target-base-url");
  config.reference_time = now();
  tuf::Updater updater(config, fetcher, fetcher);
  if (command[0] == "refresh") {
    const auto refreshed = updater.refresh();
    return refreshed ? 0 : fail(refreshed.error());
  }
  if (command[0] == "download") {
    const auto target = updater.target_info(option("--target-name"));
    if (!target) {
      return fail(target.error());
    }
    const std::filesystem::path target_dir = option("--target-dir");
    std::error_code ec;
    std::filesystem::create_directories(target_dir, ec);
    const auto destination = target_dir / tuf::percent_encode(target->path);
    if (updater.is_cached(*target, destination)) {
      return 0;
    }
    const auto downloaded = updater.download_target(*target, destination);
    return downloaded ? 0 : fail(downloaded.error());
  }
  return fail("unknown command " + command[0]);
}

} // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  std::vector<std::string> command;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--") && i + 1 < argc) {
      options[arg] = argv[++i];
    } else {
      command.push_back(arg);
    }
  }
  try {
    return run(options, command);
  } catch (const std::exception& error) {
    return fail(error.what());
  }
}
