#!/usr/bin/env bash
# The HTTP API under wrk, against nginx on the same machine in the same run:
#   1. device check-in (POST, rules + signed entitlement statement) vs nginx serving 1 KiB static;
#   2. payload download (entitlement decided and audited per request) vs nginx sendfile.
# Usage: api_bench.sh BUILD_DIR [SECONDS]   (wrk and nginx: scripts/install-deps.sh)
set -euo pipefail
build_dir=$(cd "${1:-build}" && pwd)
seconds=${2:-10}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
server="$build_dir/server/lifeline-server"
examples="$source_dir/examples"
connections=${BENCH_CONNECTIONS:-32}
payload_mib=${BENCH_PAYLOAD_MIB:-16}
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "api_bench: $tool is missing (make deps)"; exit 1; }
done
# shellcheck source=../scripts/lib/world.sh
source "$source_dir/scripts/lib/world.sh"
world_workspace
world_catalog
head -c $((payload_mib * 1024 * 1024)) /dev/urandom >"$work/KB4057113.cab"
world_publish KB4057113 "$work/KB4057113.cab"
contact=$(ll contacts credential --email alice@contoso.example 2>/dev/null)
world_serve 2017-01-12 --threads "${BENCH_THREADS:-32}"
pids+=("$server_pid")
device=$(enrol_device "$contact" paris sql-server-2005-sp4 SP4 en-US)
payload_path=$(cd "$data/repository/targets" && ls sql-server-2005-sp4/KB4057113/*)

# nginx: same machine, same cores, static files with sendfile.
mkdir -p "$work/www"
chmod 755 "$work" "$work/www" # nginx workers drop to an unprivileged user
head -c 1024 /dev/urandom >"$work/www/static-1k"
cp "$work/KB4057113.cab" "$work/www/payload"
nginx_port=$(free_port)
world_nginx 2 "  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }"
pids+=("$nginx_pid")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/static-1k" -o /dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$nginx_port/static-1k" -o /dev/null || { echo "api_bench: nginx does not serve"; exit 1; }

cat >"$work/check-in.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"service_pack":"SP4","language":"en-US"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $device"
LUA

# wrk summary -> "requests/s p50 p99 transfer/s"
measure() {
  local output
  output=$(wrk --latency -t2 -c"$1" -d"${seconds}s" "${@:2}")
  if grep -q "Non-2xx" <<<"$output"; then
    echo "api_bench: errors while measuring ${*: -1}:" >&2
    echo "$output" >&2
    exit 1
  fi
  awk '/Requests\/sec/ {r=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Transfer\/sec/ {t=$2} END {print r, p50, p99, t}' <<<"$output"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
to_mib() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /GB/) n*=1024; else if (v ~ /KB/) n/=1024; printf "%.0f", n }'; }

read -r n_rps n_p50 n_p99 _ < <(measure "$connections" "http://127.0.0.1:$nginx_port/static-1k")
read -r l_rps l_p50 l_p99 _ < <(measure "$connections" -s "$work/check-in.lua" "$base/v1/devices/me/check-in")
echo "check-in   lifeline: $l_rps req/s (p50 $l_p50, p99 $l_p99)   nginx 1 KiB static: $n_rps req/s (p50 $n_p50, p99 $n_p99)"
echo "check-in / nginx static: $(ratio "$l_rps" "$n_rps")x (goal 0.8x; docs/architecture.md says why a signed check-in stays far below)"

read -r _ _ _ n_rate < <(measure 4 "http://127.0.0.1:$nginx_port/payload")
read -r _ _ _ l_rate < <(measure 4 -H "Authorization: Bearer $device" "$base/v1/repository/targets/$payload_path")
echo "download   lifeline: $l_rate/s   nginx sendfile: $n_rate/s   (${payload_mib} MiB payload, 4 connections)"
echo "download / nginx sendfile: $(ratio "$(to_mib "$l_rate")" "$(to_mib "$n_rate")")x (goal 0.9x)"
