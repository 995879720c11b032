#include "server/service/repository_cache.hpp"

#include <sys/stat.h>

#include "server/service/publishing.hpp"

namespace lifeline::server::service {

namespace {

// What identifies a file's content cheaply: inode, size and change time. Publishing replaces
// timestamp.json by rename, and a key rotation writes a new key file, so either changes this.
std::string file_version(const std::string& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) {
    return "-";
  }
  return std::to_string(status.st_ino) + ":" + std::to_string(status.st_size) + ":" +
         std::to_string(status.st_ctim.tv_sec) + "." + std::to_string(status.st_ctim.tv_nsec);
}

} // namespace

RepositoryCache::RepositoryCache(std::filesystem::path data_dir)
    : m_data_dir(std::move(data_dir)),
      m_timestamp_file((m_data_dir / "repository" / "metadata" / "timestamp.json").string()),
      m_key_file((m_data_dir / "keys" / "entitlement.pem").string()) {}

RepositoryView::RepositoryView(signing::Repository repository, signing::NamedKey entitlement_key, std::string version)
    : m_repository(std::move(repository)), m_entitlement_key(std::move(entitlement_key)),
      m_version(std::move(version)) {}

util::Result<PublishedPayloads> RepositoryView::payloads(const std::string& product) const {
  {
    const std::lock_guard lock(m_mutex);
    if (const auto it = m_payloads.find(product); it != m_payloads.end()) {
      return it->second;
    }
  }
  auto loaded = published_payloads(m_repository, product);
  if (!loaded) {
    return loaded.error();
  }
  const std::lock_guard lock(m_mutex);
  return m_payloads.emplace(product, std::move(*loaded)).first->second;
}

util::Result<std::shared_ptr<const RepositoryView>> RepositoryCache::current() {
  const auto version = file_version(m_timestamp_file) + "/" + file_version(m_key_file);
  const std::lock_guard lock(m_mutex);
  if (m_view && m_view->version() == version) {
    return m_view;
  }
  auto repository = signing::Repository::open(m_data_dir);
  if (!repository) {
    return repository.error();
  }
  auto key = repository->entitlement_key();
  if (!key) {
    return key.error();
  }
  m_view = std::make_shared<const RepositoryView>(std::move(*repository), std::move(*key), version);
  return m_view;
}

} // namespace lifeline::server::service
