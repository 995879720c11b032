#!/usr/bin/env bash
# ctest packaging_check: what can be checked about the packages without building them.
#   - the systemd units from the source tree pass systemd-analyze verify (any message fails),
#     with ExecStart pointed at the binaries of this build (verify wants them to exist), and
#     their exposure (systemd-analyze security) stays within bounds;
#   - the maintainer scripts are valid sh (sh -n, and shellcheck when installed);
#   - `cmake --install` installs exactly the files the packages are meant to ship.
# Exit 77 (skipped) without systemd-analyze.
set -euo pipefail

source_dir=$1
build_dir=$2
server_binary=$3
agent_binary=$4
command -v systemd-analyze >/dev/null || {
  echo "systemd-analyze is not installed: skipped"
  exit 77
}
work=$(mktemp -d "${TMPDIR:-/tmp}/lifeline-packaging-XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}

mkdir "$work/units"
cp "$source_dir"/packaging/systemd/* "$work/units/"
sed -i "s|/usr/bin/lifeline-server|$server_binary|; s|/usr/bin/lifeline-agent|$agent_binary|" "$work/units/"*.service
(cd "$work/units" && systemd-analyze verify lifeline-server.service lifeline-agent.service lifeline-agent.timer) \
  >"$work/verify.log" 2>&1 || fail "systemd-analyze verify failed"
if [ -s "$work/verify.log" ]; then
  cat "$work/verify.log"
  fail "systemd-analyze verify has something to say about the units"
fi
# Exposure on systemd's 0-10 scale, times ten: the server at most 2.0, the root agent 3.0.
for bound in lifeline-server.service:20 lifeline-agent.service:30; do
  unit=${bound%:*}
  (cd "$work/units" && systemd-analyze security --offline=true --threshold="${bound#*:}" "$unit") >"$work/security.log" 2>&1 ||
    fail "$unit: $(tail -1 "$work/security.log") (bound ${bound#*:}/100)"
  echo "$unit: $(tail -1 "$work/security.log")"
done

for script in "$source_dir"/packaging/debian/*/*; do
  sh -n "$script" || fail "$script is not valid sh"
  [ -x "$script" ] || fail "$script is not executable"
done
if command -v shellcheck >/dev/null; then
  shellcheck -s sh "$source_dir"/packaging/debian/*/* || fail "shellcheck on the maintainer scripts"
  shellcheck "$source_dir"/scripts/package-test.sh "$source_dir"/scripts/lib/package-scenario.sh \
    "$source_dir"/scripts/lib/package-boot-probe.sh ||
    fail "shellcheck on the package test"
fi

DESTDIR="$work/install" cmake --install "$build_dir" --prefix /usr >/dev/null || fail "cmake --install"
(cd "$work/install" && find . -type f | sed 's|^\.||' | LC_ALL=C sort) >"$work/installed.txt"
LC_ALL=C sort >"$work/expected.txt" <<'LIST'
/etc/lifeline/server.json
/lib/systemd/system/lifeline-agent.service
/lib/systemd/system/lifeline-agent.timer
/lib/systemd/system/lifeline-server.service
/usr/bin/lifeline
/usr/bin/lifeline-agent
/usr/bin/lifeline-server
/usr/bin/lifeline-sign
/usr/share/doc/lifeline-agent/agent.md
/usr/share/doc/lifeline-agent/configuration.md
/usr/share/doc/lifeline-agent/examples/agent.json
/usr/share/doc/lifeline-server/README.md
/usr/share/doc/lifeline-server/advisories.md
/usr/share/doc/lifeline-server/api.md
/usr/share/doc/lifeline-server/api/openapi.yaml
/usr/share/doc/lifeline-server/architecture.md
/usr/share/doc/lifeline-server/backup.md
/usr/share/doc/lifeline-server/cli.md
/usr/share/doc/lifeline-server/configuration.md
/usr/share/doc/lifeline-server/dashboard.md
/usr/share/doc/lifeline-server/documents.md
/usr/share/doc/lifeline-server/examples/order-contoso.json
/usr/share/doc/lifeline-server/examples/order-fabrikam.json
/usr/share/doc/lifeline-server/examples/product-mapping.json
/usr/share/doc/lifeline-server/examples/products.json
/usr/share/doc/lifeline-server/examples/updates/KB3210001.json
/usr/share/doc/lifeline-server/examples/updates/KB4012598.json
/usr/share/doc/lifeline-server/examples/updates/KB4019089.json
/usr/share/doc/lifeline-server/examples/updates/KB4057113.json
/usr/share/doc/lifeline-server/examples/updates/KB4091664.json
/usr/share/doc/lifeline-server/nginx.md
/usr/share/doc/lifeline-server/operations.md
/usr/share/doc/lifeline-server/packaging.md
/usr/share/doc/lifeline-server/rules.md
/usr/share/doc/lifeline-server/signing.md
/usr/share/doc/lifeline/configuration.md
/usr/share/doc/lifeline/contacts-cli.md
LIST
if ! diff -u "$work/expected.txt" "$work/installed.txt"; then
  fail "cmake --install installs other files than the packages ship (- expected, + installed)"
fi
# The shipped files, read by the binaries' own strict loaders (an unknown or misspelt setting fails).
"$build_dir/server/lifeline-server" --config "$source_dir/packaging/etc/server.json" config show >/dev/null ||
  fail "lifeline-server refuses the shipped server.json"
"$build_dir/agent/lifeline-agent" --config "$source_dir/packaging/examples/agent.json" config show >/dev/null ||
  fail "lifeline-agent refuses the example agent.json"

[ "$failed" = 0 ] && echo "packaging_check: PASS"
exit "$failed"
