# Sourced by the demo, the benchmarks and the nginx test: a Lifeline world on a data directory,
# its server on loopback, and devices enrolled over HTTP the way a fleet enrols.
# The caller sets: server (lifeline-server binary), examples (examples/ dir), data, work; and
# catalog, a PostgreSQL URI, to keep the catalog there instead of in $data/catalog.db.

# location: sets the array location to the server's options that say where its data is.
location() {
  location=(--data "$data")
  [ -z "${catalog:-}" ] || location+=(--catalog "$catalog")
}
ll() {
  location
  "$server" "${location[@]}" "$@"
}

# world_workspace: a fresh temporary $work (its $data inside), removed on exit, when the
# background processes the caller adds to $pids are stopped too.
world_workspace() {
  work=$(mktemp -d)
  data="$work/data"
  pids=()
  trap world_cleanup EXIT
}
world_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

# A catalog from the examples: products, both orders, a TUF repository.
world_catalog() {
  ll init >/dev/null 2>&1
  ll products apply "$examples/products.json" >/dev/null
  ll orders apply "$examples/order-contoso.json" >/dev/null
  ll orders apply "$examples/order-fabrikam.json" >/dev/null
}

# world_publish KB PAYLOAD_FILE: the example manifest of KB, signed with its payload.
world_publish() {
  ll publish --manifest "$examples/updates/$1.json" --payload "$2" >/dev/null
}

# world_serve DATE [serve options...]: starts the server with its clock at DATE; sets base and
# server_pid. The caller kills server_pid.
world_serve() {
  local at=$1
  shift
  location
  "$server" "${location[@]}" serve --listen 127.0.0.1:0 --at "$at" "$@" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 200); do grep -q '^listening on ' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
  base=$(sed -n 's/^listening on //p' "$work/server.out")
  [ -n "$base" ] || { echo "the server did not start:" >&2; cat "$work/server.err" >&2; return 1; }
}

# json_field FIELD < JSON
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# api METHOD PATH TOKEN [JSON]: the answer's body; the status goes to $work/status.
api() {
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3")
  [ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
  curl "${args[@]}" "$base$2" >"$work/status"
  cat "$work/body"
}

# enrol_device CONTACT_TOKEN SITE PRODUCT SERVICE_PACK LANGUAGE: the device's credential, or
# nothing (and the refusal on stderr) when the rules refuse it.
enrol_device() {
  local token
  token=$(api POST /v1/enrolment-tokens "$1" "{\"site\":\"$2\",\"product\":\"$3\"}" | json_field token)
  local answer
  answer=$(api POST /v1/devices "$token" "{\"product\":\"$3\",\"service_pack\":\"$4\",\"language\":\"$5\"}")
  if [ "$(cat "$work/status")" = 201 ]; then
    json_field credential <<<"$answer"
  else
    echo "$answer" >&2
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# world_nginx WORKERS HTTP_DIRECTIVES: starts nginx (foreground, its files in $work/nginx) with
# these http-level directives and server blocks; sets nginx_pid. The caller kills it.
world_nginx() {
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
$2
}
CONF
  "$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
  nginx_pid=$!
}

# npm_tools NAME: tests/interop/NAME (package.json, its lockfile, scripts) installed once in
# $build_dir/interop-NAME with `npm ci`; prints that directory.
npm_tools() {
  local tools="$build_dir/interop-$1"
  mkdir -p "$tools"
  cp "$source_dir/tests/interop/$1/"{package.json,package-lock.json} "$source_dir/tests/interop/$1/"*.mjs "$tools/"
  if [ ! -f "$tools/node_modules/.lifeline-stamp" ] ||
    ! cmp -s "$tools/package-lock.json" "$tools/node_modules/.lifeline-stamp"; then
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp "$tools/package-lock.json" "$tools/node_modules/.lifeline-stamp"
  fi
  echo "$tools"
}
