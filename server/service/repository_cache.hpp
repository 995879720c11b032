// The published repository as the API reads it on every request: each product's payloads and
// the entitlement key, loaded once and reloaded only when a publish (timestamp.json) or a key
// rotation changes them. Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "signing/repository/repository.hpp"
#include "util/result.hpp"

namespace lifeline::server::service {

using PublishedPayloads = std::map<std::string, std::string>; // target path -> update (KB)

class RepositoryView {
 public:
  RepositoryView(signing::Repository repository, signing::NamedKey entitlement_key, std::string version);

  [[nodiscard]] const std::string& version() const { return m_version; }
  [[nodiscard]] const signing::NamedKey& entitlement_key() const { return m_entitlement_key; }
  // The product's published payloads (read once per view).
  [[nodiscard]] util::Result<PublishedPayloads> payloads(const std::string& product) const;

 private:
  signing::Repository m_repository;
  signing::NamedKey m_entitlement_key;
  std::string m_version;
  mutable std::mutex m_mutex;
  mutable std::map<std::string, PublishedPayloads> m_payloads;
};

class RepositoryCache {
 public:
  explicit RepositoryCache(std::filesystem::path data_dir);
  util::Result<std::shared_ptr<const RepositoryView>> current();

 private:
  std::filesystem::path m_data_dir;
  std::string m_timestamp_file; // stat()ed on every request: built once
  std::string m_key_file;
  std::mutex m_mutex;
  std::shared_ptr<const RepositoryView> m_view;
};

} // namespace lifeline::server::service
