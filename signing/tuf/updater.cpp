#include "signing/tuf/updater.hpp"

#include <fstream>
#include <set>
#include <utility>
#include <vector>

#include "signing/crypto.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"

namespace lifeline::signing::tuf {

namespace {

namespace fs = std::filesystem;

// Checks bytes that stream past against a target's signed hashes.
class HashCheck {
 public:
  static Result<HashCheck> create(const Hashes& hashes) {
    HashCheck check;
    for (const auto& [algorithm, expected] : hashes) {
      const auto kind = parse_hash_algorithm(algorithm);
      if (!kind) {
        return make_error(ErrorCode::length_or_hash, "unsupported hash algorithm " + algorithm);
      }
      check.m_expected.push_back({Hasher(*kind), algorithm, expected});
    }
    return check;
  }

  void update(std::string_view bytes) {
    for (auto& expected : m_expected) {
      expected.hasher.update(bytes);
    }
  }

  Result<void> finish() {
    for (auto& expected : m_expected) {
      if (const auto actual = expected.hasher.hex_digest(); actual != expected.hex) {
        return make_error(ErrorCode::length_or_hash,
                          expected.algorithm + " is " + actual + ", expected " + expected.hex);
      }
    }
    return {};
  }

 private:
  struct Expected {
    Hasher hasher;
    std::string algorithm;
    std::string hex;
  };
  std::vector<Expected> m_expected;
};

// Feeds the file's bytes to `check` a block at a time; returns how many there were.
std::uint64_t hash_file(const fs::path& path, HashCheck& check) {
  std::ifstream in(path, std::ios::binary);
  std::string buffer(1 << 16, '\0');
  std::uint64_t count = 0;
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    const auto read = static_cast<std::size_t>(in.gcount());
    check.update(std::string_view(buffer.data(), read));
    count += read;
  }
  return count;
}

std::string with_slash(std::string base) {
  if (!base.empty() && base.back() != '/') {
    base += '/';
  }
  return base;
}

} // namespace

Updater::Updater(UpdaterConfig config, Fetcher& metadata_fetcher, Fetcher& target_fetcher)
    : m_config(std::move(config)), m_metadata_fetcher(metadata_fetcher), m_target_fetcher(target_fetcher) {
  m_config.metadata_base = with_slash(m_config.metadata_base);
  m_config.targets_base = with_slash(m_config.targets_base);
}

std::optional<std::string> Updater::read_local(const std::string& role) const {
  auto bytes = util::read_file(m_config.metadata_dir / (percent_encode(role) + ".json"), m_config.targets_max_bytes);
  return bytes ? std::optional(std::move(*bytes)) : std::nullopt;
}

Result<void> Updater::persist(const std::string& role, std::string_view bytes) const {
  // The exact bytes received, so that what is trusted can be checked again later. Only root is
  // flushed: it is the trust anchor the next run starts from. A timestamp, snapshot or targets
  // file lost to a power cut is fetched and verified again (as python-tuf does, atomically
  // replaced but not flushed), which keeps a refresh from waiting on the disk.
  const auto path = m_config.metadata_dir / (percent_encode(role) + ".json");
  auto writer = util::AtomicFileWriter::create(path);
  if (!writer) {
    return make_error(ErrorCode::local_io, writer.error().message);
  }
  if (role != "root") {
    writer->skip_flush();
  }
  if (auto written = writer->write(bytes); !written) {
    return make_error(ErrorCode::local_io, written.error().message);
  }
  if (auto committed = writer->commit(); !committed) {
    return make_error(ErrorCode::local_io, committed.error().message);
  }
  return {};
}

void Updater::forget_local(const std::string& role) const {
  std::error_code ec;
  std::filesystem::remove(m_config.metadata_dir / (percent_encode(role) + ".json"), ec);
}

Result<std::string> Updater::download_metadata(const std::string& role, std::size_t max_bytes,
                                               std::optional<std::int64_t> version) {
  const auto name = (version ? std::to_string(*version) + "." : std::string()) + percent_encode(role) + ".json";
  return m_metadata_fetcher.fetch(m_config.metadata_base + name, max_bytes);
}

Result<void> Updater::load_root() {
  const auto local = read_local("root");
  if (!local) {
    return make_error(ErrorCode::local_io, "no trusted root.json in " + m_config.metadata_dir.string());
  }
  auto trusted = TrustedSet::create(*local, m_config.reference_time);
  if (!trusted) {
    return trusted.error();
  }
  m_trusted.emplace(std::move(*trusted));
  const auto before = m_trusted->root().signed_part;
  const auto first = before.common.version + 1;
  for (auto version = first; version < first + m_config.max_root_rotations; ++version) {
    auto bytes = download_metadata("root", m_config.root_max_bytes, version);
    if (!bytes) {
      if (bytes.error().code == ErrorCode::not_found) {
        break;
      }
      return bytes.error();
    }
    if (auto updated = m_trusted->update_root(*bytes); !updated) {
      return updated.error();
    }
    if (auto saved = persist("root", *bytes); !saved) {
      return saved;
    }
  }
  // 5.3.11: new timestamp or snapshot keys make the old ones useless, and keeping them would
  // block fast-forward recovery.
  if (m_trusted->timestamp_or_snapshot_keys_changed(before)) {
    forget_local("timestamp");
    forget_local("snapshot");
  }
  return {};
}

Result<void> Updater::load_timestamp() {
  if (const auto local = read_local("timestamp")) {
    // Kept even when expired: it still guards against rollback.
    std::ignore = m_trusted->update_timestamp(*local);
  }
  auto bytes = download_metadata("timestamp", m_config.timestamp_max_bytes, std::nullopt);
  if (!bytes) {
    return bytes.error();
  }
  bool equal = false;
  if (auto updated = m_trusted->update_timestamp(*bytes, &equal); !updated) {
    if (equal && m_trusted->timestamp()) {
      return {}; // nothing new: the trusted timestamp stays
    }
    return updated.error();
  }
  return persist("timestamp", *bytes);
}

Result<void> Updater::load_snapshot() {
  if (const auto local = read_local("snapshot")) {
    if (m_trusted->update_snapshot(*local, true)) {
      return {};
    }
  }
  const auto& meta = m_trusted->timestamp()->signed_part.snapshot_meta;
  const auto max = meta.length ? static_cast<std::size_t>(*meta.length) : m_config.snapshot_max_bytes;
  const auto version = m_trusted->root().signed_part.consistent_snapshot ? std::optional(meta.version) : std::nullopt;
  auto bytes = download_metadata("snapshot", max, version);
  if (!bytes) {
    return bytes.error();
  }
  if (auto updated = m_trusted->update_snapshot(*bytes); !updated) {
    return updated;
  }
  return persist("snapshot", *bytes);
}

Result<void> Updater::load_targets(const std::string& role, const std::string& delegator) {
  if (m_trusted->targets(role) != nullptr) {
    return {};
  }
  if (const auto local = read_local(role)) {
    if (m_trusted->update_targets(*local, role, delegator)) {
      return {};
    }
  }
  const auto& meta = m_trusted->snapshot()->signed_part.meta;
  const auto entry = meta.find(role + ".json");
  if (entry == meta.end()) {
    return make_error(ErrorCode::repository, "the snapshot does not list " + role + ".json");
  }
  const auto max = entry->second.length ? static_cast<std::size_t>(*entry->second.length) : m_config.targets_max_bytes;
  const auto version =
      m_trusted->root().signed_part.consistent_snapshot ? std::optional(entry->second.version) : std::nullopt;
  auto bytes = download_metadata(role, max, version);
  if (!bytes) {
    return bytes.error();
  }
  if (auto updated = m_trusted->update_targets(*bytes, role, delegator); !updated) {
    return updated;
  }
  return persist(role, *bytes);
}

Result<void> Updater::refresh() {
  m_refreshed = false;
  for (const auto& step : {&Updater::load_root, &Updater::load_timestamp, &Updater::load_snapshot}) {
    if (auto done = (this->*step)(); !done) {
      return done;
    }
  }
  if (auto done = load_targets("targets", "root"); !done) {
    return done;
  }
  m_refreshed = true;
  return {};
}

Result<TargetInfo> Updater::target_info(const std::string& target_path) {
  if (!m_refreshed) {
    if (auto done = refresh(); !done) {
      return done.error();
    }
  }
  // Pre-order depth-first walk of the delegation graph (specification 5.6.7.2).
  std::vector<std::pair<std::string, std::string>> to_visit{{"targets", "root"}};
  std::set<std::string> visited;
  int visits = 0;
  while (!to_visit.empty() && visits < m_config.max_delegations) {
    auto [role, delegator] = to_visit.back();
    to_visit.pop_back();
    if (!visited.insert(role).second) {
      continue;
    }
    ++visits;
    if (auto loaded = load_targets(role, delegator); !loaded) {
      return loaded.error();
    }
    const auto& targets = m_trusted->targets(role)->signed_part;
    if (const auto found = targets.targets.find(target_path); found != targets.targets.end()) {
      return TargetInfo{target_path, found->second, role};
    }
    if (!targets.delegations) {
      continue;
    }
    if (const auto& bins = targets.delegations->succinct) {
      // Hash bins: exactly one bin can hold the target, and it is terminating.
      to_visit.clear();
      to_visit.emplace_back(bins->role_for(target_path), role);
      continue;
    }
    std::vector<std::pair<std::string, std::string>> children;
    for (const auto& child : targets.delegations->roles) {
      if (!child.matches(target_path)) {
        continue;
      }
      children.emplace_back(child.name, role);
      if (child.terminating) {
        to_visit.clear();
        break;
      }
    }
    to_visit.insert(to_visit.end(), children.rbegin(), children.rend());
  }
  return make_error(ErrorCode::unknown_target, "no trusted role lists " + target_path);
}

bool Updater::is_cached(const TargetInfo& target, const fs::path& destination) const {
  std::error_code ec;
  const auto size = fs::file_size(destination, ec);
  auto check = HashCheck::create(target.file.hashes);
  if (ec || size != static_cast<std::uint64_t>(target.file.length) || !check) {
    return false;
  }
  return hash_file(destination, *check) == size && check->finish();
}

Result<void> Updater::download_target(const TargetInfo& target, const fs::path& destination, const Progress& progress) {
  auto name = target.path;
  if (m_trusted->root().signed_part.consistent_snapshot && m_config.prefix_targets_with_hash &&
      !target.file.hashes.empty()) {
    const auto slash = name.rfind('/');
    const auto prefix = slash == std::string::npos ? std::string() : name.substr(0, slash + 1);
    const auto base = slash == std::string::npos ? name : name.substr(slash + 1);
    name = prefix + target.file.hashes.front().second + "." + base;
  }
  const auto length = static_cast<std::uint64_t>(target.file.length);
  // The part is named after the bytes it should become: a part of another version of the same
  // path is never resumed.
  auto partial = destination;
  partial +=
      "." + (target.file.hashes.empty() ? std::string("x") : target.file.hashes.front().second.substr(0, 16)) + ".part";
  for (int attempt = 0;; ++attempt) {
    auto check = HashCheck::create(target.file.hashes);
    if (!check) {
      return check.error();
    }
    auto writer = util::AtomicFileWriter::resume(destination, partial);
    if (!writer) {
      return make_error(ErrorCode::local_io, writer.error().message);
    }
    writer->skip_flush(); // is_cached() and every resume hash the bytes again before trusting them
    // What an interrupted transfer left is hashed again, and only the rest is asked for.
    auto received = writer->read_existing([&](std::string_view bytes) { check->update(bytes); }, length);
    if (!received) {
      return make_error(ErrorCode::local_io, received.error().message);
    }
    const auto resumed_from = *received;
    Result<void> fetched;
    if (*received < length) {
      fetched = m_target_fetcher.fetch_stream(m_config.targets_base + name, *received, length,
                                              [&](std::string_view bytes) -> Result<void> {
                                                if (auto written = writer->write(bytes); !written) {
                                                  return make_error(ErrorCode::local_io, written.error().message);
                                                }
                                                check->update(bytes);
                                                *received += bytes.size();
                                                if (progress) {
                                                  progress(*received, length);
                                                }
                                                return {};
                                              });
    }
    if (!fetched) {
      if (fetched.error().code != ErrorCode::download_failed) {
        writer->discard(); // bytes that cannot be the target's: start again next time
      }
      return make_error(fetched.error().code, target.path + ": " + fetched.error().message);
    }
    if (*received != length) { // kept: the next attempt resumes it
      return make_error(ErrorCode::download_failed, target.path + ": the transfer ended after " +
                                                        std::to_string(*received) + " of " + std::to_string(length) +
                                                        " signed bytes");
    }
    if (auto matches = check->finish(); !matches) {
      writer->discard();
      if (resumed_from > 0 && attempt == 0) {
        continue; // the kept part may be what was wrong: once more, from the first byte
      }
      return make_error(ErrorCode::length_or_hash, target.path + ": " + matches.error().message);
    }
    if (auto committed = writer->commit(); !committed) {
      return make_error(ErrorCode::local_io, committed.error().message);
    }
    return {};
  }
}

} // namespace lifeline::signing::tuf
