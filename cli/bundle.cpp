#include "cli/bundle.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include "signing/tuf/updater.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"

namespace lifeline::cli {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Keeps a copy of every file fetched below `base`, under `into`, by the same relative name: the
// bundle then serves a device exactly what the server served this verifier.
class RecordingFetcher final : public signing::tuf::Fetcher {
 public:
  RecordingFetcher(signing::tuf::Fetcher& inner, std::string base, fs::path into)
      : m_inner(inner), m_base(std::move(base)), m_into(std::move(into)) {}

  signing::tuf::Result<std::string> fetch(const std::string& location, std::size_t max_bytes) override {
    auto bytes = m_inner.fetch(location, max_bytes);
    if (bytes) {
      if (auto kept = keep(location, *bytes); !kept) {
        return kept.error();
      }
    }
    return bytes;
  }

  signing::tuf::Result<void> fetch_stream(const std::string& location, std::uint64_t offset, std::uint64_t max_bytes,
                                          const ByteSink& sink) override {
    const auto path = place(location);
    if (!path) {
      return path.error();
    }
    std::ofstream copy(*path, offset > 0 ? std::ios::binary | std::ios::app : std::ios::binary | std::ios::trunc);
    return m_inner.fetch_stream(location, offset, max_bytes, [&](std::string_view bytes) {
      copy.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      return copy ? sink(bytes) : signing::tuf::make_error(signing::tuf::ErrorCode::local_io, "cannot keep a copy");
    });
  }

 private:
  signing::tuf::Result<fs::path> place(const std::string& location) const {
    if (location.rfind(m_base, 0) != 0 || location.find("..") != std::string::npos) {
      return signing::tuf::make_error(signing::tuf::ErrorCode::local_io, location + " is not below " + m_base);
    }
    auto path = m_into / location.substr(m_base.size());
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    return path;
  }

  signing::tuf::Result<void> keep(const std::string& location, std::string_view bytes) const {
    const auto path = place(location);
    if (!path) {
      return path.error();
    }
    if (auto written = util::write_file_atomically(*path, bytes); !written) {
      return signing::tuf::make_error(signing::tuf::ErrorCode::local_io, written.error().message);
    }
    return {};
  }

  signing::tuf::Fetcher& m_inner;
  std::string m_base;
  fs::path m_into;
};

// Every regular file below `dir` into a pax tar at `out`, by relative name.
util::Result<void> write_tar(const fs::path& dir, const fs::path& out) {
  const std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(writer.get());
  if (archive_write_open_filename(writer.get(), out.c_str()) != ARCHIVE_OK) {
    return util::make_error(util::ErrorKind::io, out.string() + ": " + archive_error_string(writer.get()));
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::string buffer(1 << 16, '\0');
  for (const auto& file : files) {
    const std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), fs::relative(file, dir).c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(fs::file_size(file)));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) {
      return util::make_error(util::ErrorKind::io, out.string() + ": " + archive_error_string(writer.get()));
    }
    std::ifstream in(file, std::ios::binary);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      if (archive_write_data(writer.get(), buffer.data(), static_cast<std::size_t>(in.gcount())) < 0) {
        return util::make_error(util::ErrorKind::io, out.string() + ": " + archive_error_string(writer.get()));
      }
    }
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    return util::make_error(util::ErrorKind::io, out.string() + ": " + archive_error_string(writer.get()));
  }
  return {};
}

// Removes the staging directory however create_bundle ends.
struct Staging {
  fs::path path;
  ~Staging() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

} // namespace

util::Result<BundleSummary> create_bundle(ContactClient& client, const BundleRequest& request,
                                          const PullProgress& progress) {
  const auto root = util::read_file(request.trusted_root, 512'000);
  if (!root) {
    return root.error();
  }
  std::set<std::string> products(request.products.begin(), request.products.end());
  if (products.empty()) {
    const auto listed = client.get("/v1/updates");
    if (!listed) {
      return listed.error();
    }
    const auto answer = Json::parse(*listed, nullptr, false);
    for (const auto& update : answer.is_object() && answer.contains("updates") ? answer["updates"] : Json::array()) {
      if (update.is_object() && update.contains("product") && update["product"].is_string()) {
        products.insert(update["product"].get<std::string>());
      }
    }
  }
  auto staging_name = (request.out.parent_path().empty() ? fs::path(".") : request.out.parent_path()) /
                      ("." + request.out.filename().string() + ".XXXXXX");
  std::string staging_text = staging_name.string();
  if (::mkdtemp(staging_text.data()) == nullptr) {
    return util::make_error(util::ErrorKind::io, "cannot create a staging directory beside " + request.out.string());
  }
  const Staging staging{staging_text};
  const auto bundle = staging.path / "bundle";
  fs::create_directories(bundle / "check-ins");
  fs::create_directories(staging.path / "verifier");
  if (auto written = util::write_file_atomically(staging.path / "verifier" / "root.json", *root); !written) {
    return written.error();
  }
  const auto& server = client.session().server;
  RecordingFetcher metadata(client.fetcher(), server + "/v1/repository/metadata/", bundle / "metadata");
  RecordingFetcher targets(client.fetcher(), server + "/v1/repository/targets/", bundle / "targets");
  // The root chain from version 1, as the device will walk it from the root it was shipped with.
  if (auto first = metadata.fetch(server + "/v1/repository/metadata/1.root.json", 512'000); !first) {
    return util::make_error(util::ErrorKind::io, first.error().message);
  }
  signing::tuf::UpdaterConfig config;
  config.metadata_dir = staging.path / "verifier";
  config.metadata_base = server + "/v1/repository/metadata/";
  config.targets_base = server + "/v1/repository/targets/";
  config.reference_time = request.now;
  signing::tuf::Updater updater(config, metadata, targets);
  if (const auto refreshed = updater.refresh(); !refreshed) {
    return util::make_error(util::ErrorKind::invalid_input, "TUF refresh refused: " + refreshed.error().message);
  }
  BundleSummary summary;
  std::set<std::string> fetched;
  for (const auto& product : products) {
    const auto listed = client.get("/v1/bundle-statements?product=" + signing::tuf::percent_encode(product));
    if (!listed) {
      return listed.error();
    }
    const auto answer = Json::parse(*listed, nullptr, false);
    if (!answer.is_object() || !answer.contains("check_ins") || !answer["check_ins"].is_array()) {
      return util::make_error(util::ErrorKind::invalid_input, "the server's bundle statements are malformed");
    }
    for (const auto& check_in : answer["check_ins"]) {
      const auto device = check_in.is_object() && check_in.contains("device") && check_in["device"].is_object() &&
                                  check_in["device"].contains("id") && check_in["device"]["id"].is_string()
                              ? check_in["device"]["id"].get<std::string>()
                              : std::string();
      if (device.empty() || device.find_first_of("/\\.") != std::string::npos) {
        return util::make_error(util::ErrorKind::invalid_input, "the server named a device oddly: " + device);
      }
      if (auto written = util::write_file_atomically(bundle / "check-ins" / (device + ".json"), check_in.dump());
          !written) {
        return written.error();
      }
      summary.devices.push_back(device);
      // The statement is verified by the device; here it only says which payloads to carry.
      const auto statement = check_in.find("entitlement_statement");
      Json permitted = Json::array();
      if (statement != check_in.end() && statement->is_object() && statement->contains("signed") &&
          (*statement)["signed"].is_object() && (*statement)["signed"].contains("targets")) {
        permitted = (*statement)["signed"]["targets"];
      }
      for (const auto& path : permitted.is_array() ? permitted : Json::array()) {
        if (!path.is_string() || !fetched.insert(path.get<std::string>()).second) {
          continue;
        }
        const auto info = updater.target_info(path.get<std::string>());
        if (!info) {
          return util::make_error(util::ErrorKind::invalid_input,
                                  path.get<std::string>() + ": " + info.error().message);
        }
        const auto report = [&](std::uint64_t received, std::uint64_t length) {
          if (progress) {
            progress(info->path, received, length);
          }
        };
        const auto verified = staging.path / "verified" / "payload";
        fs::create_directories(verified.parent_path());
        if (const auto downloaded = updater.download_target(*info, verified, report); !downloaded) {
          return util::make_error(util::ErrorKind::invalid_input, downloaded.error().message);
        }
        fs::remove(verified);
        summary.targets.push_back(info->path);
      }
    }
  }
  const Json manifest{{"format", "lifeline-bundle/1"},
                      {"server", server},
                      {"products", products},
                      {"devices", summary.devices},
                      {"targets", summary.targets}};
  if (auto written = util::write_file_atomically(bundle / "bundle.json", manifest.dump(2)); !written) {
    return written.error();
  }
  const auto partial = staging.path / "bundle.tar";
  if (auto tarred = write_tar(bundle, partial); !tarred) {
    return tarred.error();
  }
  std::error_code ec;
  fs::rename(partial, request.out, ec);
  if (ec) {
    return util::make_error(util::ErrorKind::io, request.out.string() + ": " + ec.message());
  }
  return summary;
}

} // namespace lifeline::cli
