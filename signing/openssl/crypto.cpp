#include "signing/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <stdexcept>

#include "signing/openssl/handles.hpp"
#include "util/hex.hpp"

namespace lifeline::signing {

using namespace openssl;

namespace {

constexpr std::size_t k_ed25519_public_bytes = 32;

const EVP_MD* digest_of(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::sha256 ? EVP_sha256() : EVP_sha512();
}

util::Error crypto_error(const std::string& what) {
  return util::make_error(util::ErrorKind::invalid_input, what + ": " + error_queue());
}

std::string_view as_chars(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

const unsigned char* as_bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

EvpPkey public_key_from_pem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return bio ? EvpPkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)) : EvpPkey();
}

bool digest_verify(EVP_PKEY* key, const EVP_MD* digest, bool pss, std::string_view message,
                   std::string_view signature) {
  EvpMdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pkey_ctx, digest, nullptr, key) != 1) {
    return false;
  }
  if (pss && (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_AUTO) != 1)) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), as_bytes(signature), signature.size(), as_bytes(message), message.size()) == 1;
}

} // namespace

struct Hasher::State {
  EvpMdCtx ctx;
};

Hasher::Hasher(HashAlgorithm algorithm) : m_state(std::make_unique<State>()) {
  m_state->ctx.reset(EVP_MD_CTX_new());
  if (!m_state->ctx || EVP_DigestInit_ex(m_state->ctx.get(), digest_of(algorithm), nullptr) != 1) {
    throw std::runtime_error("cannot start a hash: " + error_queue());
  }
}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::update(std::string_view bytes) {
  EVP_DigestUpdate(m_state->ctx.get(), bytes.data(), bytes.size());
}

std::string Hasher::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(m_state->ctx.get(), digest, &size);
  return util::to_hex(as_chars(digest, size));
}

std::string sha256_hex(std::string_view bytes) {
  Hasher hasher(HashAlgorithm::sha256);
  hasher.update(bytes);
  return hasher.hex_digest();
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, as_bytes(key), key.size(), as_bytes(message),
                message.size(), mac, sizeof mac, &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA-256 failed: " + error_queue());
  }
  return util::to_hex(as_chars(mac, size));
}

std::string sha512_hex(std::string_view bytes) {
  Hasher hasher(HashAlgorithm::sha512);
  hasher.update(bytes);
  return hasher.hex_digest();
}

std::optional<HashAlgorithm> parse_hash_algorithm(std::string_view name) {
  if (name == "sha256") {
    return HashAlgorithm::sha256;
  }
  if (name == "sha512") {
    return HashAlgorithm::sha512;
  }
  return std::nullopt;
}

struct SigningKey::State {
  EvpPkey key;
  // Initialised once: OpenSSL 3 looks the algorithm up on every EVP_DigestSignInit (a third of
  // a signature's time); a copy of this context skips that. Only read after construction.
  EvpMdCtx prepared{nullptr};
};

SigningKey::SigningKey(std::unique_ptr<State> state) : m_state(std::move(state)) {
  EvpMdCtx ctx(EVP_MD_CTX_new());
  if (ctx && EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_state->key.get()) == 1) {
    m_state->prepared = std::move(ctx);
  }
}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::generate() {
  EvpPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) {
    return crypto_error("cannot generate an Ed25519 key");
  }
  return SigningKey(std::make_unique<State>(State{std::move(key)}));
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem, const std::optional<std::string>& passphrase) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // An empty passphrase string stops OpenSSL from prompting on a terminal for an encrypted key.
  const std::string secret = passphrase.value_or("");
  EvpPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(secret.c_str())));
  if (!key) {
    return crypto_error(passphrase ? "cannot read the private key (wrong passphrase?)" : "cannot read the private key");
  }
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return util::make_error(util::ErrorKind::invalid_input, "the private key is not an Ed25519 key");
  }
  return SigningKey(std::make_unique<State>(State{std::move(key)}));
}

Result<std::string> SigningKey::to_pem(const std::optional<std::string>& passphrase) const {
  Bio bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = passphrase ? EVP_aes_256_cbc() : nullptr;
  const auto* secret = passphrase ? reinterpret_cast<const unsigned char*>(passphrase->data()) : nullptr;
  const int secret_size = passphrase ? static_cast<int>(passphrase->size()) : 0;
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), m_state->key.get(), cipher, reinterpret_cast<const char*>(secret),
                                    secret_size, nullptr, nullptr) != 1) {
    return crypto_error("cannot write the private key");
  }
  char* data = nullptr;
  const auto size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string SigningKey::public_hex() const {
  unsigned char raw[k_ed25519_public_bytes];
  std::size_t size = sizeof raw;
  EVP_PKEY_get_raw_public_key(m_state->key.get(), raw, &size);
  return util::to_hex(as_chars(raw, size));
}

std::string SigningKey::sign_hex(std::string_view message) const {
  EvpMdCtx ctx(EVP_MD_CTX_new());
  unsigned char signature[64];
  std::size_t size = sizeof signature;
  const bool ready =
      ctx && (m_state->prepared ? EVP_MD_CTX_copy_ex(ctx.get(), m_state->prepared.get()) == 1
                                : EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_state->key.get()) == 1);
  if (!ready || EVP_DigestSign(ctx.get(), signature, &size, as_bytes(message), message.size()) != 1) {
    throw std::runtime_error("Ed25519 signing failed: " + error_queue());
  }
  return util::to_hex(as_chars(signature, size));
}

bool verify_signature(std::string_view keytype, std::string_view scheme, std::string_view public_key,
                      std::string_view message, std::string_view signature_hex) {
  const auto signature = util::from_hex(signature_hex);
  if (!signature) {
    return false;
  }
  bool valid = false;
  if (keytype == "ed25519" && scheme == "ed25519") {
    const auto raw = util::from_hex(public_key);
    if (!raw || raw->size() != k_ed25519_public_bytes) {
      return false;
    }
    EvpPkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, as_bytes(*raw), raw->size()));
    valid = key && digest_verify(key.get(), nullptr, false, message, *signature);
  } else if (keytype == "rsa" && scheme == "rsassa-pss-sha256") {
    const auto key = public_key_from_pem(public_key);
    valid = key && EVP_PKEY_get_id(key.get()) == EVP_PKEY_RSA &&
            digest_verify(key.get(), EVP_sha256(), true, message, *signature);
  } else if (keytype == "rsa" && scheme == "rsa-pkcs1v15-sha256") {
    const auto key = public_key_from_pem(public_key);
    valid = key && EVP_PKEY_get_id(key.get()) == EVP_PKEY_RSA &&
            digest_verify(key.get(), EVP_sha256(), false, message, *signature);
  } else if ((keytype == "ecdsa" || keytype == "ecdsa-sha2-nistp256") && scheme == "ecdsa-sha2-nistp256") {
    const auto key = public_key_from_pem(public_key);
    valid = key && EVP_PKEY_get_id(key.get()) == EVP_PKEY_EC &&
            digest_verify(key.get(), EVP_sha256(), false, message, *signature);
  }
  ERR_clear_error(); // a failed verification is an answer, not an error to report later
  return valid;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("the random generator failed: " + error_queue());
  }
  return out;
}

} // namespace lifeline::signing
