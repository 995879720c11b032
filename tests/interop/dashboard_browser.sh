#!/usr/bin/env bash
# The dashboard in a real headless browser (Debian's chromium driven by playwright-core): log in
# as a designated contact, see the burn-down chart and the device table, be refused another
# customer's page, log out. Screenshots are kept in BUILD_DIR/artifacts/.
# Usage: dashboard_browser.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$(cd "$2" && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: Node.js and npm are needed to drive the browser"
  exit 77
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "FAIL: /usr/bin/chromium is missing: scripts/install-deps.sh installs Debian's chromium" >&2
  exit 1
fi
# shellcheck source=../../scripts/lib/world.sh
source "$source_dir/scripts/lib/world.sh"
tools=$(npm_tools dashboard)

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

server="$build_dir/server/lifeline-server"
examples="$source_dir/examples"
data="$work/data"
world_catalog
for kb in KB4057113 KB4019089; do
  printf 'payload of %s\n' "$kb" >"$work/$kb.cab"
  world_publish "$kb" "$work/$kb.cab"
done
# Contoso's fleets: the SQL Server plan allows 3 devices, then 2, then 1 per quarter, so by
# April 2017 its 3 devices are over the plan; two Windows Server 2003 devices within theirs.
register() { ll devices register --customer contoso --site "$1" --product "$2" --service-pack "$3" --language "$4" \
  --id "$5" --at "$6" >/dev/null; }
register paris sql-server-2005-sp4 SP4 en-US sql-paris-1 2016-10-20
register paris sql-server-2005-sp4 SP4 en-US sql-paris-2 2016-10-21
register lyon sql-server-2005-sp4 SP4 en-US sql-lyon-1 2016-10-22
register paris windows-server-2003-sp2 SP2 fr-FR ws-paris-1 2016-06-01
register paris windows-server-2003-sp2 SP2 fr-FR ws-paris-2 2016-06-01
ll installs record --device sql-paris-1 --update KB4057113 --at 2017-01-12 >/dev/null
alice=$(ll contacts credential --email alice@contoso.example)

world_serve 2017-04-20
mkdir -p "$build_dir/artifacts"
node "$tools/dashboard-check.mjs" "$base" "$alice" contoso fabrikam sql-lyon-1 "$build_dir/artifacts/dashboard.png"
