# shellcheck shell=bash
# Sourced by bench/fleet_bench.sh: the nginx reference, wrk runs, and how figures are printed.
# Needs: work, seconds, smoke, source_dir, data, server_pid, n_rps; the driver's RESULT lines in $work/PHASE.

# nginx serving a 1 KiB static file on loopback (2 workers, as many as cores); sets nginx_port.
start_reference_nginx() {
  mkdir -p "$work/www"
  chmod 755 "$work" "$work/www" # nginx workers drop to an unprivileged user
  head -c 1024 /dev/urandom >"$work/www/static-1k"
  nginx_port=$(free_port)
  world_nginx 2 "  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/static-1k" -o /dev/null && break; sleep 0.05; done
  curl -sf "http://127.0.0.1:$nginx_port/static-1k" -o /dev/null || fail "nginx does not serve"
}

# wrk_measure CREDENTIALS_FILE|"" URL -> "requests/s p50 p99 socket_errors requests". A non-2xx answer
# fails the run; socket errors (timeouts past 10 s, resets) fail the smoke test and are printed
# otherwise. With a credentials file, check-ins rotate over those devices (check-in.lua).
wrk_measure() {
  local args=(--latency -t2 -c32 -d"${seconds}s" --timeout 10s) output errors
  [ -n "$1" ] && args+=(-s "$source_dir/bench/fleet/check-in.lua")
  args+=("$2")
  [ -n "$1" ] && args+=(-- "$1")
  output=$(wrk "${args[@]}")
  errors=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$output")
  if grep -q "Non-2xx" <<<"$output" || { $smoke && [ "${errors:-0}" -gt 0 ]; }; then
    echo "$output" >&2
    fail "wrk saw errors on $2"
  fi
  awk -v errors="${errors:-0}" '/requests in/ {n=$1} /Requests\/sec/ {r=$2} / 50%/ {p50=$2} / 99%/ {p99=$2}
    END {print r, p50, p99, errors, n}' <<<"$output"
}

# field PHASE KEY [FILE]: a value of the driver's RESULT line for PHASE (in $work/PHASE), 0 when
# absent (no answer had that status).
field() {
  local value
  value=$(sed -n "s/^RESULT $1 .*\<$2=\([^ ]*\).*/\1/p" "$work/${3:-$1}")
  echo "${value:-0}"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# The server's CPU time (user + system) so far, in microseconds; cpu_mark before a phase and
# cpu_per REQUESTS after it print the server's CPU per request, the figure that must stay flat
# as the fleet grows whatever else shares the machine.
server_cpu_us() { awk -v tick="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000000 / tick }' "/proc/$server_pid/stat"; }
cpu_mark() { cpu_start=$(server_cpu_us); }
cpu_per() { awk -v used="$(($(server_cpu_us) - cpu_start))" -v n="$1" 'BEGIN { printf "%d", (n > 0 ? used / n : 0) }'; }

print_phase() { # PHASE LABEL: a driver phase beside the nginx reference
  printf '%-48s %9s /s  p50 %8s ms  p99 %8s ms  %sx nginx  server CPU %s us/request\n' "$2:" "$(field "$1" rate)" \
    "$(field "$1" p50_ms)" "$(field "$1" p99_ms)" "$(ratio "$(field "$1" rate)" "$n_rps")" "$(cpu_per "$(field "$1" requests)")"
}

print_wrk() { # LABEL RPS P50 P99 SOCKET_ERRORS REQUESTS
  printf '%-48s %9s /s  p50 %11s  p99 %11s  %sx nginx  server CPU %s us/request%s\n' "$1:" "$2" "$3" "$4" \
    "$(ratio "$2" "$n_rps")" "$(cpu_per "$6")" "$([ "$5" = 0 ] || echo "  ($5 socket errors)")"
}

print_storage_and_memory() {
  local db wal
  if [ -n "${catalog:-}" ]; then
    db=$(psql -X -tA "$catalog" -c 'SELECT pg_database_size(current_database())')
    echo "PostgreSQL catalog database $((db / 1024)) KiB"
  else
    db=$(stat -c %s "$data/catalog.db")
    wal=$(stat -c %s "$data/catalog.db-wal" 2>/dev/null || echo 0)
    echo "catalog.db $((db / 1024)) KiB, catalog.db-wal $((wal / 1024)) KiB"
  fi
  awk '/^VmRSS/ { rss = $2 } /^VmHWM/ { hwm = $2 }
    END { printf "server memory: VmRSS %d MiB, VmHWM (peak) %d MiB\n", rss / 1024, hwm / 1024 }' "/proc/$server_pid/status"
}
