#!/usr/bin/env bash
# make bench: every benchmark at full size; each prints its reference and the ratio to it.
set -euo pipefail
build_dir=${1:-build}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT

echo "== entitlement: 100k checks against the raw SQLite reads they need"
"$build_dir/bench/entitlement_bench" 100000

echo
echo "== compliance: one customer's per-device report, ${COMPLIANCE_DEVICES:-100000} devices x 100 updates, against the hand-written SQL query"
"$build_dir/bench/compliance_bench" "${COMPLIANCE_DEVICES:-100000}" 100

echo
echo "== publishing: ${PUBLISH_UPDATES:-10000} updates, time per update as the repository grows"
"$build_dir/bench/publish_bench" "${PUBLISH_UPDATES:-10000}" "$work/data"

echo
echo "== device refresh of that repository: Lifeline's verifier against tuf-js 5.0.1 (same server)"
# shellcheck source=lib/world.sh
source "$source_dir/scripts/lib/world.sh"
tools=$(npm_tools tufjs)
cp "$source_dir/bench/tufjs-refresh-time.mjs" "$tools/"
node "$tools/serve.mjs" --dir "$work/data/repository" --port 0 >"$work/port" 2>/dev/null &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(head -1 "$work/port")"
target="product-7/KB5000007/KB5000007.cab"
ours=$("$build_dir/bench/refresh_bench" "$base" "$work/data/repository/metadata/1.root.json" "$target" 11)
theirs=$(node "$tools/tufjs-refresh-time.mjs" "$base" "$work/data/repository/metadata/1.root.json" "$target" 11)
echo "lifeline: ${ours} ms   tuf-js: ${theirs} ms   (median of 11, in-process)"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "tuf-js / lifeline: %.1fx\n", b / a }'

echo
echo "== HTTP API under wrk against nginx (same machine, same run)"
"$source_dir/bench/api_bench.sh" "$build_dir" "${API_BENCH_SECONDS:-10}"

echo
echo "== agent install: lifeline-agent sync of a ${AGENT_BENCH_PAYLOAD_MIB:-1024} MiB update against curl | openssl sha256 (same server)"
BENCH_PAYLOAD_MIB=${AGENT_BENCH_PAYLOAD_MIB:-1024} "$source_dir/bench/agent_install_bench.sh" "$build_dir"

echo
echo "== fleet: devices registering, checking in, downloading over HTTP against nginx (same run)"
for n in ${FLEET_SIZES:-1000 10000 100000}; do
  FLEET_N=$n "$source_dir/bench/fleet_bench.sh" "$build_dir"
  echo
done
