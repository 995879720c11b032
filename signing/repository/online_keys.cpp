#include "signing/repository/online_keys.hpp"

#include <algorithm>

namespace lifeline::signing {

namespace fs = std::filesystem;

bool is_online_role(std::string_view role) {
  return std::find(k_online_roles.begin(), k_online_roles.end(), role) != k_online_roles.end();
}

fs::path active_key_path(const fs::path& keys, std::string_view role) {
  return keys / (std::string(role) + ".pem");
}

fs::path pending_key_path(const fs::path& keys, std::string_view role) {
  return keys / (std::string(role) + ".pem.pending");
}

util::Result<NamedKey> create_pending_key(const fs::path& keys, std::string_view role) {
  if (!is_online_role(role)) {
    return util::make_error(util::ErrorKind::invalid_input, std::string(role) + " is not an online top-level role");
  }
  auto generated = SigningKey::generate();
  if (!generated) {
    return generated.error();
  }
  const auto path = pending_key_path(keys, role);
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) {
    return util::make_error(util::ErrorKind::io, path.string() + ": " + ec.message());
  }
  if (auto saved = save_key(*generated, path, std::nullopt); !saved) {
    return saved.error();
  }
  return describe(std::move(*generated));
}

util::Result<std::optional<ListedKey>> listed_key(const fs::path& keys, std::string_view role,
                                                  const std::vector<std::string>& keyids) {
  for (const bool pending : {false, true}) {
    const auto path = pending ? pending_key_path(keys, role) : active_key_path(keys, role);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      continue;
    }
    auto key = load_key(path, std::nullopt);
    if (!key) {
      return key.error();
    }
    if (std::find(keyids.begin(), keyids.end(), key->keyid) != keyids.end()) {
      return std::optional<ListedKey>(ListedKey{std::move(*key), pending});
    }
  }
  return std::optional<ListedKey>();
}

util::Result<void> activate_pending_key(const fs::path& keys, std::string_view role) {
  std::error_code ec;
  fs::rename(pending_key_path(keys, role), active_key_path(keys, role), ec);
  if (ec) {
    return util::make_error(util::ErrorKind::io,
                            "cannot activate the new " + std::string(role) + " key: " + ec.message());
  }
  return {};
}

} // namespace lifeline::signing
