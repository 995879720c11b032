// TUF failures, each with its own code so that callers and tests can tell an attack from a
// network problem. A bad signature is a normal outcome, returned as a value.
#pragma once

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lifeline::signing::tuf {

enum class ErrorCode {
  malformed,         // not TUF metadata: bad JSON, wrong types, duplicate keys, malformed expires
  wrong_type,        // metadata of another role than expected
  unsigned_metadata, // fewer valid signatures than the role's threshold
  bad_version,       // rollback, or a version other than the one referenced
  expired,           // expired against the time the update started (freeze attack)
  length_or_hash,    // bytes that do not match the length or hashes they were referenced with
  too_large,         // more bytes than allowed (endless data attack)
  not_found,         // the repository has no such file (404/403)
  download_failed,   // network or server failure
  unknown_target,    // no role delegated to lists the target
  repository,        // inconsistent repository (missing snapshot entry, delegation loop...)
  local_io,          // the local metadata or target directory failed
  wrong_subject,     // a signed statement about another device
};

struct Error {
  ErrorCode code = ErrorCode::malformed;
  std::string message;
};

template <typename T> using Result = util::Result<T, Error>;

std::string_view to_string(ErrorCode code);

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

} // namespace lifeline::signing::tuf
