// Private keys on disk: PKCS#8 PEM files with 0600 permissions in a 0700 directory, optionally
// encrypted with a passphrase (offline root keys). Keys never appear in logs or messages.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "signing/crypto.hpp"
#include "signing/tuf/metadata.hpp"

namespace lifeline::signing {

// A signing key together with its TUF key object and keyid.
struct NamedKey {
  SigningKey key;
  tuf::Key public_key;
  std::string keyid;
};

NamedKey describe(SigningKey key);

// Writes `key` to `path` (0600), refusing to overwrite an existing file.
util::Result<void> save_key(const SigningKey& key, const std::filesystem::path& path,
                            const std::optional<std::string>& passphrase);
util::Result<NamedKey> load_key(const std::filesystem::path& path, const std::optional<std::string>& passphrase);
// Every *.pem in `directory`, in name order.
util::Result<std::vector<NamedKey>> load_keys(const std::filesystem::path& directory,
                                              const std::optional<std::string>& passphrase);
// Creates `directory` with 0700 permissions if it does not exist.
util::Result<void> ensure_private_directory(const std::filesystem::path& directory);

// The passphrase for encrypted keys: the first line of `file`, if given.
util::Result<std::optional<std::string>> read_passphrase(const std::optional<std::filesystem::path>& file);

} // namespace lifeline::signing
