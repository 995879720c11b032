#!/usr/bin/env bash
# Installs the Debian 12 packages Lifeline builds and tests with, only those missing.
# Runs as root on a fresh machine (or via sudo); does nothing when all are present.
# postgresql: the tests' throw-away server (scripts/pg-test-cluster.sh) and psql.
# --package-test adds what make package-test needs (debootstrap for a Debian 12 root, unshare,
# setpriv and ip for running the server there, systemd-nspawn for booting it; systemd-analyze).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev libssl-dev libcurl4-openssl-dev libarchive-dev libcpp-httplib-dev libboost-dev libmicrohttpd-dev nlohmann-json3-dev libcli11-dev libpugixml-dev
  libpq-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev
  sqlite3 openssl clang-format clang libclang-rt-14-dev
  wrk nginx-light curl python3 time chromium
  dpkg-dev file shellcheck
)
if [ "${1:-}" = --package-test ]; then
  packages+=(debootstrap systemd systemd-container iproute2 util-linux)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "lifeline: installing missing Debian packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
