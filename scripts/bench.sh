#!/usr/bin/env bash
# make bench: every benchmark at full size; each prints its reference and the ratio to it.
set -euo pipefail
build_dir=${1:-build}
echo "== entitlement: 100k checks against the raw SQLite reads they need"
"$build_dir/bench/entitlement_bench" 100000
