#include "signing/tuf/metadata.hpp"

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "signing/canonical_json.hpp"
#include "signing/crypto.hpp"
#include "util/date.hpp"
#include "util/strict_json.hpp"

namespace lifeline::signing::tuf {

namespace {

// Map-ordered objects: O(log n) member lookup and insertion, whatever the size of the input.
using Json = nlohmann::json;

constexpr int k_max_depth = 64;

struct Malformed {
  std::string message;
};

[[noreturn]] void malformed(const std::string& where, const std::string& what) {
  throw Malformed{where + ": " + what};
}

const Json& field(const Json& object, const char* name, const std::string& where) {
  const auto it = object.find(name);
  if (it == object.end()) {
    malformed(where, std::string("missing \"") + name + "\"");
  }
  return *it;
}

const Json& object_at(const Json& object, const char* name, const std::string& where) {
  const auto& value = field(object, name, where);
  if (!value.is_object()) {
    malformed(where + "." + name, "expected an object");
  }
  return value;
}

std::string string_of(const Json& value, const std::string& where) {
  if (!value.is_string()) {
    malformed(where, "expected a string");
  }
  return value.get<std::string>();
}

std::int64_t integer_of(const Json& value, const std::string& where) {
  if (!value.is_number_integer() ||
      (value.is_number_unsigned() && value.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max())) {
    malformed(where, "expected an integer");
  }
  return value.get<std::int64_t>();
}

bool boolean_of(const Json& value, const std::string& where) {
  if (!value.is_boolean()) {
    malformed(where, "expected true or false");
  }
  return value.get<bool>();
}

std::vector<std::string> unique_strings(const Json& value, const std::string& where) {
  if (!value.is_array()) {
    malformed(where, "expected an array");
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& item : value) {
    auto text = string_of(item, where);
    if (!seen.insert(text).second) {
      malformed(where, "\"" + text + "\" is listed twice");
    }
    out.push_back(std::move(text));
  }
  return out;
}

Key parse_key(const Json& value, const std::string& where) {
  if (!value.is_object()) {
    malformed(where, "expected a key object");
  }
  const auto& keyval = object_at(value, "keyval", where);
  return Key{string_of(field(value, "keytype", where), where + ".keytype"),
             string_of(field(value, "scheme", where), where + ".scheme"),
             string_of(field(keyval, "public", where + ".keyval"), where + ".keyval.public")};
}

std::map<std::string, Key> parse_keys(const Json& value, const std::string& where) {
  if (!value.is_object()) {
    malformed(where, "expected an object of keys");
  }
  std::map<std::string, Key> keys;
  for (auto it = value.begin(); it != value.end(); ++it) {
    keys.emplace(it.key(), parse_key(it.value(), where + "." + it.key()));
  }
  return keys;
}

Role parse_role(const Json& value, const std::string& where) {
  if (!value.is_object()) {
    malformed(where, "expected a role object");
  }
  Role role{unique_strings(field(value, "keyids", where), where + ".keyids"),
            integer_of(field(value, "threshold", where), where + ".threshold")};
  if (role.threshold < 1) {
    malformed(where + ".threshold", "must be at least 1");
  }
  return role;
}

Hashes parse_hashes(const Json& value, const std::string& where) {
  if (!value.is_object() || value.empty()) {
    malformed(where, "expected a non-empty object of hashes");
  }
  Hashes hashes;
  for (auto it = value.begin(); it != value.end(); ++it) {
    hashes.emplace_back(it.key(), string_of(it.value(), where + "." + it.key()));
  }
  return hashes;
}

MetaFile parse_meta_file(const Json& value, const std::string& where) {
  if (!value.is_object()) {
    malformed(where, "expected an object");
  }
  MetaFile meta;
  meta.version = integer_of(field(value, "version", where), where + ".version");
  if (meta.version < 1) {
    malformed(where + ".version", "must be at least 1");
  }
  if (value.contains("length")) {
    meta.length = integer_of(value["length"], where + ".length");
    if (*meta.length < 0) {
      malformed(where + ".length", "must not be negative");
    }
  }
  if (value.contains("hashes")) {
    meta.hashes = parse_hashes(value["hashes"], where + ".hashes");
  }
  return meta;
}

Common parse_common(const Json& signed_part, const std::string& expected_type) {
  Common common;
  common.type = string_of(field(signed_part, "_type", "signed"), "signed._type");
  if (common.type != expected_type) {
    throw Error{ErrorCode::wrong_type, "expected " + expected_type + " metadata, found \"" + common.type + "\""};
  }
  common.spec_version = string_of(field(signed_part, "spec_version", "signed"), "signed.spec_version");
  // "1.0", "1.0.31": two or three numbers, and the major version this client implements.
  std::vector<std::string> parts(1);
  for (const char c : common.spec_version) {
    if (c == '.') {
      parts.emplace_back();
    } else if (c >= '0' && c <= '9') {
      parts.back() += c;
    } else {
      parts.clear();
      break;
    }
  }
  if ((parts.size() != 2 && parts.size() != 3) ||
      std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); })) {
    malformed("signed.spec_version", "\"" + common.spec_version + "\" is not a version");
  }
  if (parts[0] != "1") {
    malformed("signed.spec_version", "unsupported major version " + parts[0]);
  }
  common.version = integer_of(field(signed_part, "version", "signed"), "signed.version");
  if (common.version < 1) {
    malformed("signed.version", "must be at least 1");
  }
  const auto expires = string_of(field(signed_part, "expires", "signed"), "signed.expires");
  const auto time = parse_expires(expires);
  if (!time) {
    malformed("signed.expires", "\"" + expires + "\" is not of the form YYYY-MM-DDTHH:MM:SSZ");
  }
  common.expires = *time;
  return common;
}

RootSigned parse_root_signed(const Json& signed_part) {
  RootSigned root;
  root.common = parse_common(signed_part, "root");
  if (signed_part.contains("consistent_snapshot")) {
    root.consistent_snapshot = boolean_of(signed_part["consistent_snapshot"], "signed.consistent_snapshot");
  }
  root.keys = parse_keys(field(signed_part, "keys", "signed"), "signed.keys");
  const auto& roles = object_at(signed_part, "roles", "signed");
  for (auto it = roles.begin(); it != roles.end(); ++it) {
    root.roles.emplace(it.key(), parse_role(it.value(), "signed.roles." + it.key()));
  }
  const std::set<std::string> required{"root", "targets", "snapshot", "timestamp"};
  for (const auto& name : required) {
    if (root.roles.count(name) == 0) {
      malformed("signed.roles", "missing the " + name + " role");
    }
  }
  if (root.roles.size() != required.size()) {
    malformed("signed.roles", "only root, targets, snapshot and timestamp are top-level roles");
  }
  if (signed_part.contains("x-lifeline-entitlement")) {
    root.entitlement = parse_role(signed_part["x-lifeline-entitlement"], "signed.x-lifeline-entitlement");
  }
  return root;
}

Delegations parse_delegations(const Json& value) {
  if (!value.is_object()) {
    malformed("signed.delegations", "expected an object");
  }
  Delegations delegations;
  delegations.keys = parse_keys(field(value, "keys", "signed.delegations"), "signed.delegations.keys");
  if (value.contains("succinct_roles")) {
    if (value.contains("roles")) {
      malformed("signed.delegations", "roles and succinct_roles cannot both be given");
    }
    const auto& succinct = value["succinct_roles"];
    SuccinctRoles bins;
    bins.role = parse_role(succinct, "signed.delegations.succinct_roles");
    const auto bits = integer_of(field(succinct, "bit_length", "succinct_roles"), "succinct_roles.bit_length");
    if (bits < 1 || bits > 32) {
      malformed("succinct_roles.bit_length", "must be from 1 to 32");
    }
    bins.bit_length = static_cast<int>(bits);
    bins.name_prefix = string_of(field(succinct, "name_prefix", "succinct_roles"), "succinct_roles.name_prefix");
    delegations.succinct = std::move(bins);
    return delegations;
  }
  const auto& roles = field(value, "roles", "signed.delegations");
  if (!roles.is_array()) {
    malformed("signed.delegations.roles", "expected an array");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const auto where = "signed.delegations.roles[" + std::to_string(i) + "]";
    const auto& item = roles[i];
    if (!item.is_object()) {
      malformed(where, "expected an object");
    }
    DelegatedRole role;
    role.name = string_of(field(item, "name", where), where + ".name");
    if (role.name.empty() || !names.insert(role.name).second) {
      malformed(where + ".name", "role names must be unique and not empty");
    }
    // A delegated role named like a top-level role would overwrite its file on the client.
    if (role.name == "root" || role.name == "targets" || role.name == "snapshot" || role.name == "timestamp") {
      malformed(where + ".name", "\"" + role.name + "\" is a top-level role");
    }
    role.role = parse_role(item, where);
    role.terminating = boolean_of(field(item, "terminating", where), where + ".terminating");
    if (item.contains("paths")) {
      role.paths = unique_strings(item["paths"], where + ".paths");
    }
    if (item.contains("path_hash_prefixes")) {
      role.path_hash_prefixes = unique_strings(item["path_hash_prefixes"], where + ".path_hash_prefixes");
    }
    if (role.paths && role.path_hash_prefixes) {
      malformed(where, "a role has paths or path_hash_prefixes, not both");
    }
    delegations.roles.push_back(std::move(role));
  }
  return delegations;
}

TargetsSigned parse_targets_signed(const Json& signed_part) {
  TargetsSigned targets;
  targets.common = parse_common(signed_part, "targets");
  const auto& files = object_at(signed_part, "targets", "signed");
  for (auto it = files.begin(); it != files.end(); ++it) {
    const auto where = "signed.targets." + it.key();
    const auto& value = it.value();
    if (!value.is_object()) {
      malformed(where, "expected an object");
    }
    TargetFile file;
    file.length = integer_of(field(value, "length", where), where + ".length");
    if (file.length < 0) {
      malformed(where + ".length", "must not be negative");
    }
    file.hashes = parse_hashes(field(value, "hashes", where), where + ".hashes");
    if (value.contains("custom")) {
      auto custom = canonical_json(value["custom"]);
      if (!custom) {
        malformed(where + ".custom", custom.error().message);
      }
      file.custom = *custom;
    }
    targets.targets.emplace(it.key(), std::move(file));
  }
  if (signed_part.contains("delegations")) {
    targets.delegations = parse_delegations(signed_part["delegations"]);
  }
  return targets;
}

SnapshotSigned parse_snapshot_signed(const Json& signed_part) {
  SnapshotSigned snapshot;
  snapshot.common = parse_common(signed_part, "snapshot");
  const auto& meta = object_at(signed_part, "meta", "signed");
  for (auto it = meta.begin(); it != meta.end(); ++it) {
    snapshot.meta.emplace(it.key(), parse_meta_file(it.value(), "signed.meta." + it.key()));
  }
  return snapshot;
}

TimestampSigned parse_timestamp_signed(const Json& signed_part) {
  TimestampSigned timestamp;
  timestamp.common = parse_common(signed_part, "timestamp");
  const auto& meta = object_at(signed_part, "meta", "signed");
  timestamp.snapshot_meta = parse_meta_file(field(meta, "snapshot.json", "signed.meta"), "signed.meta.snapshot.json");
  return timestamp;
}

template <typename Signed, typename ParseSigned>
Result<Metadata<Signed>> parse_envelope(std::string_view bytes, ParseSigned parse_signed) {
  auto document = util::parse_strict_json<Json>(bytes, k_max_depth);
  if (!document) {
    return make_error(ErrorCode::malformed, document.error().message);
  }
  try {
    const auto& root = *document;
    if (!root.is_object()) {
      malformed("metadata", "expected an object");
    }
    const auto& signed_part = object_at(root, "signed", "metadata");
    const auto& signatures = field(root, "signatures", "metadata");
    if (!signatures.is_array()) {
      malformed("signatures", "expected an array");
    }
    Metadata<Signed> metadata;
    std::set<std::string> keyids;
    for (const auto& item : signatures) {
      if (!item.is_object()) {
        malformed("signatures", "expected signature objects");
      }
      Signature signature{string_of(field(item, "keyid", "signature"), "signature.keyid"),
                          string_of(field(item, "sig", "signature"), "signature.sig")};
      if (!keyids.insert(signature.keyid).second) {
        malformed("signatures", "more than one signature by key " + signature.keyid);
      }
      metadata.signatures.push_back(std::move(signature));
    }
    auto canonical = canonical_json(signed_part);
    if (!canonical) {
      malformed("signed", canonical.error().message);
    }
    metadata.signed_bytes = std::move(*canonical);
    metadata.signed_part = parse_signed(signed_part);
    return metadata;
  } catch (const Malformed& error) {
    return make_error(ErrorCode::malformed, error.message);
  } catch (const Error& error) {
    return error;
  } catch (const nlohmann::json::exception& error) {
    return make_error(ErrorCode::malformed, error.what());
  }
}

bool segment_matches(std::string_view pattern, std::string_view text) {
  // fnmatch without FNM_PATHNAME subtleties: '*' any run, '?' one character, '[...]' a set.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '[') {
      const auto close = pattern.find(']', p + 1);
      if (close != std::string_view::npos) {
        auto set = pattern.substr(p + 1, close - p - 1);
        const bool negate = !set.empty() && (set[0] == '!' || set[0] == '^');
        if (negate) {
          set.remove_prefix(1);
        }
        bool found = false;
        for (std::size_t i = 0; i < set.size(); ++i) {
          if (i + 2 < set.size() && set[i + 1] == '-') {
            found = found || (text[t] >= set[i] && text[t] <= set[i + 2]);
            i += 2;
          } else {
            found = found || text[t] == set[i];
          }
        }
        if (found != negate) {
          p = close + 1;
          ++t;
          continue;
        }
      }
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
      continue;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
      continue;
    }
    if (star == std::string_view::npos) {
      return false;
    }
    p = star + 1;
    t = ++resume;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) {
      return parts;
    }
    start = slash + 1;
  }
}

} // namespace

std::string_view to_string(ErrorCode code) {
  switch (code) {
  case ErrorCode::malformed:
    return "malformed metadata";
  case ErrorCode::wrong_type:
    return "wrong metadata type";
  case ErrorCode::unsigned_metadata:
    return "signature threshold not met";
  case ErrorCode::bad_version:
    return "bad version number";
  case ErrorCode::expired:
    return "expired metadata";
  case ErrorCode::length_or_hash:
    return "length or hash mismatch";
  case ErrorCode::too_large:
    return "too much data";
  case ErrorCode::not_found:
    return "not found";
  case ErrorCode::download_failed:
    return "download failed";
  case ErrorCode::unknown_target:
    return "unknown target";
  case ErrorCode::repository:
    return "inconsistent repository";
  case ErrorCode::local_io:
    return "local storage failed";
  case ErrorCode::wrong_subject:
    return "statement about another subject";
  }
  return "error";
}

std::string key_id(const Key& key) {
  const nlohmann::ordered_json object{
      {"keytype", key.keytype}, {"scheme", key.scheme}, {"keyval", {{"public", key.public_key}}}};
  return sha256_hex(canonical_json(object).value());
}

namespace {

std::size_t bin_digits(int bit_length) {
  const auto last = (std::uint64_t{1} << static_cast<unsigned>(bit_length)) - 1;
  std::size_t digits = 1;
  for (auto value = last >> 4U; value > 0; value >>= 4U) {
    ++digits;
  }
  return digits;
}

} // namespace

std::string SuccinctRoles::role_for(std::string_view target_path) const {
  const auto digest = sha256_hex(target_path);
  const auto first = std::stoull(digest.substr(0, 8), nullptr, 16);
  const auto bin = first >> static_cast<unsigned>(32 - bit_length);
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%0*llx", static_cast<int>(bin_digits(bit_length)),
                static_cast<unsigned long long>(bin));
  return name_prefix + "-" + suffix;
}

bool SuccinctRoles::is_delegated_role(std::string_view name) const {
  const auto prefix = name_prefix + "-";
  if (!name.starts_with(prefix)) {
    return false;
  }
  const auto suffix = name.substr(prefix.size());
  if (suffix.size() != bin_digits(bit_length) || !std::all_of(suffix.begin(), suffix.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return false;
  }
  return std::stoull(std::string(suffix), nullptr, 16) < (std::uint64_t{1} << static_cast<unsigned>(bit_length));
}

bool DelegatedRole::matches(const std::string& target_path) const {
  if (path_hash_prefixes) {
    const auto digest = sha256_hex(target_path);
    return std::any_of(path_hash_prefixes->begin(), path_hash_prefixes->end(),
                       [&](const std::string& prefix) { return digest.starts_with(prefix); });
  }
  if (!paths) {
    return false;
  }
  const auto target_parts = split_path(target_path);
  return std::any_of(paths->begin(), paths->end(), [&](const std::string& pattern) {
    const auto pattern_parts = split_path(pattern);
    if (pattern_parts.size() != target_parts.size()) {
      return false;
    }
    for (std::size_t i = 0; i < pattern_parts.size(); ++i) {
      if (!segment_matches(pattern_parts[i], target_parts[i])) {
        return false;
      }
    }
    return true;
  });
}

Result<Metadata<RootSigned>> parse_root(std::string_view bytes) {
  return parse_envelope<RootSigned>(bytes, parse_root_signed);
}
Result<Metadata<TargetsSigned>> parse_targets(std::string_view bytes) {
  return parse_envelope<TargetsSigned>(bytes, parse_targets_signed);
}
Result<Metadata<SnapshotSigned>> parse_snapshot(std::string_view bytes) {
  return parse_envelope<SnapshotSigned>(bytes, parse_snapshot_signed);
}
Result<Metadata<TimestampSigned>> parse_timestamp(std::string_view bytes) {
  return parse_envelope<TimestampSigned>(bytes, parse_timestamp_signed);
}

Result<void> verify_role(const std::string& role_name, const Role& role, const std::map<std::string, Key>& keys,
                         const std::string& signed_bytes, const std::vector<Signature>& signatures) {
  std::set<std::string> valid;
  for (const auto& keyid : role.keyids) {
    const auto key = keys.find(keyid);
    const auto signature =
        std::find_if(signatures.begin(), signatures.end(), [&](const Signature& s) { return s.keyid == keyid; });
    if (key == keys.end() || signature == signatures.end()) {
      continue;
    }
    if (verify_signature(key->second.keytype, key->second.scheme, key->second.public_key, signed_bytes,
                         signature->sig)) {
      valid.insert(keyid);
    }
  }
  if (static_cast<std::int64_t>(valid.size()) < role.threshold) {
    return make_error(ErrorCode::unsigned_metadata, role_name + " was signed by " + std::to_string(valid.size()) + "/" +
                                                        std::to_string(role.threshold) + " required keys");
  }
  return {};
}

Result<void> verify_length_and_hashes(std::string_view bytes, std::optional<std::int64_t> length,
                                      const Hashes& hashes) {
  if (length && static_cast<std::int64_t>(bytes.size()) != *length) {
    return make_error(ErrorCode::length_or_hash,
                      "expected " + std::to_string(*length) + " bytes, got " + std::to_string(bytes.size()));
  }
  for (const auto& [algorithm, expected] : hashes) {
    const auto kind = parse_hash_algorithm(algorithm);
    if (!kind) {
      return make_error(ErrorCode::length_or_hash, "unsupported hash algorithm " + algorithm);
    }
    const auto actual = *kind == HashAlgorithm::sha256 ? sha256_hex(bytes) : sha512_hex(bytes);
    if (actual != expected) {
      return make_error(ErrorCode::length_or_hash, algorithm + " is " + actual + ", expected " + expected);
    }
  }
  return {};
}

std::optional<UnixTime> parse_expires(std::string_view text) {
  // Exactly YYYY-MM-DDTHH:MM:SSZ.
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  const auto date = util::Date::parse(text.substr(0, 10));
  auto two_digits = [&](std::size_t at) -> int {
    const char a = text[at];
    const char b = text[at + 1];
    return (a >= '0' && a <= '9' && b >= '0' && b <= '9') ? (a - '0') * 10 + (b - '0') : -1;
  };
  const int hours = two_digits(11);
  const int minutes = two_digits(14);
  const int seconds = two_digits(17);
  if (!date || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) {
    return std::nullopt;
  }
  return static_cast<UnixTime>(date->days_since_epoch()) * 86400 + hours * 3600 + minutes * 60 + seconds;
}

std::string format_expires(UnixTime time) {
  const auto days = static_cast<std::int32_t>(time >= 0 ? time / 86400 : (time - 86399) / 86400);
  const auto seconds = time - static_cast<UnixTime>(days) * 86400;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ", util::Date::from_days(days).to_string().c_str(),
                static_cast<int>(seconds / 3600), static_cast<int>(seconds % 3600 / 60),
                static_cast<int>(seconds % 60));
  return buffer;
}

} // namespace lifeline::signing::tuf
