#!/usr/bin/env bash
# lifeline-agent sync of one large update against a plain download of the same payload, from the
# same server in the same run:
#   reference: curl | openssl dgst -sha256 of the payload (download and hash, nothing written);
#   lifeline:  `lifeline-agent sync`: TUF refresh, check-in, download verified (SHA-256 while
#              streaming; not flushed: hashed again before use), unpacked (libarchive, fsynced), installed, reported.
# Each repetition uninstalls the update first, so every sync downloads and installs it again.
# Usage: agent_install_bench.sh BUILD_DIR   (BENCH_PAYLOAD_MIB: payload size, default 1024;
#        BENCH_RUNS: repetitions, default 3; GNU time as /usr/bin/time for the peak RSS)
set -euo pipefail
build_dir=$(cd "${1:-build}" && pwd)
source_dir=$(cd "$(dirname "$0")/.." && pwd)
server="$build_dir/server/lifeline-server"
agent="$build_dir/agent/lifeline-agent"
examples="$source_dir/examples"
payload_mib=${BENCH_PAYLOAD_MIB:-1024}
runs=${BENCH_RUNS:-3}
at=2017-01-12
for binary in "$server" "$agent"; do
  [ -x "$binary" ] || { echo "agent_install_bench: $binary is missing (build first)"; exit 1; }
done
/usr/bin/time -f %M true 2>/dev/null || { echo "agent_install_bench: GNU time (/usr/bin/time) is missing"; exit 1; }

# shellcheck source=../scripts/lib/world.sh
source "$source_dir/scripts/lib/world.sh"
world_workspace
# The payload is held by the server's repository, the agent's download and the installed copy at
# once, plus the archive while it is published: about 4 times its size.
needed_kib=$((payload_mib * 1024 * 4 + 256 * 1024))
free_kib=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$free_kib" -lt "$needed_kib" ]; then
  echo "agent_install_bench: $((needed_kib / 1024)) MiB needed in $(dirname "$work"), $((free_kib / 1024)) MiB free (lower BENCH_PAYLOAD_MIB)"
  exit 1
fi
world_catalog

# The payload: a tar of one large file of random bytes and a small one.
mkdir -p "$work/payload/Binn"
head -c $((payload_mib * 1024 * 1024)) /dev/urandom >"$work/payload/Binn/sqlservr.dat"
echo "patched by the agent install benchmark" >"$work/payload/Binn/readme.txt"
big_sha256=$(sha256sum "$work/payload/Binn/sqlservr.dat" | cut -d' ' -f1)
tar -cf "$work/KB4057113.tar" -C "$work/payload" Binn
rm -rf "$work/payload"
payload_bytes=$(stat -c %s "$work/KB4057113.tar")
payload_sha256=$(sha256sum "$work/KB4057113.tar" | cut -d' ' -f1)
world_publish KB4057113 "$work/KB4057113.tar"
rm -f "$work/KB4057113.tar" # the server holds its own copy
target=sql-server-2005-sp4/KB4057113/KB4057113.tar
payload_path=$(cd "$data/repository/targets" && ls sql-server-2005-sp4/KB4057113/*) # content-addressed
contact=$(ll contacts credential --email alice@contoso.example 2>/dev/null)
world_serve "$at"
pids+=("$server_pid")

# One agent, one instance, registered with an enrolment token as a fleet does.
state="$work/agent"
install_root="$work/sql"
mkdir -p "$install_root"
cat >"$work/agent.json" <<JSON
{
  "server": "$base",
  "trusted_root": "$data/repository/metadata/1.root.json",
  "state_dir": "$state",
  "instances": [
    {"name": "sql", "product": "sql-server-2005-sp4", "version": "9.00.5000", "service_pack": "SP4",
     "language": "en-US", "architecture": "x64", "install_root": "$install_root"}
  ]
}
JSON
api POST /v1/enrolment-tokens "$contact" '{"site":"paris","product":"sql-server-2005-sp4"}' | json_field token >"$work/token"
agent_cli() { "$agent" --config "$work/agent.json" --at "$at" "$@"; }
agent_cli register --instance sql --token-file "$work/token" >/dev/null
rm -f "$work/token"
device=$(cat "$state/instances/sql/credential")
instance_dir="$state/instances/sql"
part="$instance_dir/downloads/$target.part"
staging="$instance_dir/work/staging/KB4057113"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# reference RUN: curl | openssl of the payload; appends "seconds curl-peak-kib" to reference.times.
reference() {
  local start end digest
  start=$(now)
  digest=$(/usr/bin/time -f %M -o "$work/curl.rss" curl -sf -H "Authorization: Bearer $device" \
    "$base/v1/repository/targets/$payload_path" | openssl dgst -sha256 | awk '{ print $NF }')
  end=$(now)
  [ "$digest" = "$payload_sha256" ] || { echo "agent_install_bench: reference download: SHA-256 $digest, expected $payload_sha256"; exit 1; }
  echo "$(elapsed "$start" "$end") $(tail -1 "$work/curl.rss")" >>"$work/reference.times"
}

# lifeline RUN: one sync that must download and install KB4057113; appends
# "seconds peak-kib until-download until-unpack unpack-to-exit" to lifeline.times. The phases are
# seen from outside, by polling (every 20 ms) for the download's .part file and the staging
# directory of the unpack: start -> first download byte (TUF refresh, check-in), -> unpack starts
# (download, hash, fsync), -> exit (unpack, fsync, rename, ledger, report).
lifeline() {
  local start end pid download_at="" unpack_at="" status=0
  start=$(now)
  /usr/bin/time -f %M -o "$work/agent.rss" "$agent" --config "$work/agent.json" --at "$at" sync >"$work/sync.out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    [ -z "$download_at" ] && [ -e "$part" ] && download_at=$(now)
    [ -z "$unpack_at" ] && [ -d "$staging" ] && unpack_at=$(now)
    sleep 0.02
  done
  wait "$pid" || status=$?
  end=$(now)
  if [ "$status" -ne 0 ] || ! grep -q "downloaded $target\$" "$work/sync.out" ||
    ! grep -q "installed KB4057113" "$work/sync.out"; then
    echo "agent_install_bench: the sync did not download and install KB4057113 (exit $status):"
    cat "$work/sync.out"
    exit 1
  fi
  [ "$(stat -c %s "$install_root/Binn/sqlservr.dat")" -eq $((payload_mib * 1024 * 1024)) ] ||
    { echo "agent_install_bench: the installed file has the wrong size"; exit 1; }
  echo "$(elapsed "$start" "$end") $(tail -1 "$work/agent.rss")" \
    "$(elapsed "$start" "${download_at:-$start}") $(elapsed "${download_at:-$start}" "${unpack_at:-$end}")" \
    "$(elapsed "${unpack_at:-$end}" "$end")" >>"$work/lifeline.times"
}

# Warm-up: the server's copy of the payload in the page cache for both contenders.
curl -sf -H "Authorization: Bearer $device" "$base/v1/repository/targets/$payload_path" -o /dev/null
for run in $(seq "$runs"); do
  reference
  if [ "$run" -gt 1 ]; then agent_cli uninstall --instance sql KB4057113 >/dev/null; fi
  lifeline
done
[ "$(sha256sum "$install_root/Binn/sqlservr.dat" | cut -d' ' -f1)" = "$big_sha256" ] ||
  { echo "agent_install_bench: the installed file differs from the published one"; exit 1; }

# median COLUMN FILE, best COLUMN FILE (the smallest)
median() { sort -g -k"$1,$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
best() { sort -g -k"$1,$1" "$2" | awk -v c="$1" 'NR == 1 { print $c }'; }
column() { awk -v c="$1" '{ printf "%s%s", (NR > 1 ? " " : ""), $c }' "$2"; }
rate() { awk -v b="$payload_bytes" -v s="$1" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

ref=$(median 1 "$work/reference.times")
ours=$(median 1 "$work/lifeline.times")
rss=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$work/lifeline.times")
echo "payload: $(mib $((payload_bytes / 1024))) MiB tar (one file of random bytes + one small), $runs runs, median (best)"
echo "reference curl | openssl sha256: $ref s ($(best 1 "$work/reference.times") s)  $(rate "$ref") MiB/s   runs: $(column 1 "$work/reference.times") s   curl peak RSS $(mib "$(median 2 "$work/reference.times")") MiB"
echo "lifeline-agent sync (download, verify, unpack, install): $ours s ($(best 1 "$work/lifeline.times") s)  $(rate "$ours") MiB/s   runs: $(column 1 "$work/lifeline.times") s"
echo "  split (median, seen from outside): refresh + check-in $(median 3 "$work/lifeline.times") s, download + verify + fsync $(median 4 "$work/lifeline.times") s, unpack + install $(median 5 "$work/lifeline.times") s"
awk -v a="$ref" -v b="$ours" -v ba="$(best 1 "$work/reference.times")" -v bb="$(best 1 "$work/lifeline.times")" \
  'BEGIN { printf "reference / agent: %.2fx (best %.2fx) (goal 1.0x; the agent also writes, fsyncs, unpacks and installs)\n", a / b, ba / bb }'
echo "agent peak RSS: $(mib "$rss") MiB (max of runs: $(column 2 "$work/lifeline.times") KiB) (goal 16 MiB)"
