#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests, started and stopped by CTest (tests/CMakeLists.txt,
# fixture "postgres"). Usage:
#   pg-test-cluster.sh start DIR   initdb in DIR/data, a server listening only on a Unix socket in
#                                  DIR (no TCP), superuser "lifeline" with trust authentication,
#                                  database "lifeline_test"; writes the connection URI to DIR/uri
#                                  and prints it. A server left running in DIR by an earlier run is
#                                  stopped and DIR recreated. Fails (non-zero) when no server starts.
#   pg-test-cluster.sh stop DIR    stops the server (fast shutdown) and removes DIR; a DIR without a
#                                  running server, or no DIR at all, is not an error.
# As root, initdb and the server run as the "postgres" system user (Debian's postgresql package
# creates it), which then owns DIR; DIR's parent directories must be traversable by that user.
# PG_CLUSTER_DURABLE=1 keeps fsync and synchronous commits on (benchmarks); tests run without.
# Layout: DIR/data (cluster), DIR/log (server log), DIR/initdb.log, DIR/uri, DIR/.s.PGSQL.5432.
set -euo pipefail

readonly port=5432
readonly database=lifeline_test
readonly superuser=lifeline
readonly marker=.lifeline-pg-test-cluster

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
command=$1
case "$2" in
  /*) dir=$2 ;;
  *) dir=$PWD/$2 ;;
esac
dir=${dir%/}
[ -n "$dir" ] || die "refusing to use / as the cluster directory"
# The path goes unquoted into postgresql.conf and into the URI's query: keep it plain.
[[ $dir =~ ^[A-Za-z0-9/._+-]+$ ]] || die "the directory '$dir' may only contain letters, digits and / . _ + -"

# The libpq environment of the caller must not redirect the tools below to another server.
while IFS= read -r variable; do
  unset "$variable"
done < <(compgen -e | grep '^PG' || true)

# The PostgreSQL server binaries: pg_config's bindir, else the newest /usr/lib/postgresql/*/bin.
find_bindir() {
  local candidate
  if command -v pg_config >/dev/null; then
    candidate=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return
    fi
  fi
  candidate=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
    echo "$candidate"
    return
  fi
  die "cannot find initdb and pg_ctl (neither in \$(pg_config --bindir) nor in /usr/lib/postgresql/*/bin):" \
    "install the postgresql package (scripts/install-deps.sh)"
}

# Runs a command as the cluster's owner: the "postgres" user when we are root (initdb and
# postgres refuse to run as root), else ourselves. From DIR, so the owner can read its cwd.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && setpriv --reuid=postgres --regid=postgres --init-groups -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

# The postmaster's pid when a server is running on DIR/data, else nothing. The pid file of a
# crashed server may name a pid since reused: only a process named postgres counts.
running_pid() {
  local pid_file=$dir/data/postmaster.pid pid
  [ -f "$pid_file" ] || return 0
  pid=$(head -n 1 "$pid_file" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  local stat
  stat=$(cat "/proc/$pid/stat" 2>/dev/null || true)
  # /proc/PID/stat: "PID (COMM) STATE ..."; an exited server not yet reaped (Z) is not running.
  if [[ $stat =~ ^$pid\ \((postgres|postmaster)\)\ ([A-Za-z]) ]] && [ "${BASH_REMATCH[2]}" != Z ]; then
    echo "$pid"
  fi
}

stop_cluster() {
  local pid
  [ -e "$dir" ] || return 0
  [ -d "$dir" ] || die "$dir is not a directory"
  if [ ! -e "$dir/$marker" ] && [ -n "$(ls -A "$dir")" ]; then
    die "$dir is not empty and was not made by this script: not touching it"
  fi
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    local bindir
    bindir=$(find_bindir)
    if ! as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w -t 30 >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    if [ -n "$(running_pid)" ]; then
      die "the server in $dir (pid $pid) does not stop; see $dir/log"
    fi
  fi
  rm -rf "$dir"
}

start_cluster() {
  local bindir owner=
  bindir=$(find_bindir)
  stop_cluster

  # The socket's path must fit in sockaddr_un (107 bytes).
  local socket=$dir/.s.PGSQL.$port
  [ "${#socket}" -le 107 ] || die "the socket path $socket is longer than 107 bytes: use a shorter DIR"

  mkdir -p "$dir"
  touch "$dir/$marker"
  chmod 700 "$dir" # its socket admits any role as superuser (trust): the owner only
  if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    id -u "$owner" >/dev/null 2>&1 ||
      die "running as root, but there is no '$owner' user to run the server as (install the postgresql package)"
    chown "$owner:" "$dir"
    as_owner test -w "$dir" ||
      die "the '$owner' user cannot reach $dir: make its parent directories traversable (chmod o+x)"
  fi

  # Fast and deterministic: no fsync during initdb (nor in the server: test data only), C locale.
  if ! as_owner "$bindir/initdb" -D "$dir/data" -U "$superuser" --auth=trust --encoding=UTF8 --locale=C \
    --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed in $dir/data (output above and in $dir/initdb.log)"
  fi
  # Test data only: nothing has to survive a power cut of the test machine. PG_CLUSTER_DURABLE=1
  # (the benchmarks) keeps PostgreSQL's defaults, so a commit is on disk before it returns.
  local durability="fsync = off
synchronous_commit = off
full_page_writes = off"
  if [ "${PG_CLUSTER_DURABLE:-0}" = 1 ]; then
    durability="# durable: PostgreSQL's defaults"
  fi
  cat >>"$dir/data/postgresql.conf" <<EOF

# pg-test-cluster.sh: a private server for the tests, reachable only through the socket in $dir.
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
port = $port
max_connections = 200
$durability
logging_collector = off
log_min_messages = warning
log_checkpoints = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF

  if ! as_owner "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/log" -w -t 60 >/dev/null 2>&1; then
    tail -n 20 "$dir/log" >&2 2>/dev/null || true
    die "the server in $dir did not start (log above and in $dir/log)"
  fi
  if [ -z "$(running_pid)" ]; then
    die "pg_ctl reported a start but no server runs in $dir (see $dir/log)"
  fi

  local psql=$bindir/psql
  [ -x "$psql" ] || psql=$(command -v psql) || die "cannot find psql (install the postgresql-client package)"
  if ! "$psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$superuser" -d postgres \
    -c "CREATE DATABASE $database" >&2; then
    die "cannot create the database $database in the server in $dir (see $dir/log)"
  fi

  local uri="postgresql:///$database?host=$dir&port=$port&user=$superuser"
  echo "$uri" >"$dir/uri"
  echo "$uri"
}

case "$command" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  *) usage ;;
esac
