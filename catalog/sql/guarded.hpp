// Turns storage failures thrown below the catalog boundary into a Result.
#pragma once

#include "catalog/sql/connection.hpp"
#include "util/result.hpp"

namespace lifeline::catalog::sql {

template <typename T, typename Body> util::Result<T> guarded(Body&& body) {
  try {
    return body();
  } catch (const StorageError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

} // namespace lifeline::catalog::sql
