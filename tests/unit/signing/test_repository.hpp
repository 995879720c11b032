// A TUF repository built in a temporary directory with Lifeline's own signing code, where a
// test can change any field, key or signature before publishing: the attacks are made here.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "signing/repository/key_store.hpp"
#include "signing/tuf/updater.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::signing::testing {

using Json = nlohmann::ordered_json;

inline constexpr tuf::UnixTime k_now = 1'800'000'000; // 2027-01-15, the tests' fixed "now"

class TestRepository {
 public:
  TestRepository();

  // The signed parts, to edit before publish().
  Json root;
  Json targets;
  Json snapshot;
  Json timestamp;
  std::map<std::string, Json> delegated;                       // role name -> signed part
  std::map<std::string, std::vector<const NamedKey*>> signers; // role name -> keys that sign it

  NamedKey& key(const std::string& name) { return m_keys.at(name); }
  NamedKey& new_key(const std::string& name);

  // Adds a target file with its content to a role (targets or a delegated one).
  void add_target(const std::string& path, const std::string& content, const std::string& role = "targets");
  // Delegates `name` (paths) from targets to a new key.
  void delegate(const std::string& name, const std::vector<std::string>& paths, bool terminating = false);

  // Writes every role (bumping versions when asked), snapshot meta, timestamp meta.
  void publish(bool bump = true);
  // Writes a role as is (no version bump, no snapshot change).
  std::string write(const std::string& role, const Json& signed_part, const std::string& file_name);

  [[nodiscard]] std::filesystem::path metadata() const { return m_dir.path() / "metadata"; }
  [[nodiscard]] std::filesystem::path targets_dir() const { return m_dir.path() / "targets"; }
  [[nodiscard]] std::string root_bytes() const { return m_root_bytes; }

 private:
  lifeline::testing::TempDir m_dir;
  std::map<std::string, NamedKey> m_keys;
  std::string m_root_bytes;
};

// A client of `repository` with its own metadata directory, trusting root version 1.
class TestClient {
 public:
  explicit TestClient(const TestRepository& repository, tuf::UnixTime now = k_now);
  tuf::Result<void> refresh();
  tuf::Result<std::string> download(const std::string& target_path);
  void set_time(tuf::UnixTime now) { m_now = now; }
  [[nodiscard]] std::filesystem::path metadata_dir() const { return m_dir.path() / "metadata"; }

 private:
  tuf::UpdaterConfig config() const;
  const TestRepository& m_repository;
  lifeline::testing::TempDir m_dir;
  tuf::DirectoryFetcher m_metadata_fetcher;
  tuf::DirectoryFetcher m_target_fetcher;
  tuf::UnixTime m_now;
};

} // namespace lifeline::signing::testing
