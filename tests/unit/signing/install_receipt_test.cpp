#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "signing/install_receipt.hpp"

namespace lifeline::signing {
namespace {

class Receipt : public ::testing::Test {
 protected:
  Receipt() : device(describe(SigningKey::generate().value())), other(describe(SigningKey::generate().value())) {}

  NamedKey device;
  NamedKey other;
  InstallReceipt receipt{"dev-1", "KB4057113-installed", "KB4057113", "installed", "", 1'484'179'200};
};

TEST_F(Receipt, SignedByTheDeviceKeyVerifiesWithItsPublicKey) {
  const auto bytes = sign_receipt(receipt, device).value();
  const auto verified = verify_receipt(bytes, device.public_key.public_key);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(*verified, receipt);
}

TEST_F(Receipt, AnotherKeysSignatureIsRefused) {
  const auto bytes = sign_receipt(receipt, other).value();
  const auto refused = verify_receipt(bytes, device.public_key.public_key);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, tuf::ErrorCode::unsigned_metadata);
}

TEST_F(Receipt, AChangedFieldBreaksTheSignature) {
  auto envelope = nlohmann::json::parse(sign_receipt(receipt, device).value());
  envelope["signed"]["outcome"] = "failed";
  const auto refused = verify_receipt(envelope.dump(), device.public_key.public_key);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, tuf::ErrorCode::unsigned_metadata);
}

TEST_F(Receipt, OtherDocumentsAndGarbageAreRefusedByKind) {
  auto envelope = nlohmann::json::parse(sign_receipt(receipt, device).value());
  envelope["signed"]["_type"] = "lifeline-entitlement";
  EXPECT_EQ(verify_receipt(envelope.dump(), device.public_key.public_key).error().code, tuf::ErrorCode::wrong_type);
  EXPECT_EQ(verify_receipt("{\"signed\": 1}", device.public_key.public_key).error().code, tuf::ErrorCode::malformed);
  EXPECT_EQ(verify_receipt("not json", device.public_key.public_key).error().code, tuf::ErrorCode::malformed);
  EXPECT_EQ(verify_receipt(std::string(100'000, ' '), device.public_key.public_key).error().code,
            tuf::ErrorCode::too_large);
}

} // namespace
} // namespace lifeline::signing
