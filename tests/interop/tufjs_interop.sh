#!/usr/bin/env bash
# Interoperability with the reference TypeScript client, both ways, over loopback:
#  1. tuf-js 5.0.1 refreshes a repository published by lifeline-server and downloads targets;
#  2. our verifier accepts a repository built with @tufjs/models, and refuses tampered copies.
# Usage: tufjs_interop.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: Node.js and npm are needed for the tuf-js interoperability test"
  exit 77
fi
# shellcheck source=../../scripts/lib/world.sh
source "$source_dir/scripts/lib/world.sh"
tools=$(npm_tools tufjs)

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

serve() { # DIR -> sets port
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  # Removed first: the new server's redirect truncates the file only once it has started, and
  # until then the old server's port would be read.
  rm -f "$work/port"
  node "$tools/serve.mjs" --dir "$1" --port 0 >"$work/port" 2>/dev/null &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  port=$(head -1 "$work/port")
}

server="$build_dir/server/lifeline-server"
client="$build_dir/tests/tuf-conformance-client"

echo "== 1. tuf-js reads a repository lifeline-server published"
data="$work/data"
"$server" --data "$data" products apply "$source_dir/examples/products.json" >/dev/null
"$server" --data "$data" init >/dev/null 2>&1
printf 'payload of KB4057113\n' >"$work/KB4057113.cab"
head -c 100000 /dev/urandom >"$work/KB4012598.cab"
"$server" --data "$data" publish --manifest "$source_dir/examples/updates/KB4057113.json" --payload "$work/KB4057113.cab"
"$server" --data "$data" publish --manifest "$source_dir/examples/updates/KB4012598.json" --payload "$work/KB4012598.cab"
"$server" --data "$data" repository export --out "$work/export" >/dev/null
serve "$work/export"
node "$tools/refresh-and-download.mjs" --metadata-url "http://127.0.0.1:$port/metadata/" \
  --targets-url "http://127.0.0.1:$port/targets/" --root "$work/export/metadata/1.root.json" \
  --metadata-dir "$work/tufjs-metadata" --target-dir "$work/tufjs-targets" \
  --target sql-server-2005-sp4/KB4057113/KB4057113.cab \
  --target windows-server-2003-sp2/KB4012598/KB4012598.cab \
  --target windows-xp-sp3/KB4012598/KB4012598.cab >"$work/tufjs.out"
cat "$work/tufjs.out"
cmp "$work/tufjs-targets/sql-server-2005-sp4/KB4057113/KB4057113.cab" "$work/KB4057113.cab" 2>/dev/null ||
  cmp "$(find "$work/tufjs-targets" -name 'KB4057113.cab' | head -1)" "$work/KB4057113.cab"
grep -q "$(sha256sum "$work/KB4012598.cab" | cut -d' ' -f1)" "$work/tufjs.out"

echo "== 1b. tuf-js follows a rotation of every online key (root 2), from root 1 and what it stored"
"$server" --data "$data" keys rotate --role targets --role snapshot --role timestamp --role entitlement >/dev/null
"$server" --data "$data" repository export --out "$work/export" >/dev/null
serve "$work/export"
node "$tools/refresh-and-download.mjs" --metadata-url "http://127.0.0.1:$port/metadata/" \
  --targets-url "http://127.0.0.1:$port/targets/" --root "$work/export/metadata/1.root.json" \
  --metadata-dir "$work/tufjs-metadata" --target-dir "$work/tufjs-targets-rotated" \
  --target sql-server-2005-sp4/KB4057113/KB4057113.cab >"$work/tufjs-rotated.out"
grep -q '"version":2' "$work/tufjs-metadata/root.json"
grep -q "$(sha256sum "$work/KB4057113.cab" | cut -d' ' -f1)" "$work/tufjs-rotated.out"

echo "== 2. our verifier reads a repository built with @tufjs/models"
node "$tools/make-repository.mjs" --out "$work/good" >/dev/null
serve "$work/good"
"$client" --metadata-dir "$work/ours" init "$work/good/metadata/1.root.json"
for target in hello.txt dir/data.bin product-a/update.cab; do
  "$client" --metadata-dir "$work/ours" --metadata-url "http://127.0.0.1:$port/metadata" --target-name "$target" \
    --target-base-url "http://127.0.0.1:$port/targets" --target-dir "$work/ours-targets" download
done
test "$(cat "$work/ours-targets/hello.txt")" = "hello lifeline"

echo "== 3. our verifier refuses tampered copies"
for tamper in target-hash targets-signature snapshot-version expired-timestamp bad-expires; do
  rm -rf "$work/bad" "$work/bad-md" "$work/bad-targets"
  node "$tools/make-repository.mjs" --out "$work/bad" --tamper "$tamper" >/dev/null
  serve "$work/bad"
  "$client" --metadata-dir "$work/bad-md" init "$work/bad/metadata/1.root.json"
  if "$client" --metadata-dir "$work/bad-md" --metadata-url "http://127.0.0.1:$port/metadata" --target-name hello.txt \
    --target-base-url "http://127.0.0.1:$port/targets" --target-dir "$work/bad-targets" download 2>"$work/err"; then
    echo "FAIL: the $tamper repository was accepted"
    exit 1
  fi
  echo "refused $tamper: $(cat "$work/err")"
  if [ -e "$work/bad-targets/hello.txt" ]; then
    echo "FAIL: a target from the $tamper repository was written"
    exit 1
  fi
done
echo "tuf-js interoperability: all checks passed"
