# Every dependency is a Debian 12 package; scripts/install-deps.sh installs them.
find_package(PkgConfig REQUIRED)
find_package(SQLite3 REQUIRED)
# libpq: the catalog on PostgreSQL (catalog/postgres/).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(LibArchive 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(pugixml REQUIRED)
# Boost.Beast and Asio (header-only): the server's HTTP listener.
find_package(Boost 1.74 REQUIRED)
find_package(Threads REQUIRED)
if(LIFELINE_BUILD_TESTS)
  find_package(GTest REQUIRED)
  # The API tests' client only: the server itself does not use cpp-httplib.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
if(LIFELINE_BUILD_BENCH)
  find_package(benchmark REQUIRED)
  # The other event-driven listener measured against ours (bench/mhd_serve.cpp) only.
  pkg_check_modules(MICROHTTPD REQUIRED IMPORTED_TARGET libmicrohttpd)
endif()
