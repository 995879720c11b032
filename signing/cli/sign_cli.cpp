#include "signing/cli/sign_cli.hpp"

#include <ostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "signing/repository/repository.hpp"
#include "signing/repository/root_rotation.hpp"
#include "signing/tuf/sign.hpp"
#include "signing/tuf/trusted_set.hpp"
#include "util/atomic_file.hpp"
#include "util/file.hpp"

namespace lifeline::signing::cli {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr std::int64_t k_day = 86400;

struct Options {
  std::string out;
  std::string in;
  std::string current;
  std::string next;
  std::string data;
  std::string product;
  std::string passphrase_file;
  std::vector<std::string> keys; // directories of private keys that sign
  std::string new_keys;          // directory of the new root keys
  int count = 1;
  std::int64_t threshold = 0;
  std::int64_t expires_days = 365;
};

struct Failure {
  int code;
  std::string message;
};

std::optional<std::string> passphrase(const Options& options) {
  auto read = read_passphrase(options.passphrase_file.empty() ? std::nullopt
                                                              : std::optional<fs::path>(options.passphrase_file));
  if (!read) {
    throw Failure{3, read.error().message};
  }
  return *read;
}

std::vector<NamedKey> keys_from(const std::vector<std::string>& directories, const std::optional<std::string>& secret) {
  std::vector<NamedKey> keys;
  for (const auto& directory : directories) {
    auto loaded = load_keys(directory, secret);
    if (!loaded) {
      throw Failure{3, loaded.error().message};
    }
    for (auto& key : *loaded) {
      keys.push_back(std::move(key));
    }
  }
  return keys;
}

std::string read(const std::string& file) {
  auto bytes = util::read_file(file, 512'000);
  if (!bytes) {
    throw Failure{3, bytes.error().message};
  }
  return std::move(*bytes);
}

void write(const std::string& file, const std::string& bytes, util::FileMode mode = util::FileMode::shared_file) {
  if (auto written = util::write_file_atomically(file, bytes, mode); !written) {
    throw Failure{3, written.error().message};
  }
}

void create_keys(const Options& options, std::ostream& out) {
  if (options.count < 1 || options.count > 32) {
    throw Failure{2, "--count must be between 1 and 32"};
  }
  const auto threshold = options.threshold > 0 ? options.threshold : options.count;
  if (threshold > options.count) {
    throw Failure{2, "--threshold cannot exceed --count"};
  }
  const auto secret = passphrase(options);
  Json listing{{"threshold", threshold}, {"keys", Json::object()}};
  for (int i = 1; i <= options.count; ++i) {
    auto key = SigningKey::generate();
    if (!key) {
      throw Failure{3, key.error().message};
    }
    const auto path = fs::path(options.out) / ("root-" + std::to_string(i) + ".pem");
    if (auto saved = save_key(*key, path, secret); !saved) {
      throw Failure{3, saved.error().message};
    }
    const auto named = describe(std::move(*key));
    listing["keys"][named.keyid] = {
        {"keytype", "ed25519"}, {"scheme", "ed25519"}, {"keyval", {{"public", named.public_key.public_key}}}};
    out << "created " << path.string() << " (keyid " << named.keyid << ")\n";
  }
  write((fs::path(options.out) / "root-keys.json").string(), listing.dump(2) + "\n");
  out << options.count << " root keys, threshold " << threshold << (secret ? ", encrypted" : ", NOT encrypted")
      << "; public keys in " << (fs::path(options.out) / "root-keys.json").string() << '\n';
}

std::string sign_with(std::string_view metadata, const std::vector<NamedKey>& keys) {
  std::vector<const NamedKey*> signers;
  for (const auto& key : keys) {
    signers.push_back(&key);
  }
  auto signed_bytes = tuf::add_signatures(metadata, signers);
  if (!signed_bytes) {
    throw Failure{3, signed_bytes.error().message};
  }
  return std::move(*signed_bytes);
}

void sign_root(const Options& options, std::ostream& out) {
  const auto keys = keys_from(options.keys, passphrase(options));
  write(options.out.empty() ? options.in : options.out, sign_with(read(options.in), keys));
  out << "signed " << options.in << " with " << keys.size() << " keys\n";
}

void rotate_root(const Options& options, std::int64_t now, std::ostream& out) {
  RootChange change;
  change.expires = now + options.expires_days * k_day;
  change.root_threshold = options.threshold;
  if (!options.new_keys.empty()) {
    for (const auto& key : keys_from({options.new_keys}, passphrase(options))) {
      change.root_keys.push_back(key.public_key);
    }
  }
  const auto current = read(options.current);
  auto next = next_root(current, change);
  if (!next) {
    throw Failure{3, next.error().message};
  }
  const auto unsigned_root = tuf::sign_metadata(*next, {});
  auto bytes = sign_with(unsigned_root.value(), keys_from(options.keys, passphrase(options)));
  write(options.out, bytes);
  out << "wrote root version " << (*next)["version"].get<std::int64_t>() << " to " << options.out
      << "; check it with `lifeline-sign root verify` before installing\n";
}

int verify_root(const Options& options, std::ostream& out, std::ostream& err) {
  auto trusted = tuf::TrustedSet::create(read(options.current), 0);
  if (!trusted) {
    err << "lifeline-sign: the trusted root does not verify: " << trusted.error().message << '\n';
    return 1;
  }
  if (auto updated = trusted->update_root(read(options.next)); !updated) {
    err << "lifeline-sign: not a valid next root: " << tuf::to_string(updated.error().code) << ": "
        << updated.error().message << '\n';
    return 1;
  }
  out << options.next << " is a valid root version " << trusted->root().signed_part.common.version
      << ": signed by the old and the new root thresholds\n";
  return 0;
}

void change_product(const Options& options, bool revoke, std::int64_t now, std::ostream& out) {
  auto repository = Repository::open(options.data);
  if (!repository) {
    throw Failure{3, repository.error().message};
  }
  const auto done = revoke ? repository->revoke(options.product, now) : repository->delegate(options.product, now);
  if (!done) {
    throw Failure{3, done.error().message};
  }
  out << (revoke ? "revoked the role of " : "delegated to a new key: ") << options.product << '\n';
}

} // namespace

int run_sign_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, std::int64_t now) {
  CLI::App app{"Lifeline offline signing: root keys, root metadata, product delegations", "lifeline-sign"};
  app.require_subcommand(1);
  Options options;
  std::function<int()> action;

  auto* keys = app.add_subcommand("keys", "Root keys")->require_subcommand(1);
  auto* create = keys->add_subcommand("create", "Create m-of-n root keys (PKCS#8 PEM, 0600)");
  create->add_option("--out", options.out, "Directory for the keys")->required();
  create->add_option("--count", options.count, "How many keys (n)");
  create->add_option("--threshold", options.threshold, "How many must sign (m); default all");
  create->add_option("--passphrase-file", options.passphrase_file, "Encrypt the keys with the first line of this file");
  create->callback([&]() {
    action = [&]() {
      create_keys(options, out);
      return 0;
    };
  });

  auto* root = app.add_subcommand("root", "Root metadata")->require_subcommand(1);
  auto* sign = root->add_subcommand("sign", "Add signatures to root metadata (each key holder in turn)");
  sign->add_option("--in", options.in, "Root metadata to sign")->required();
  sign->add_option("--keys", options.keys, "Directory of private keys to sign with")->required();
  sign->add_option("--out", options.out, "Where to write (default: in place)");
  sign->add_option("--passphrase-file", options.passphrase_file, "Passphrase of encrypted keys");
  sign->callback([&]() {
    action = [&]() {
      sign_root(options, out);
      return 0;
    };
  });

  auto* rotate = root->add_subcommand("rotate", "Write root version N+1 with new root keys");
  rotate->add_option("--current", options.current, "The current root metadata")->required();
  rotate->add_option("--new-keys", options.new_keys, "Directory of the new root keys (default: keep)");
  rotate->add_option("--threshold", options.threshold, "New root threshold (default: all new keys)");
  rotate->add_option("--expires-days", options.expires_days, "Validity of the new root")->check(CLI::PositiveNumber);
  rotate->add_option("--sign-with", options.keys, "Directories of keys that sign (old and new root keys)");
  rotate->add_option("--passphrase-file", options.passphrase_file, "Passphrase of encrypted keys");
  rotate->add_option("--out", options.out, "Where to write the new root")->required();
  rotate->callback([&]() {
    action = [&]() {
      rotate_root(options, now, out);
      return 0;
    };
  });

  auto* verify = root->add_subcommand("verify", "Check that NEXT is a valid successor of CURRENT");
  verify->add_option("--current", options.current, "The trusted root")->required();
  verify->add_option("--next", options.next, "The new root")->required();
  verify->callback([&]() { action = [&]() { return verify_root(options, out, err); }; });

  auto* product = app.add_subcommand("product", "Product roles of a server's repository")->require_subcommand(1);
  for (const auto& [name, revoke] : {std::pair{"delegate", false}, std::pair{"revoke", true}}) {
    auto* sub =
        product->add_subcommand(name, revoke ? "Revoke a product's key and role" : "Give a product's role a new key");
    sub->add_option("--data", options.data, "The server data directory")->required();
    sub->add_option("--product", options.product, "Product id")->required();
    const bool is_revoke = revoke;
    sub->callback([&options, &action, &out, now, is_revoke]() {
      action = [&options, &out, now, is_revoke]() {
        change_product(options, is_revoke, now, out);
        return 0;
      };
    });
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& error) {
    err << "lifeline-sign: " << error.what() << "\nRun with --help for usage.\n";
    return 2;
  }
  try {
    return action ? action() : 2;
  } catch (const Failure& failure) {
    err << "lifeline-sign: " << failure.message << '\n';
    return failure.code;
  } catch (const std::exception& error) {
    err << "lifeline-sign: unexpected failure: " << error.what() << '\n';
    return 3;
  }
}

} // namespace lifeline::signing::cli
