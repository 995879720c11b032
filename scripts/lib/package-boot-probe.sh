#!/bin/bash
# Run by systemd in the root that scripts/package-test.sh boots with systemd-nspawn (a oneshot
# unit after lifeline-server.service): the server as systemd started it from its unit, and the
# agent's unit started by systemd. Each line of /probe/result is "ok: ..." or "FAIL: ...";
# then the machine powers off.
set -uo pipefail

out=/probe/result
ok() { echo "ok: $*" >>"$out"; }
bad() { echo "FAIL: $*" >>"$out"; }

for _ in $(seq 100); do
  journalctl -u lifeline-server --no-pager -q | grep -q 'listening on ' && break
  sleep 0.1
done
if [ "$(systemctl is-active lifeline-server.service)" = active ]; then
  pid=$(systemctl show -p MainPID --value lifeline-server.service)
  status=$(grep -E '^(Uid|Gid|CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$pid/status" | tr -s '\t' ' ' | tr '\n' ';')
  uid=$(id -u lifeline)
  gid=$(getent group lifeline | cut -d: -f3)
  # (in the order of /proc/PID/status)
  expected="Uid: $uid $uid $uid $uid;Gid: $gid $gid $gid $gid;CapEff: 0000000000000000;CapBnd: 0000000000000000;NoNewPrivs: 1;Seccomp: 2;"
  if [ "$status" = "$expected" ]; then
    ok "systemd started lifeline-server.service: $(tr '\0' ' ' <"/proc/$pid/cmdline")as lifeline, no capabilities, no new privileges, a seccomp filter"
  else
    bad "lifeline-server.service runs with $status"
  fi
  journalctl -u lifeline-server --no-pager -q | grep 'listening on ' | tail -1 | sed 's/^/ok: /' >>"$out"
else
  bad "lifeline-server.service is $(systemctl is-active lifeline-server.service)"
  journalctl -u lifeline-server --no-pager -q | tail -20 | sed 's/^/  /' >>"$out"
fi

if systemctl start lifeline-agent.service; then
  if [ "$(cat /opt/pkgtest-app/bin/app.txt)" = "patched by KB5000002" ]; then
    ok "systemctl start lifeline-agent.service: KB5000002 installed"
  else
    bad "lifeline-agent.service ran, but KB5000002 is not installed"
  fi
else
  bad "lifeline-agent.service failed"
fi
{
  journalctl -u lifeline-agent.service --no-pager -q | tail -8 | sed 's/^/  /'
  systemctl is-enabled lifeline-agent.timer | sed 's/^enabled$/ok: lifeline-agent.timer enabled/; t; s/^/FAIL: lifeline-agent.timer /'
  systemctl is-active lifeline-agent.timer | sed 's/^active$/ok: lifeline-agent.timer active/; t; s/^/FAIL: lifeline-agent.timer /'
  echo "end"
} >>"$out"
systemctl poweroff
