#include "signing/repository/key_store.hpp"

#include <algorithm>

#include "util/atomic_file.hpp"
#include "util/file.hpp"

namespace lifeline::signing {

namespace {

constexpr std::size_t k_max_key_file = 64 * 1024;

} // namespace

NamedKey describe(SigningKey key) {
  tuf::Key public_key{"ed25519", "ed25519", key.public_hex()};
  auto keyid = tuf::key_id(public_key);
  return NamedKey{std::move(key), std::move(public_key), std::move(keyid)};
}

util::Result<void> ensure_private_directory(const std::filesystem::path& directory) {
  std::error_code ec;
  if (std::filesystem::create_directories(directory, ec)) {
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace,
                                 ec);
  }
  if (ec) {
    return util::make_error(util::ErrorKind::io, directory.string() + ": " + ec.message());
  }
  return {};
}

util::Result<void> save_key(const SigningKey& key, const std::filesystem::path& path,
                            const std::optional<std::string>& passphrase) {
  if (auto made = ensure_private_directory(path.parent_path()); !made) {
    return made;
  }
  auto pem = key.to_pem(passphrase);
  if (!pem) {
    return pem.error();
  }
  // Keys are never overwritten: an existing file is refused untouched.
  return util::write_new_file(path, *pem, util::FileMode::private_file);
}

util::Result<NamedKey> load_key(const std::filesystem::path& path, const std::optional<std::string>& passphrase) {
  auto pem = util::read_file(path, k_max_key_file);
  if (!pem) {
    return pem.error();
  }
  auto key = SigningKey::from_pem(*pem, passphrase);
  if (!key) {
    return key.error().with_context(path.string());
  }
  return describe(std::move(*key));
}

util::Result<std::vector<NamedKey>> load_keys(const std::filesystem::path& directory,
                                              const std::optional<std::string>& passphrase) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".pem") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    return util::make_error(util::ErrorKind::io, directory.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  std::vector<NamedKey> keys;
  for (const auto& file : files) {
    auto key = load_key(file, passphrase);
    if (!key) {
      return key.error();
    }
    keys.push_back(std::move(*key));
  }
  return keys;
}

util::Result<std::optional<std::string>> read_passphrase(const std::optional<std::filesystem::path>& file) {
  if (!file) {
    return std::optional<std::string>();
  }
  auto text = util::read_file(*file, 4096);
  if (!text) {
    return text.error();
  }
  const auto line = text->substr(0, text->find('\n'));
  if (line.empty()) {
    return util::make_error(util::ErrorKind::invalid_input, file->string() + ": the passphrase is empty");
  }
  return std::optional<std::string>(line);
}

} // namespace lifeline::signing
