#!/usr/bin/env bash
# The nginx site of docs/nginx.md, run as documented in front of lifeline-server
# --accel-redirect: an allowed payload comes from nginx's internal location (whole and by Range),
# a denied one is the server's 403 with its reason codes, and the audit names the client.
# Usage: nginx_accel.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
if [ ! -x "$(command -v nginx || echo /usr/sbin/nginx)" ]; then
  echo "SKIP: nginx is not installed (make deps)"
  exit 77
fi
server="$build_dir/server/lifeline-server"
examples="$source_dir/examples"
work=$(mktemp -d)
chmod 755 "$work"
data="$work/data"
server_pid=""
nginx_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../../scripts/lib/world.sh
source "$source_dir/scripts/lib/world.sh"

world_catalog
printf 'critical fix for SQL Server 2005 SP4\n' >"$work/KB4057113.cab"
printf 'important fix\n' >"$work/KB4019089.cab"
world_publish KB4057113 "$work/KB4057113.cab"
world_publish KB4019089 "$work/KB4019089.cab"
chmod o+x "$data" # as docs/nginx.md says: traverse only; keys and catalog stay private
chmod -R o+rX "$data/repository"
contact=$(ll contacts credential --email alice@contoso.example 2>/dev/null)
world_serve 2017-01-12 --accel-redirect /lifeline-payloads --trusted-proxy 127.0.0.1
upstream_port=${base##*:}
device=$(enrol_device "$contact" paris sql-server-2005-sp4 SP4 en-US)

port=$(free_port)
site=$(sed -n '/<!-- BEGIN nginx-site -->/,/<!-- END nginx-site -->/p' "$source_dir/docs/nginx.md" | sed '/^```/d; /^<!--/d')
site=$(sed -e "s|server 127.0.0.1:8443;|server 127.0.0.1:$upstream_port;|" \
  -e "s|listen 443 ssl;|listen 127.0.0.1:$port;|" -e '/ssl_certificate/d' \
  -e "s|/var/lib/lifeline/|$data/|" <<<"$site")
world_nginx 1 "$site"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done

fail() { echo "FAIL: $*" >&2; cat "$work/nginx/error.log" >&2 || true; exit 1; }
target() { (cd "$data/repository/targets" && ls "sql-server-2005-sp4/$1/"*); }
url="http://127.0.0.1:$port/v1/repository/targets/$(target KB4057113)"

status=$(curl -s -o "$work/got" -w '%{http_code}' -H "Authorization: Bearer $device" "$url")
[ "$status" = 200 ] || fail "allowed download answered $status"
cmp -s "$work/got" "$work/KB4057113.cab" || fail "the bytes differ"
status=$(curl -s -o "$work/part" -w '%{http_code}' -H "Authorization: Bearer $device" -H 'Range: bytes=9-' "$url")
[ "$status" = 206 ] || fail "Range answered $status"
cmp -s "$work/part" <(tail -c +10 "$work/KB4057113.cab") || fail "the range bytes differ"
echo "allowed: 200 and 206 through nginx's internal location"

status=$(curl -s -o "$work/denied" -w '%{http_code}' -H "Authorization: Bearer $device" \
  "http://127.0.0.1:$port/v1/repository/targets/$(target KB4019089)")
[ "$status" = 403 ] || fail "denied download answered $status"
grep -q IMPORTANT_ADDON_REQUIRED "$work/denied" || fail "the 403 lost its reason: $(cat "$work/denied")"
echo "denied: 403 with IMPORTANT_ADDON_REQUIRED"

status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/lifeline-payloads/$(target KB4057113)")
[ "$status" = 404 ] || fail "the internal location answered $status to a direct request"
echo "internal: a direct request gets 404"

api GET /v1/audit "$contact" | grep -q '"from":"127.0.0.1"' || fail "the audit does not name the client"
echo "PASS"
