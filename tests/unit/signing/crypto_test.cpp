#include <gtest/gtest.h>

#include "signing/crypto.hpp"
#include "util/hex.hpp"

namespace lifeline::signing {
namespace {

TEST(Crypto, Sha256AndSha512KnownAnswers) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha512_hex(""),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec"
            "2f63b931bd47417a81a538327af927da3e");
}

TEST(Crypto, IncrementalHashingEqualsOneShot) {
  Hasher hasher(HashAlgorithm::sha256);
  hasher.update("a");
  hasher.update("bc");
  EXPECT_EQ(hasher.hex_digest(), sha256_hex("abc"));
}

TEST(Crypto, Ed25519SignsAndVerifies) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  const auto signature = key->sign_hex("message");
  EXPECT_EQ(signature.size(), 128U);
  EXPECT_TRUE(verify_signature("ed25519", "ed25519", key->public_hex(), "message", signature));
  EXPECT_FALSE(verify_signature("ed25519", "ed25519", key->public_hex(), "messagE", signature));
  EXPECT_FALSE(verify_signature("ed25519", "rsassa-pss-sha256", key->public_hex(), "message", signature));
  EXPECT_FALSE(verify_signature("ed25519", "ed25519", key->public_hex(), "message", "zz"));
  EXPECT_FALSE(verify_signature("ed25519", "ed25519", "abcd", "message", signature));
}

TEST(Crypto, PemRoundTripsWithAndWithoutPassphrase) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  const auto plain = key->to_pem(std::nullopt);
  ASSERT_TRUE(plain);
  EXPECT_NE(plain->find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(SigningKey::from_pem(*plain, std::nullopt)->public_hex(), key->public_hex());
  const auto encrypted = key->to_pem(std::string("correct horse"));
  ASSERT_TRUE(encrypted);
  EXPECT_NE(encrypted->find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(SigningKey::from_pem(*encrypted, std::string("correct horse"))->public_hex(), key->public_hex());
  EXPECT_FALSE(SigningKey::from_pem(*encrypted, std::string("wrong")));
  EXPECT_FALSE(SigningKey::from_pem(*encrypted, std::nullopt));
  EXPECT_FALSE(SigningKey::from_pem("not a key", std::nullopt));
}

TEST(Crypto, RandomBytesAreRandom) {
  EXPECT_EQ(random_bytes(32).size(), 32U);
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

} // namespace
} // namespace lifeline::signing
