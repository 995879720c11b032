// unique_ptr aliases for the OpenSSL objects signing uses, with stateless deleters, and the
// error queue collected into a message. Internal to signing/openssl/.
#pragma once

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>

namespace lifeline::signing::openssl {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

using EvpPkey = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;
using Bio = std::unique_ptr<BIO, BioDeleter>;

// Drains OpenSSL's error queue into one line (and leaves it empty for the next call).
inline std::string error_queue() {
  std::string message;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    message += (message.empty() ? "" : "; ") + std::string(buffer);
  }
  return message.empty() ? "unknown OpenSSL error" : message;
}

} // namespace lifeline::signing::openssl
