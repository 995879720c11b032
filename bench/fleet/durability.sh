# shellcheck shell=bash
# Sourced by bench/fleet_bench.sh --smoke: acknowledged downloads and install reports survive a
# SIGKILL of the server (and scripts/scale-demo.sh: installs_under_way). Needs: driver, base, work, clients, operator, fleet_n, fleet_at, server_pid.

# installs_under_way: starts the devices' downloads and install reports in the background (sets
# installer) and returns once a third of the devices have reported, with the rest still in flight
# (sets reports): the moment a kill lands mid-phase.
installs_under_way() {
  # Its complaints about the requests the kill cut go to a file: they are expected.
  "$driver" install "$base" "$work/plan" "$clients" "$work/acked" >"$work/install" 2>"$work/install.err" &
  installer=$!
  for _ in $(seq 3000); do
    reports=$(grep -c '^report ' "$work/acked" 2>/dev/null || true)
    [ "${reports:-0}" -ge $((fleet_n / 3)) ] && break
    kill -0 "$installer" 2>/dev/null || break
    sleep 0.01
  done
  kill -0 "$installer" 2>/dev/null || fail "every device had reported before the kill: nothing was in flight"
}

durability_check() {
  local installer reports=0
  installs_under_way
  kill -KILL "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  wait "$installer" || {
    cat "$work/install"
    fail "an install download or report was answered with an error before the kill"
  }
  world_serve "$fleet_at" --threads 40
  pids+=("$server_pid")
  "$driver" verify "$base" "$work/acked" "$operator" >"$work/verify" || {
    cat "$work/verify"
    fail "acknowledged downloads or reports were lost"
  }
  echo "durability: SIGKILL during installs ($(field install-report status_201 install) reports and" \
    "$(field install-download status_200 install) downloads acknowledged, $(($(field install-download failed install) + \
    $(field install-report failed install))) requests cut); after the restart every acknowledged one is there:" \
    "$(field verify downloads) downloads in the audit trail, $(field verify reports) reports installed and known again"
  "$driver" compliance "$base" "$operator" - 1 >"$work/compliance"
  [ "$(field compliance devices)" = "$fleet_n" ] ||
    fail "after the restart the operator's compliance report lists $(field compliance devices) of $fleet_n devices"
  echo "compliance for the operator after the restart: $(field compliance devices) devices"
}
