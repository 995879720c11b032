#!/usr/bin/env bash
# A fleet of FLEET_N devices (default 1000) against the server, over HTTP only, beside nginx
# serving a 1 KiB static file with the same wrk settings in the same run:
#   registration/s and first check-in/s (bench/fleet_driver, 8 clients), check-in req/s rotating
#   over every device's credential (wrk -t2 -c32, FLEET_SECONDS), the same while devices download
#   a payload at 20/s, the same while FLEET_IDLE (10,000) keep-alive connections sit idle,
#   GET /v1/compliance for one customer, the catalog's size, the server's memory.
# Usage: fleet_bench.sh BUILD_DIR [--smoke] [--catalog postgresql[://...]]   (wrk, nginx: make deps)
#   --catalog postgresql: the catalog in a PostgreSQL server of its own, started in the workspace
#   with PostgreSQL's durable defaults (scripts/pg-test-cluster.sh); --catalog URI: in that
#   (empty) database.
#
# --smoke (ctest fleet_bench_smoke) checks answers and counts, never timings:
#   - every registration answered 201 and every device's first check-in 200 with an entitlement
#     statement about it whose signature verifies against the repository's root;
#   - every device is offered at least one update; wrk saw no non-2xx answer;
#   - every paced download answered 200 (whole) or 206 (Range);
#   - GET /v1/compliance lists every device of the customer, and all N for the operator;
#   - durability: devices download and report installs while the server is SIGKILLed; after a
#     restart on the same data directory every download acknowledged (2xx received) has its
#     download.allow entry in GET /v1/audit, and every acknowledged install report shows the
#     update installed in GET /v1/compliance and answers 200 (known, duplicate) when sent again.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
build_dir=$(cd "${1:-build}" && pwd)
shift || true
smoke=false
catalog=
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=true ;;
    --catalog)
      catalog=${2:?--catalog needs postgresql or a URI}
      shift
      ;;
    *)
      echo "fleet_bench: unknown option $1" >&2
      exit 2
      ;;
  esac
  shift
done
source_dir=$(cd "$(dirname "$0")/.." && pwd)
server="$build_dir/server/lifeline-server"
driver="$build_dir/bench/fleet_driver"
fleet_n=${FLEET_N:-1000}
seconds=${FLEET_SECONDS:-$($smoke && echo 3 || echo 15)}
payload_kib=${FLEET_PAYLOAD_KIB:-64}
idle=${FLEET_IDLE:-$($smoke && echo 200 || echo 10000)} # keep-alive connections held idle in one phase
clients=8
fail() {
  echo "fleet_bench: $*" >&2
  exit 1
}
for tool in wrk nginx; do # never skipped: a missing tool fails the smoke test too
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || fail "$tool is missing (make deps)"
done
for binary in "$server" "$driver"; do
  [ -x "$binary" ] || fail "$binary is missing: build lifeline-server and fleet_driver first"
done

# shellcheck source=../scripts/lib/world.sh
source "$source_dir/scripts/lib/world.sh"
world_workspace
# shellcheck source=fleet/world.sh
source "$source_dir/bench/fleet/world.sh"
# shellcheck source=fleet/measure.sh
source "$source_dir/bench/fleet/measure.sh"

if [ "$catalog" = postgresql ]; then
  chmod o+x "$work" # the server runs as the postgres user (as root), and must reach its directory
  PG_CLUSTER_DURABLE=1 "$source_dir/scripts/pg-test-cluster.sh" start "$work/pg" >/dev/null
  trap '"$source_dir/scripts/pg-test-cluster.sh" stop "$work/pg" >/dev/null 2>&1; world_cleanup' EXIT
  catalog=$(cat "$work/pg/uri")
fi
started=$SECONDS
fleet_world
echo "== fleet: $fleet_n devices, 6 enrolments of 2 customers (one Essentials), 20 updates of ${payload_kib} KiB" \
  "(world built in $((SECONDS - started)) s)"
world_serve "$fleet_at" --threads 40 --max-connections $((idle + 1000))
pids+=("$server_pid")
start_reference_nginx
pids+=("$nginx_pid")

# wrk_measure runs in this shell (not a subshell) so that its failure ends the run.
wrk_measure "" "http://127.0.0.1:$nginx_port/static-1k" >"$work/wrk"
read -r n_rps n_p50 n_p99 _ <"$work/wrk"
echo "reference: nginx 1 KiB static file, wrk -t2 -c32 ${seconds}s: $n_rps req/s (p50 $n_p50, p99 $n_p99)"

cpu_mark
"$driver" register "$base" "$work/jobs" "$work/devices" "$clients" >"$work/register" || {
  cat "$work/register"
  fail "registrations were refused"
}
print_phase register "registration ($clients clients)"
[ "$(field register status_201)" = "$fleet_n" ] || fail "$(field register status_201) of $fleet_n registrations answered 201"

cpu_mark
"$driver" check-in "$base" "$work/devices" "$work/targets" "$work/plan" "$clients" \
  "$($smoke && echo "$data/repository/metadata/1.root.json")" >"$work/check-in" || {
  cat "$work/check-in"
  fail "first check-ins failed or came without a signed statement"
}
print_phase check-in "first check-in ($clients clients)"
[ "$(field check-in offered)" = "$fleet_n" ] || fail "only $(field check-in offered) of $fleet_n devices were offered an update"

awk '{ print $2, $4, $5 }' "$work/devices" >"$work/credentials"
cpu_mark
wrk_measure "$work/credentials" "$base/v1/devices/me/check-in" >"$work/wrk"
read -r c_rps c_p50 c_p99 c_errors c_requests <"$work/wrk"
print_wrk "check-in, every device in turn (wrk -t2 -c32)" "$c_rps" "$c_p50" "$c_p99" "$c_errors" "$c_requests"

# FLEET_COMPARE_MHD=1: the same check-ins through the same router behind libmicrohttpd
# (bench/mhd_serve, same data, same thread count), the other listener the server could use.
if [ "${FLEET_COMPARE_MHD:-0}" = 1 ]; then
  mhd_port=$(free_port)
  "$build_dir/bench/mhd_serve" "$data" "$mhd_port" 40 "$fleet_at" >"$work/mhd.out" &
  mhd_pid=$!
  pids+=("$mhd_pid")
  for _ in $(seq 100); do grep -q listening "$work/mhd.out" 2>/dev/null && break; sleep 0.05; done
  mhd_cpu() { awk -v tick="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000000 / tick }' "/proc/$mhd_pid/stat"; }
  mhd_start=$(mhd_cpu)
  wrk_measure "$work/credentials" "http://127.0.0.1:$mhd_port/v1/devices/me/check-in" >"$work/wrk"
  read -r m_rps m_p50 m_p99 _ m_requests <"$work/wrk"
  printf '%-48s %9s /s  p50 %11s  p99 %11s  %sx nginx  server CPU %s us/request\n' \
    "the same behind libmicrohttpd (bench/mhd_serve):" "$m_rps" "$m_p50" "$m_p99" "$(ratio "$m_rps" "$n_rps")" \
    "$(awk -v used="$(($(mhd_cpu) - mhd_start))" -v n="$m_requests" 'BEGIN { printf "%d", (n > 0 ? used / n : 0) }')"
  kill "$mhd_pid"
  wait "$mhd_pid" || true
fi

"$driver" download "$base" "$work/plan" 2 20 "$seconds" "$($smoke && echo "$work/acked")" >"$work/download" &
downloads_pid=$!
pids+=("$downloads_pid")
cpu_mark
wrk_measure "$work/credentials" "$base/v1/devices/me/check-in" >"$work/wrk"
read -r d_rps d_p50 d_p99 d_errors d_requests <"$work/wrk"
wait "$downloads_pid" || {
  cat "$work/download"
  fail "a paced download was not answered 200 or 206"
}
print_wrk "check-in while devices download 20/s" "$d_rps" "$d_p50" "$d_p99" "$d_errors" "$((d_requests + $(field download requests)))"
echo "  the downloads themselves: $(field download requests) in ${seconds} s, p50 $(field download p50_ms) ms," \
  "p99 $(field download p99_ms) ms"

# Idle keep-alive connections (a fleet between check-ins) must cost the others nothing.
"$driver" idle "$base" "$idle" "$((seconds + 5))" "$work/idle-ready" >"$work/idle" &
idle_pid=$!
pids+=("$idle_pid")
for _ in $(seq 600); do [ -s "$work/idle-ready" ] && break; sleep 0.1; done
[ "$(cat "$work/idle-ready" 2>/dev/null)" = "$idle" ] || fail "only $(cat "$work/idle-ready" 2>/dev/null) of $idle idle connections opened"
cpu_mark
wrk_measure "$work/credentials" "$base/v1/devices/me/check-in" >"$work/wrk"
read -r i_rps i_p50 i_p99 i_errors i_requests <"$work/wrk"
print_wrk "check-in while $idle idle connections are held" "$i_rps" "$i_p50" "$i_p99" "$i_errors" "$i_requests"
wait "$idle_pid" || {
  cat "$work/idle"
  fail "the server closed idle connections it should have kept"
}

customer_devices=$(grep -c -E ' fleet-(server-a|sql-a|office) ' "$work/devices")
"$driver" compliance "$base" "$northwind_contact" northwind "$($smoke && echo 1 || echo 3)" >"$work/compliance" ||
  fail "GET /v1/compliance failed"
echo "compliance, northwind's $(field compliance devices) devices as its contact, every page of 5,000:" \
  "$(field compliance seconds) s for $(field compliance walks) walks"
[ "$(field compliance devices)" = "$customer_devices" ] || fail "the compliance report lists $(field compliance devices) of $customer_devices devices"

print_storage_and_memory

if $smoke; then
  # shellcheck source=fleet/durability.sh
  source "$source_dir/bench/fleet/durability.sh"
  durability_check
fi
