// The catalog's tests run on every engine: SQLite in a temporary file, and PostgreSQL in a fresh
// schema of the test cluster (scripts/pg-test-cluster.sh, started by ctest; a test fails when
// there is none, it is never skipped).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "tests/support/testing.hpp"

namespace lifeline::catalog::testing {

inline std::unique_ptr<Catalog> open_test_catalog(const std::string& engine, const std::filesystem::path& dir) {
  auto opened = engine == "postgresql" ? open_postgres_catalog(lifeline::testing::fresh_postgres_schema_uri())
                                       : open_sqlite_catalog(dir / "catalog.db");
  if (!opened) {
    ADD_FAILURE() << "cannot open a " << engine << " catalog: " << opened.error().message;
    return nullptr;
  }
  return std::move(*opened);
}

// A Result that must have succeeded, with its error's words when it did not.
template <typename T>::testing::AssertionResult succeeded(const util::Result<T>& result) {
  if (result) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << result.error().message;
}

inline const auto k_engines = ::testing::Values(std::string("sqlite"), std::string("postgresql"));

inline std::string engine_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

} // namespace lifeline::catalog::testing
