#include "cli/pull.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "signing/tuf/updater.hpp"

namespace lifeline::cli {

namespace fs = std::filesystem;

util::Result<std::vector<std::string>> pull(ContactClient& client, const PullRequest& request,
                                            const PullProgress& progress) {
  const auto listed = client.get("/v1/updates");
  if (!listed) {
    return listed.error();
  }
  const auto answer = nlohmann::json::parse(*listed, nullptr, false);
  const auto updates = answer.is_object() ? answer.find("updates") : answer.end();
  if (!answer.is_object() || updates == answer.end() || !updates->is_array()) {
    return util::make_error(util::ErrorKind::invalid_input, "the server's list of updates is malformed");
  }
  std::set<std::string> wanted(request.updates.begin(), request.updates.end());
  std::set<std::string> found;
  std::vector<std::string> targets;
  for (const auto& update : *updates) {
    const auto kb_it = update.is_object() ? update.find("kb") : update.end();
    const std::string kb =
        update.is_object() && kb_it != update.end() && kb_it->is_string() ? kb_it->get_ref<const std::string&>() : "";
    if (!request.all && !wanted.contains(kb)) {
      continue;
    }
    found.insert(kb);
    if (const auto paths = update.find("targets"); paths != update.end() && paths->is_array()) {
      for (const auto& path : *paths) {
        if (path.is_string()) {
          targets.push_back(path.get<std::string>());
        }
      }
    }
  }
  for (const auto& kb : wanted) {
    if (!found.contains(kb)) {
      return util::make_error(util::ErrorKind::not_found,
                              kb + " is not among the updates this customer is entitled to (lifeline updates list)");
    }
  }
  signing::tuf::UpdaterConfig config;
  config.metadata_dir = request.metadata_dir;
  config.metadata_base = client.session().server + "/v1/repository/metadata/";
  config.targets_base = client.session().server + "/v1/repository/targets/";
  config.reference_time = request.now;
  signing::tuf::Updater updater(config, client.fetcher(), client.fetcher());
  if (const auto refreshed = updater.refresh(); !refreshed) {
    return util::make_error(util::ErrorKind::invalid_input, "TUF refresh refused: " + refreshed.error().message);
  }
  std::vector<std::string> written;
  for (const auto& path : targets) {
    const fs::path relative(path);
    if (relative.is_absolute() || std::any_of(relative.begin(), relative.end(),
                                              [](const fs::path& part) { return part == ".." || part == "."; })) {
      return util::make_error(util::ErrorKind::invalid_input, path + " is not a target path below --out");
    }
    const auto info = updater.target_info(path);
    if (!info) {
      return util::make_error(util::ErrorKind::invalid_input, path + ": " + info.error().message);
    }
    const auto destination = request.out / path;
    std::error_code ec;
    fs::create_directories(destination.parent_path(), ec);
    if (!updater.is_cached(*info, destination)) {
      const auto report = [&](std::uint64_t received, std::uint64_t length) {
        if (progress) {
          progress(path, received, length);
        }
      };
      if (const auto downloaded = updater.download_target(*info, destination, report); !downloaded) {
        return util::make_error(util::ErrorKind::invalid_input, downloaded.error().message);
      }
    }
    written.push_back(path);
  }
  return written;
}

} // namespace lifeline::cli
