// The cryptography Lifeline uses, behind one header: SHA-256/512, Ed25519 signing keys, and
// signature verification for the key types TUF repositories use. Implemented on OpenSSL 3's
// EVP API only (signing/openssl/); nothing else includes OpenSSL.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lifeline::signing {

using util::Result;

enum class HashAlgorithm { sha256, sha512 };

// Incremental hashing, for bytes that stream past (payloads are never held whole).
class Hasher {
 public:
  explicit Hasher(HashAlgorithm algorithm);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  ~Hasher();

  void update(std::string_view bytes);
  // The digest in lower-case hex; the hasher is finished afterwards.
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

std::string sha256_hex(std::string_view bytes);
std::string sha512_hex(std::string_view bytes);
// HMAC-SHA-256 (RFC 2104) of `message` under `key`, in lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
std::optional<HashAlgorithm> parse_hash_algorithm(std::string_view name);

// An Ed25519 private key. Move-only; the key material never leaves OpenSSL except as PEM.
class SigningKey {
 public:
  static Result<SigningKey> generate();
  // PKCS#8 PEM, encrypted with `passphrase` when given (offline root keys).
  static Result<SigningKey> from_pem(std::string_view pem, const std::optional<std::string>& passphrase);
  [[nodiscard]] Result<std::string> to_pem(const std::optional<std::string>& passphrase) const;

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  // The raw 32-byte public key, hex encoded (TUF's ed25519 keyval.public).
  [[nodiscard]] std::string public_hex() const;
  // The raw 64-byte signature of `message`, hex encoded.
  [[nodiscard]] std::string sign_hex(std::string_view message) const;

 private:
  struct State;
  explicit SigningKey(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

// Verifies `signature_hex` over `message` for a TUF key: keytype/scheme "ed25519" with a hex
// public key, "rsa"/"rsassa-pss-sha256" or "rsa-pkcs1v15-sha256" and "ecdsa"/"ecdsa-sha2-nistp256" with PEM public
// keys. A bad signature, an unknown scheme or a malformed key are all `false`: never a valid signature.
bool verify_signature(std::string_view keytype, std::string_view scheme, std::string_view public_key,
                      std::string_view message, std::string_view signature_hex);

// Compares secrets (hashes of tokens) in time that does not depend on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Cryptographically strong random bytes (tokens, nonces).
std::string random_bytes(std::size_t count);

} // namespace lifeline::signing
