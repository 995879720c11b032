// One shared instance per database file in this process (the group commit, the writer
// connection), kept while someone holds it.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace lifeline::catalog::sqlite {

template <typename T, typename Make>
std::shared_ptr<T> per_file(const std::filesystem::path& database_file, const Make& make) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<T>> by_file;
  std::error_code error;
  auto key = std::filesystem::weakly_canonical(database_file, error).string();
  if (error) {
    key = database_file.string();
  }
  const std::scoped_lock lock(mutex);
  for (auto it = by_file.begin(); it != by_file.end();) { // files of closed catalogs (tests open many)
    it = it->second.expired() ? by_file.erase(it) : std::next(it);
  }
  auto& slot = by_file[key];
  auto shared = slot.lock();
  if (!shared) {
    shared = make();
    slot = shared;
  }
  return shared;
}

} // namespace lifeline::catalog::sqlite
