#!/bin/bash
# Run by scripts/package-test.sh inside the Debian root where the three packages are installed,
# as root, in a network namespace with only loopback. What it makes that the packages do not
# own (/package-test, /opt/pkgtest-app) package-test.sh removes before the purge.
set -euo pipefail

units=/lib/systemd/system
server_unit=$units/lifeline-server.service
agent_unit=$units/lifeline-agent.service
work=/package-test
fail() {
  printf 'package-test: FAIL: %s\n' "$*" >&2
  exit 1
}
check() { printf '  ok: %s\n' "$*"; }
# unit_value UNIT KEY: the last value of KEY= in UNIT (systemd's rule for these keys).
unit_value() { sed -n "s/^$2=//p" "$1" | tail -1; }

# 1. The installed units, as systemd would load them.
systemd-analyze verify "$server_unit" "$agent_unit" "$units/lifeline-agent.timer" >"$work/verify.log" 2>&1 ||
  {
    cat "$work/verify.log"
    fail "systemd-analyze verify refused the installed units"
  }
[ -s "$work/verify.log" ] && {
  cat "$work/verify.log"
  fail "systemd-analyze verify warned about the installed units"
}
check "systemd-analyze verify: lifeline-server.service, lifeline-agent.service, lifeline-agent.timer"

# 2. What the packages set up.
[ "$(stat -c '%U:%G %a' /etc/lifeline)" = "root:lifeline 750" ] || fail "/etc/lifeline is $(stat -c '%U:%G %a' /etc/lifeline)"
[ "$(stat -c '%U:%G %a' /var/lib/lifeline)" = "lifeline:lifeline 700" ] ||
  fail "/var/lib/lifeline is $(stat -c '%U:%G %a' /var/lib/lifeline)"
[ "$(getent passwd lifeline | cut -d: -f6,7)" = "/var/lib/lifeline:/usr/sbin/nologin" ] ||
  fail "user lifeline: $(getent passwd lifeline)"
[ -L /etc/systemd/system/multi-user.target.wants/lifeline-server.service ] || fail "lifeline-server.service not enabled"
[ -L /etc/systemd/system/timers.target.wants/lifeline-agent.timer ] || fail "lifeline-agent.timer not enabled"
grep -qx /etc/lifeline/server.json /var/lib/dpkg/info/lifeline-server.conffiles || fail "server.json is not a conffile"
check "user lifeline, /etc/lifeline root:lifeline 0750, /var/lib/lifeline 0700, units enabled, server.json a conffile"

# 3. The server's command line, user and process settings, from its installed unit.
exec_start=$(unit_value "$server_unit" ExecStart)
user=$(unit_value "$server_unit" User)
group=$(unit_value "$server_unit" Group)
umask_value=$(unit_value "$server_unit" UMask)
state_dir=/var/lib/$(unit_value "$server_unit" StateDirectory)
directory=$(unit_value "$server_unit" WorkingDirectory)
{ [ -n "$exec_start" ] && [ -n "$user" ] && [ -n "$group" ]; } || fail "no ExecStart, User or Group in $server_unit"
read -r -a command <<<"$exec_start"
[ "${command[-1]}" = serve ] || fail "ExecStart does not end with serve: $exec_start"
operator=("${command[@]:0:${#command[@]}-1}") # the same options, another command
# service_exec COMMAND...: becomes COMMAND as the unit runs its process (user, groups, umask,
# directory, a clean environment with what systemd sets for a User= service).
service_exec() {
  umask "${umask_value:-0022}"
  cd "${directory:-/}"
  exec setpriv --reuid="$user" --regid="$group" --init-groups -- \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin HOME="$state_dir" USER="$user" \
    LOGNAME="$user" SHELL=/usr/sbin/nologin LANG=C.UTF-8 "$@"
}
as_service() { (service_exec "$@"); }
ll() { as_service "${operator[@]}" "$@"; }

# 4. A world valid today: a product in Custom Support, a customer enrolled, an update published.
today=$(date -u +%F)
start=$(date -u -d "$today - 30 days" +%F)
cat >"$work/products.json" <<JSON
{"products": [{"id": "pkgtest-app", "name": "Package Test App", "family": "Windows Server",
  "version": "1.0", "service_pack": "SP1", "latest_service_pack": "SP1",
  "mainstream_end": "$(date -u -d "$start - 1000 days" +%F)", "support_end": "$(date -u -d "$start - 1 day" +%F)",
  "custom_support": {"start": "$start", "end": "$(date -u -d "$start + 3 years - 1 day" +%F)"}, "prerelease": false}]}
JSON
cat >"$work/order.json" <<JSON
{"customer": {"id": "pkgtest", "name": "Package Test Ltd"},
 "support": {"level": 2, "start": "$start", "end": "$(date -u -d "$start + 2 years" +%F)"},
 "sites": ["lab"],
 "contacts": [{"email": "ops@pkgtest.example", "name": "Ops"}],
 "additional_contacts": 0,
 "enrolments": [{"product": "pkgtest-app", "type": "standard", "start": "$start", "important_addon": false,
   "languages": ["en-US"],
   "migration_plan": {"devices": 2, "quarters": [{"start": "$start", "devices": 2}],
     "completion": "$(date -u -d "$start + 2 years" +%F)"},
   "purchases": []}],
 "hotfix_purchases": []}
JSON
cat >"$work/KB5000001.json" <<JSON
{"id": "KB5000001", "kind": "security", "title": "Security update for Package Test App",
 "released": "$today", "cves": ["CVE-2026-0001"],
 "products": [{"product": "pkgtest-app", "severity": "critical"}],
 "requires_service_pack": "SP1", "language": "en-US", "supersedes": [], "regression_tested": true}
JSON
mkdir -p "$work/payload/bin"
echo "patched by KB5000001" >"$work/payload/bin/app.txt"
tar -C "$work/payload" -cf "$work/KB5000001.tar" bin
chmod -R a+rX "$work"

# The effective configuration, as the unit's options give it: the shipped server.json.
ll config show >"$work/config.txt" 2>&1 || {
  cat "$work/config.txt"
  fail "${operator[*]} config show, as $user"
}
{ grep -q /var/lib/lifeline "$work/config.txt" && grep -q 127.0.0.1:8443 "$work/config.txt"; } ||
  fail "config show does not give the shipped data directory and listen address: $(cat "$work/config.txt")"
check "${operator[*]} config show: /var/lib/lifeline, 127.0.0.1:8443"
ll init >"$work/init.log" 2>&1 || {
  cat "$work/init.log"
  fail "${operator[*]} init, as $user (the unit's options)"
}
ll products apply "$work/products.json" >/dev/null || fail "products apply"
ll orders apply "$work/order.json" >/dev/null || fail "orders apply"
ll publish --manifest "$work/KB5000001.json" --payload "$work/KB5000001.tar" >/dev/null || fail "publish"
contact=$(ll contacts credential --email ops@pkgtest.example 2>/dev/null) || fail "contacts credential"
[ -z "$(find "$state_dir" ! -user "$user")" ] || fail "files in $state_dir not owned by $user: $(find "$state_dir" ! -user "$user")"
check "as $user on $state_dir: init, a product, an order, KB5000001 published, a contact's credential"

# 5. The server, as its unit starts it.
service_exec "${command[@]}" >"$work/server.out" 2>"$work/server.err" & # $! is the server itself
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$work/server.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/server.out")
[ -n "$base" ] || {
  cat "$work/server.err"
  fail "the server did not start: ${command[*]}"
}
# (minbase has no ps) real, effective, saved and file-system user and group ids, and groups
ids=$(awk '/^(Uid|Gid|Groups):/ {$1 = ""; printf "%s;", $0}' "/proc/$server_pid/status")
uid=$(id -u "$user")
gid=$(getent group "$group" | cut -d: -f3)
[ "$ids" = " $uid $uid $uid $uid; $gid $gid $gid $gid; $gid;" ] || fail "the server runs with ids $ids, not $user:$group"
check "the server runs as $user: ${command[*]} ($base)"

# 6. A designated contact makes an enrolment token with lifeline; the agent registers and syncs.
root_json=$state_dir/repository/metadata/1.root.json
export LIFELINE_CONFIG_DIR=$work/contact
printf '%s\n' "$contact" | lifeline login --server "$base" --root "$root_json" --credential-file - >/dev/null ||
  fail "lifeline login"
lifeline enrolment-token create --site lab --product pkgtest-app >"$work/token" 2>"$work/token.err" ||
  fail "lifeline enrolment-token create: $(cat "$work/token.err")"
check "lifeline: logged in, enrolment token created"

install -m 0644 "$root_json" /etc/lifeline/root.json
mkdir -p /opt/pkgtest-app/bin
echo "as shipped" >/opt/pkgtest-app/bin/app.txt
cat >/etc/lifeline/agent.json <<JSON
{"server": "$base", "trusted_root": "/etc/lifeline/root.json", "state_dir": "/var/lib/lifeline-agent",
 "retries": 1, "retry_base_milliseconds": 100,
 "instances": [{"name": "app", "product": "pkgtest-app", "version": "1.0", "service_pack": "SP1",
   "language": "en-US", "architecture": "x64", "install_root": "/opt/pkgtest-app"}]}
JSON
agent_exec=$(unit_value "$agent_unit" ExecStart)
read -r -a agent_command <<<"$agent_exec"
[ "${agent_command[-1]}" = sync ] || fail "the agent's ExecStart does not end with sync: $agent_exec"
agent_umask=$(unit_value "$agent_unit" UMask)
(umask "${agent_umask:-0022}" && "${agent_command[@]:0:${#agent_command[@]}-1}" register --instance app --token-file "$work/token") \
  >"$work/register.log" 2>&1 || {
  cat "$work/register.log"
  fail "lifeline-agent register"
}
check "lifeline-agent registered with the token"
(umask "${agent_umask:-0022}" && cd / && "${agent_command[@]}") >"$work/sync.log" 2>&1 || {
  cat "$work/sync.log"
  fail "lifeline-agent sync, as its unit runs it: $agent_exec"
}
[ "$(cat /opt/pkgtest-app/bin/app.txt)" = "patched by KB5000001" ] || {
  cat "$work/sync.log"
  fail "KB5000001 is not installed in /opt/pkgtest-app"
}
lifeline-agent --config /etc/lifeline/agent.json status --json >"$work/status.json"
grep -q '"update": "KB5000001"' "$work/status.json" ||
  fail "the agent's ledger does not list KB5000001 installed: $(cat "$work/status.json")"
grep -q '"reports_queued": 0' "$work/status.json" ||
  fail "the agent's install report did not reach the server: $(cat "$work/status.json")"
[ "$(stat -c '%a' /var/lib/lifeline-agent)" = 700 ] || fail "/var/lib/lifeline-agent is $(stat -c '%a' /var/lib/lifeline-agent)"
check "lifeline-agent sync ($agent_exec): KB5000001 installed, in its ledger, reported: $(head -2 "$work/sync.log" | tr -s ' \n' ' ')"

# The runbook's backup while the server runs, and its check (docs/operations.md, docs/backup.md).
install -d -o "$user" -g "$group" -m 0700 /var/backups/lifeline
backup=/var/backups/lifeline/package-test.tar
ll backup --out "$backup" >"$work/backup.log" 2>&1 || {
  cat "$work/backup.log"
  fail "${operator[*]} backup --out $backup, as $user, while the server runs"
}
[ "$(stat -c '%U %a' "$backup")" = "$user 600" ] || fail "the backup is $(stat -c '%U %a' "$backup")"
ll check >"$work/check.log" 2>&1 || {
  cat "$work/check.log"
  fail "${operator[*]} check on the running server's data"
}
check "backup as $user while serving ($(head -1 "$work/backup.log" | cut -c1-80)...), check healthy"

# 7. The server stops on SIGTERM.
kill -TERM "$server_pid"
for _ in $(seq 100); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$server_pid" 2>/dev/null && fail "the server did not stop on SIGTERM"
wait "$server_pid" || fail "the server exited with status $? on SIGTERM"
trap - EXIT
grep -qx stopped "$work/server.out" || fail "the server did not say stopped"
check "the server stopped on SIGTERM"

# The runbook's restore, as root with the service stopped: the restored directory takes the
# place of /var/lib/lifeline, is given to the service user and checked. The boot that follows
# serves from it.
mv "$state_dir" /var/lib/lifeline.before-restore
lifeline-server --data "$state_dir" restore --from "$backup" >"$work/restore.log" 2>&1 || {
  cat "$work/restore.log"
  fail "lifeline-server --data $state_dir restore --from $backup"
}
chown -R "$user:$group" "$state_dir"
ll check --trusted-root /etc/lifeline/root.json >"$work/check-restored.log" 2>&1 || {
  cat "$work/check-restored.log"
  fail "check --trusted-root (the root shipped to the agent) after the restore"
}
[ "$(stat -c '%U:%G %a' "$state_dir")" = "$user:$group 700" ] || fail "$state_dir after the restore: $(stat -c '%U:%G %a' "$state_dir")"
[ -d "$state_dir/repository/targets/pkgtest-app/KB5000001" ] || fail "KB5000001's payload is not in the restored data"
check "restored as root into $state_dir (the runbook's steps), checked healthy from the shipped root; the boot below serves from it"

# For the boot that follows (package-boot-probe.sh): a second update, for the agent to install
# when systemd runs it.
sed 's/KB5000001/KB5000002/g; s/CVE-2026-0001/CVE-2026-0002/' "$work/KB5000001.json" >"$work/KB5000002.json"
echo "patched by KB5000002" >"$work/payload/bin/app.txt"
tar -C "$work/payload" -cf "$work/KB5000002.tar" bin
chmod -R a+rX "$work"
ll publish --manifest "$work/KB5000002.json" --payload "$work/KB5000002.tar" >/dev/null || fail "publish KB5000002"
check "KB5000002 published, for the agent under systemd"
