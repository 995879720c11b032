#!/usr/bin/env bash
# make demo: a small realistic scenario on a throw-away data directory. Two customers, the
# products of the lifecycle table, a few updates; then a table of entitlement decisions with
# their reasons and a billing statement.
set -euo pipefail

build_dir=${1:-build}
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

printf '\nDemo data was in %s (removed on exit). See docs/cli.md for every command.\n' "$data"
