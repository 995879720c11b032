#!/usr/bin/env bash
# make demo: a small realistic scenario on a throw-away data directory. Two customers, the
# products of the lifecycle table, a few updates; a table of entitlement decisions with their
# reasons and a billing statement; then the server on loopback: devices enrol with tokens, check
# in, download what the rules allow, report an install; the customers' compliance and the
# dashboard's address. The server is stopped at the end unless --keep asks to keep it up.
set -euo pipefail

build_dir=${1:-build}
keep=false # --keep: the server stays up at the end, for the dashboard
[ "${2:-}" = --keep ] && keep=true
server="$build_dir/server/lifeline-server"
examples="$(cd "$(dirname "$0")/../examples" && pwd)"
data=$(mktemp -d "${TMPDIR:-/tmp}/lifeline-demo-XXXXXX")
trap 'rm -rf "$data"' EXIT

ll() { "$server" --data "$data" "$@"; }
section() { printf '\n== %s\n' "$1"; }

section "Catalog: products (from the lifecycle table), updates, service orders"
ll products apply "$examples/products.json"
for manifest in "$examples"/updates/*.json; do ll updates add "$manifest"; done
ll orders apply "$examples/order-contoso.json"
ll orders apply "$examples/order-fabrikam.json"

section "Devices register (CS-5 caps the count per programme quarter, CS-6 the sites)"
reg() { ll devices register --customer "$1" --site "$2" --product "$3" --service-pack "$4" --language "$5" --id "$6" --at "$7" || true; }
reg contoso paris sql-server-2005-sp4 SP4 en-US sql-paris-1 2016-10-20
reg contoso paris sql-server-2005-sp4 SP4 en-US sql-paris-2 2016-10-21
reg contoso lyon  sql-server-2005-sp4 SP3 en-US sql-lyon-1  2016-10-22
reg contoso lyon  sql-server-2005-sp4 SP4 en-US sql-lyon-2  2016-10-23
reg contoso berlin sql-server-2005-sp4 SP4 en-US sql-berlin-1 2016-10-24
reg contoso paris windows-server-2003-sp2 SP2 fr-FR ws-paris-1 2016-06-01
reg contoso paris windows-server-2003-sp2 SP2 fr-FR ws-paris-2 2016-06-01
reg fabrikam seattle windows-xp-sp3 SP3 en-US xp-seattle-1 2014-05-01

section "Entitlement decisions"
printf '%-6s %-10s %-24s %-10s %-26s %s\n' decide update "device/contact" date product reasons
check() { ll entitlement check --brief "$@" || true; }
check --device sql-paris-1 --update KB4057113 --at 2017-01-12
check --device sql-lyon-1 --update KB4057113 --at 2017-01-12
check --device sql-paris-2 --update KB4057113 --at 2017-01-20
check --device sql-paris-2 --update KB4057113 --at 2017-04-20
check --device sql-paris-1 --update KB4019089 --at 2017-02-01
check --device sql-paris-1 --update KB4091664 --at 2017-03-20
check --device sql-paris-1 --update KB4057113 --at 2018-01-10
check --device ws-paris-1 --update KB4012598 --at 2017-05-20
check --contact alice@contoso.example --update KB3210001 --at 2016-11-10
check --contact mallory@example.com --update KB4057113 --at 2017-02-01
check --device xp-seattle-1 --update KB4012598 --at 2016-01-10
check --device xp-seattle-1 --update KB4012598 --at 2016-04-10
check --contact carol@fabrikam.example --update KB4012598 --at 2016-03-01
check --contact carol@fabrikam.example --update KB3210001 --at 2016-11-10

section "Installs: an Essentials purchase of 1 device is consumed once"
ll installs record --device ws-paris-1 --update KB4012598 --at 2017-05-20 || true
ll installs record --device ws-paris-2 --update KB4012598 --at 2017-05-20 || true

section "Billing (CS-10): retroactive to the programme's first day"
ll billing statement --customer contoso --product sql-server-2005-sp4 --at 2017-02-01
ll billing statement --customer fabrikam --product windows-xp-sp3 --at 2016-06-01

section "Signing: a TUF repository, published updates, a device's entitlement statement"
ll init 2>/dev/null
printf 'critical fix for SQL Server 2005 SP4\n' >"$data/KB4057113.cab"
printf 'important fix for SQL Server 2005 SP4\n' >"$data/KB4019089.cab"
ll publish --manifest "$examples/updates/KB4057113.json" --payload "$data/KB4057113.cab"
ll publish --manifest "$examples/updates/KB4019089.json" --payload "$data/KB4019089.cab"
ll repository status
echo "entitlement statement of sql-paris-1 on 2017-01-12 (KB4019089 is Important: not listed):"
ll entitlement statement --device sql-paris-1 --at 2017-01-12 | grep -o '"targets":\[[^]]*\]'

section "The server: devices enrol with tokens, check in, download what the rules allow"
work="$data/http"
mkdir -p "$work"
data="$work/data"
# shellcheck source=lib/world.sh
source "$(dirname "$0")/lib/world.sh"
world_catalog
printf 'critical fix for SQL Server 2005 SP4\n' >"$work/KB4057113.cab"
printf 'important fix for SQL Server 2005 SP4\n' >"$work/KB4019089.cab"
printf 'WannaCry fix for Windows Server 2003\n' >"$work/KB4012598.cab"
for kb in KB4057113 KB4019089 KB4012598; do world_publish "$kb" "$work/$kb.cab"; done
alice=$(ll contacts credential --email alice@contoso.example 2>/dev/null)
carol=$(ll contacts credential --email carol@fabrikam.example 2>/dev/null)
# Fabrikam enrolled two XP machines in 2014; its contract ended in June 2016.
for id in xp-seattle-1 xp-seattle-2; do
  ll devices register --customer fabrikam --site seattle --product windows-xp-sp3 --service-pack SP3 \
    --language en-US --id "$id" --at 2014-05-01 >/dev/null
done
operator=$(ll tokens create --role operator --name demo 2>/dev/null)
world_serve 2017-01-12
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "${data%/http/data}"' EXIT
echo "server on $base, clock at 2017-01-12 (contoso's SQL Server plan allows 3 devices this quarter)"
api PUT /v1/orders "$operator" "$(cat "$examples/order-contoso.json")" >/dev/null
echo "operator re-applied contoso's order over HTTP: $(cat "$work/status")"

declare -A devices
enrol() { # NAME SITE PRODUCT SP LANGUAGE
  local credential
  if credential=$(enrol_device "$alice" "$2" "$3" "$4" "$5" 2>"$work/refusal") && [ -n "$credential" ]; then
    devices[$1]=$credential
    echo "  $1: registered ($3 $4 $5 at $2)"
  else
    echo "  $1: refused $(python3 -c 'import json,sys; print(json.load(sys.stdin).get("reasons"))' <"$work/refusal")"
  fi
}
echo "alice creates enrolment tokens; devices register with them:"
enrol sql-1 paris sql-server-2005-sp4 SP4 en-US
enrol sql-2 paris sql-server-2005-sp4 SP4 en-US
enrol sql-3 lyon sql-server-2005-sp4 SP4 en-US
enrol sql-4 lyon sql-server-2005-sp4 SP4 en-US
enrol ws-1 paris windows-server-2003-sp2 SP2 fr-FR
enrol ws-2 paris windows-server-2003-sp2 SP2 fr-FR

echo "check-in, then a download of everything published for the device's product:"
for name in sql-1 ws-1 ws-2; do
  api POST /v1/devices/me/check-in "${devices[$name]}" "{\"service_pack\":\"SP$([ "${name%-*}" = sql ] && echo 4 || echo 2)\",\"language\":\"$([ "${name%-*}" = sql ] && echo en-US || echo fr-FR)\"}" >"$work/check-in.json"
  python3 - "$name" "$work/check-in.json" <<'PY'
import json, sys
name, answer = sys.argv[1], json.load(open(sys.argv[2]))
offered = ", ".join(u["kb"] for u in answer["updates"]) or "nothing"
print(f"  {name}: offered {offered}; statement lists {len(answer['entitlement_statement']['signed']['targets'])} target(s)")
for w in answer["withheld"]:
    why = ", ".join(w["reasons"]) or f"superseded by {w['superseded_by']}"
    print(f"  {name}: withheld {w['kb']}: {why}")
PY
  product=$( [ "${name%-*}" = sql ] && echo sql-server-2005-sp4 || echo windows-server-2003-sp2)
  for file in "$data/repository/targets/$product"/*/*; do
    path=${file#"$data/repository/targets/"}
    api GET "/v1/repository/targets/$path" "${devices[$name]}" >"$work/download"
    code=$(cat "$work/status")
    reasons=$([ "$code" = 200 ] || python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["reasons"]))' <"$work/download")
    echo "  $name: GET $(cut -d/ -f2 <<<"$path") -> $code $reasons"
  done
done
api POST /v1/devices/me/reports "${devices[sql-1]}" '{"report_id":"demo-1","update":"KB4057113","outcome":"installed"}' >/dev/null
echo "sql-1 reported KB4057113 installed: $(cat "$work/status")"
echo
log_in() { # NAME CREDENTIAL: lifeline logged in with its session under $work/NAME-lifeline
  export LIFELINE_CONFIG_DIR="$work/$1-lifeline"
  printf '%s\n' "$2" | "$build_dir/cli/lifeline" login --server "$base" \
    --root "$data/repository/metadata/1.root.json" --credential-file - >/dev/null
}
echo "contoso's compliance, as alice reads it with lifeline (the contacts' command line):"
log_in alice "$alice"
"$build_dir/cli/lifeline" compliance products
echo
"$build_dir/cli/lifeline" compliance devices
echo
"$build_dir/cli/lifeline" compliance migration
echo
echo "fabrikam's compliance, as carol reads it (its contract ended on 2016-06-30):"
log_in carol "$carol"
"$build_dir/cli/lifeline" compliance products
echo
echo "The dashboard: $base/dashboard (log in with a designated contact's or an operator's credential)."
if [ "$keep" = true ]; then
  printf 'alice (contoso):  %s\ncarol (fabrikam): %s\noperator:         %s\n' "$alice" "$carol" "$operator"
  echo "The server stays up until you press Ctrl-C; its clock is at 2017-01-12."
  wait "$server_pid" 2>/dev/null || true
else
  echo "(make demo KEEP=1 keeps the server up and prints demo credentials to log in with.)"
fi
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
echo "server stopped"

printf '\nDemo data was removed on exit. See docs/cli.md and docs/api.md for every command and endpoint.\n'
