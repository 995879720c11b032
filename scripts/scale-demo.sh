#!/usr/bin/env bash
# Several servers on one PostgreSQL catalog behind nginx (docs/scale-out.md), and one of them
# killed while a fleet downloads and reports installs:
#   - a PostgreSQL server of its own (durable settings), two `serve` processes on it sharing the
#     data directory (repository, keys), nginx balancing between them (passive health checks:
#     a server that refuses connections is skipped, requests it could not answer go to the other);
#   - FLEET_N devices (default 1000) registered through nginx with enrolment tokens, each one's
#     first check-in with a signed statement verified against the repository's root;
#   - devices download their payloads and report installs through nginx while one server is
#     killed with SIGKILL: every request is answered (nginx moves it to the survivor), and every
#     acknowledged download and report is in the catalog; the survivor keeps serving.
# Usage: scale-demo.sh BUILD_DIR   (ctest scale_demo runs it with 1,000 devices; make scale-demo)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
build_dir=$(cd "${1:-build}" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
server="$build_dir/server/lifeline-server"
driver="$build_dir/bench/fleet_driver"
fleet_n=${FLEET_N:-1000}
payload_kib=${FLEET_PAYLOAD_KIB:-16}
clients=8
fail() {
  echo "scale-demo: FAIL: $*" >&2
  exit 1
}
for binary in "$server" "$driver"; do
  [ -x "$binary" ] || fail "$binary is missing: build lifeline-server and fleet_driver first"
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || fail "nginx is missing (make deps)"

# shellcheck source=lib/world.sh
source "$source_dir/scripts/lib/world.sh"
world_workspace
# shellcheck source=../bench/fleet/world.sh
source "$source_dir/bench/fleet/world.sh"
# shellcheck source=../bench/fleet/measure.sh
source "$source_dir/bench/fleet/measure.sh"
# shellcheck source=../bench/fleet/durability.sh
source "$source_dir/bench/fleet/durability.sh"

chmod o+x "$work" # as root the database server runs as the postgres user, which must reach it
PG_CLUSTER_DURABLE=1 "$source_dir/scripts/pg-test-cluster.sh" start "$work/pg" >/dev/null
trap '"$source_dir/scripts/pg-test-cluster.sh" stop "$work/pg" >/dev/null 2>&1; world_cleanup' EXIT
catalog=$(cat "$work/pg/uri")
export catalog

fleet_world
echo "== $fleet_n devices, 6 enrolments of 2 customers, 20 updates; catalog in PostgreSQL"

# Two servers on the same catalog and data directory.
world_serve "$fleet_at" --threads 8
pids+=("$server_pid")
first_pid=$server_pid first_port=${base##*:}
mv "$work/server.out" "$work/server-1.out"
world_serve "$fleet_at" --threads 8
pids+=("$server_pid")
second_pid=$server_pid second_port=${base##*:}
echo "servers: 127.0.0.1:$first_port (pid $first_pid) and 127.0.0.1:$second_port (pid $second_pid)"

port=$(free_port)
world_nginx 1 "
  upstream lifeline {
    server 127.0.0.1:$first_port max_fails=1 fail_timeout=30s;
    server 127.0.0.1:$second_port max_fails=1 fail_timeout=30s;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 1m;
    location / {
      proxy_pass http://lifeline;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header Host \$host;
      # A server that died mid-request: the request goes to the other. Safe for every route a
      # fleet uses: reads, and writes that carry their own id (a report received twice counts once).
      proxy_next_upstream error timeout non_idempotent;
      proxy_connect_timeout 2s;
    }
  }"
pids+=("$nginx_pid")
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
base="http://127.0.0.1:$port"

"$driver" register "$base" "$work/jobs" "$work/devices" "$clients" >"$work/register" || {
  cat "$work/register"
  fail "registrations through nginx were refused"
}
[ "$(field register status_201)" = "$fleet_n" ] || fail "$(field register status_201) of $fleet_n registrations answered 201"
echo "registration through nginx: $fleet_n devices, $(field register rate)/s"
"$driver" check-in "$base" "$work/devices" "$work/targets" "$work/plan" "$clients" \
  "$data/repository/metadata/1.root.json" >"$work/check-in" || {
  cat "$work/check-in"
  fail "first check-ins failed or came without a verified statement"
}
echo "first check-ins: $(field check-in offered) devices offered an update, each statement verified"

installs_under_way
kill -KILL "$first_pid"
wait "$first_pid" 2>/dev/null || true
echo "killed the first server (SIGKILL) after $reports reports"
wait "$installer" || {
  cat "$work/install" "$work/install.err"
  fail "a download or report was not answered with success: nginx did not move it to the survivor"
}
echo "every download and report answered: $(field install-report status_201 install) reports recorded," \
  "$(field install-report status_200 install) answered as already received, $(field install-download status_200 install) downloads"
"$driver" verify "$base" "$work/acked" "$operator" >"$work/verify" || {
  cat "$work/verify"
  fail "acknowledged downloads or reports are missing from the catalog"
}
echo "every acknowledged one is in the catalog: $(field verify downloads) downloads audited, $(field verify reports) reports installed"
"$driver" compliance "$base" "$operator" - 1 >"$work/compliance"
[ "$(field compliance devices)" = "$fleet_n" ] || fail "the survivor's compliance lists $(field compliance devices) of $fleet_n devices"
kill -0 "$second_pid" || fail "the surviving server stopped"
echo "the survivor serves: compliance lists all $fleet_n devices"
echo "PASS"
