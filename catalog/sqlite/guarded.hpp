// Turns storage failures thrown below the catalog boundary into a Result.
#pragma once

#include "catalog/sqlite/database.hpp"
#include "util/result.hpp"

namespace lifeline::catalog::sqlite {

template <typename T, typename Body> util::Result<T> guarded(Body&& body) {
  try {
    return body();
  } catch (const SqliteError& error) {
    return util::make_error(util::ErrorKind::database, error.what());
  }
}

} // namespace lifeline::catalog::sqlite
