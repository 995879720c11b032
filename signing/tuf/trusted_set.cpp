#include "signing/tuf/trusted_set.hpp"

#include <algorithm>

namespace lifeline::signing::tuf {

namespace {

Error bad_version(const std::string& what) {
  return make_error(ErrorCode::bad_version, what);
}

std::string versions(std::int64_t expected, std::int64_t found) {
  return "expected version " + std::to_string(expected) + ", found " + std::to_string(found);
}

} // namespace

TrustedSet::TrustedSet(Metadata<RootSigned> root, UnixTime reference_time)
    : m_root(std::move(root)), m_reference_time(reference_time) {}

Result<TrustedSet> TrustedSet::create(std::string_view root_bytes, UnixTime reference_time) {
  auto root = parse_root(root_bytes);
  if (!root) {
    return root.error();
  }
  const auto& signed_part = root->signed_part;
  if (auto verified =
          verify_role("root", signed_part.role("root"), signed_part.keys, root->signed_bytes, root->signatures);
      !verified) {
    return verified.error();
  }
  return TrustedSet(std::move(*root), reference_time);
}

Result<void> TrustedSet::update_root(std::string_view bytes) {
  if (m_timestamp) {
    return make_error(ErrorCode::repository, "root cannot change after the timestamp was loaded");
  }
  auto next = parse_root(bytes);
  if (!next) {
    return next.error();
  }
  const auto& trusted = m_root.signed_part;
  if (auto verified = verify_role("root", trusted.role("root"), trusted.keys, next->signed_bytes, next->signatures);
      !verified) {
    return verified.error();
  }
  if (next->signed_part.common.version != trusted.common.version + 1) {
    return bad_version("root: " + versions(trusted.common.version + 1, next->signed_part.common.version));
  }
  const auto& own = next->signed_part;
  if (auto verified = verify_role("root", own.role("root"), own.keys, next->signed_bytes, next->signatures);
      !verified) {
    return verified.error();
  }
  m_root = std::move(*next);
  return {};
}

Result<void> TrustedSet::update_timestamp(std::string_view bytes, bool* equal_version) {
  if (m_snapshot) {
    return make_error(ErrorCode::repository, "timestamp cannot change after the snapshot was loaded");
  }
  if (m_root.signed_part.common.is_expired(m_reference_time)) {
    return make_error(ErrorCode::expired, "the final root.json is expired");
  }
  auto next = parse_timestamp(bytes);
  if (!next) {
    return next.error();
  }
  const auto& root = m_root.signed_part;
  if (auto verified = verify_role("timestamp", root.role("timestamp"), root.keys, next->signed_bytes, next->signatures);
      !verified) {
    return verified.error();
  }
  if (m_timestamp) {
    const auto& old = m_timestamp->signed_part;
    const auto& fresh = next->signed_part;
    if (fresh.common.version < old.common.version) {
      return bad_version("timestamp rollback: trusted version " + std::to_string(old.common.version) + ", new " +
                         std::to_string(fresh.common.version));
    }
    if (fresh.common.version == old.common.version) {
      if (equal_version != nullptr) {
        *equal_version = true;
      }
      return bad_version("timestamp version " + std::to_string(fresh.common.version) + " is already trusted");
    }
    if (fresh.snapshot_meta.version < old.snapshot_meta.version) {
      return bad_version("snapshot rollback in timestamp: trusted version " +
                         std::to_string(old.snapshot_meta.version) + ", new " +
                         std::to_string(fresh.snapshot_meta.version));
    }
  }
  m_timestamp = std::move(*next);
  return check_final_timestamp();
}

Result<void> TrustedSet::check_final_timestamp() const {
  if (m_timestamp->signed_part.common.is_expired(m_reference_time)) {
    return make_error(ErrorCode::expired, "timestamp.json is expired");
  }
  return {};
}

Result<void> TrustedSet::update_snapshot(std::string_view bytes, bool trusted_local) {
  if (!m_timestamp) {
    return make_error(ErrorCode::repository, "snapshot needs a trusted timestamp first");
  }
  if (!m_targets.empty()) {
    return make_error(ErrorCode::repository, "snapshot cannot change after targets were loaded");
  }
  if (auto fresh = check_final_timestamp(); !fresh) {
    return fresh;
  }
  const auto& meta = m_timestamp->signed_part.snapshot_meta;
  if (!trusted_local) {
    if (auto matches = verify_length_and_hashes(bytes, meta.length, meta.hashes); !matches) {
      return make_error(ErrorCode::length_or_hash, "snapshot.json: " + matches.error().message);
    }
  }
  auto next = parse_snapshot(bytes);
  if (!next) {
    return next.error();
  }
  const auto& root = m_root.signed_part;
  if (auto verified = verify_role("snapshot", root.role("snapshot"), root.keys, next->signed_bytes, next->signatures);
      !verified) {
    return verified.error();
  }
  if (m_snapshot) {
    for (const auto& [name, old] : m_snapshot->signed_part.meta) {
      const auto found = next->signed_part.meta.find(name);
      if (found == next->signed_part.meta.end()) {
        return make_error(ErrorCode::repository, "the new snapshot no longer lists " + name);
      }
      if (found->second.version < old.version) {
        return bad_version(name + " rollback in snapshot: trusted version " + std::to_string(old.version) + ", new " +
                           std::to_string(found->second.version));
      }
    }
  }
  m_snapshot = std::move(*next);
  return check_final_snapshot();
}

Result<void> TrustedSet::check_final_snapshot() const {
  const auto& snapshot = m_snapshot->signed_part;
  if (snapshot.common.is_expired(m_reference_time)) {
    return make_error(ErrorCode::expired, "snapshot.json is expired");
  }
  const auto expected = m_timestamp->signed_part.snapshot_meta.version;
  if (snapshot.common.version != expected) {
    return bad_version("snapshot: " + versions(expected, snapshot.common.version));
  }
  return {};
}

Result<void> TrustedSet::update_targets(std::string_view bytes, const std::string& role, const std::string& delegator) {
  if (!m_snapshot) {
    return make_error(ErrorCode::repository, "targets need a trusted snapshot first");
  }
  if (auto fresh = check_final_snapshot(); !fresh) {
    return fresh;
  }
  const auto meta = m_snapshot->signed_part.meta.find(role + ".json");
  if (meta == m_snapshot->signed_part.meta.end()) {
    return make_error(ErrorCode::repository, "the snapshot does not list " + role + ".json");
  }
  if (auto matches = verify_length_and_hashes(bytes, meta->second.length, meta->second.hashes); !matches) {
    return make_error(ErrorCode::length_or_hash, role + ".json: " + matches.error().message);
  }
  auto next = parse_targets(bytes);
  if (!next) {
    return next.error();
  }
  if (delegator == "root") {
    const auto& root = m_root.signed_part;
    if (auto verified = verify_role(role, root.role("targets"), root.keys, next->signed_bytes, next->signatures);
        !verified) {
      return verified.error();
    }
  } else {
    const auto* parent = targets(delegator);
    if (parent == nullptr || !parent->signed_part.delegations) {
      return make_error(ErrorCode::repository, delegator + " delegates nothing to " + role);
    }
    const auto& delegations = *parent->signed_part.delegations;
    const Role* delegated_role = nullptr;
    if (delegations.succinct && delegations.succinct->is_delegated_role(role)) {
      delegated_role = &delegations.succinct->role;
    }
    for (const auto& candidate : delegations.roles) {
      if (candidate.name == role) {
        delegated_role = &candidate.role;
      }
    }
    if (delegated_role == nullptr) {
      return make_error(ErrorCode::repository, delegator + " delegates nothing to " + role);
    }
    if (auto verified = verify_role(role, *delegated_role, delegations.keys, next->signed_bytes, next->signatures);
        !verified) {
      return verified.error();
    }
  }
  if (next->signed_part.common.version != meta->second.version) {
    return bad_version(role + ": " + versions(meta->second.version, next->signed_part.common.version));
  }
  if (next->signed_part.common.is_expired(m_reference_time)) {
    return make_error(ErrorCode::expired, role + ".json is expired");
  }
  m_targets.insert_or_assign(role, std::move(*next));
  return {};
}

const Metadata<TargetsSigned>* TrustedSet::targets(const std::string& role) const {
  const auto it = m_targets.find(role);
  return it == m_targets.end() ? nullptr : &it->second;
}

bool TrustedSet::timestamp_or_snapshot_keys_changed(const RootSigned& before) const {
  const auto& now = m_root.signed_part;
  for (const char* name : {"timestamp", "snapshot"}) {
    const auto& old_role = before.role(name);
    const auto& new_role = now.role(name);
    if (old_role != new_role) {
      return true;
    }
    for (const auto& keyid : new_role.keyids) {
      const auto old_key = before.keys.find(keyid);
      const auto new_key = now.keys.find(keyid);
      if ((old_key == before.keys.end()) != (new_key == now.keys.end()) ||
          (old_key != before.keys.end() && !(old_key->second == new_key->second))) {
        return true;
      }
    }
  }
  return false;
}

} // namespace lifeline::signing::tuf
