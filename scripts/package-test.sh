#!/usr/bin/env bash
# make package-test: the three .deb files installed, run and purged in a fresh Debian 12 root
# (docs/packaging.md).
#
#   scripts/package-test.sh BUILD_DIR [--fresh] [--no-boot]
#
# BUILD_DIR/packages holds the packages (make package). The Debian root comes from debootstrap
# once and is kept as BUILD_DIR/package-test/bookworm.tar.gz; --fresh (or FRESH=1 from make)
# makes a new one. In the root:
#   1. a file list (path, type, mode, owner, group, link target) and the user databases, before;
#   2. apt-get install ./lifeline-server*.deb ./lifeline-agent*.deb ./lifeline_*.deb;
#   3. systemd-analyze verify on the three installed units;
#   4. lifeline-server started as lifeline-server.service starts it: its ExecStart, User,
#      Group, UMask and WorkingDirectory read from the installed unit (in a network namespace
#      of its own, so that its port is nobody else's);
#   5. as that user, on the unit's data: a repository, a product, a customer with an enrolment,
#      a published update with a payload; a designated contact makes an enrolment token with
#      `lifeline`; lifeline-agent registers with it and runs as lifeline-agent.service runs it,
#      installs the update, and its ledger says so; the server stops on SIGTERM;
#   6. the root booted with systemd-nspawn (read-only, a throw-away overlay on top): systemd
#      starts lifeline-server.service from the installed unit, and it runs as lifeline with no
#      capabilities, no new privileges and its seccomp filter; `systemctl start
#      lifeline-agent.service` installs a second update (--no-boot skips this);
#   7. the three reinstalled (the maintainer scripts' upgrade path), lifeline-agent removed, then the three purged and the dependencies they brought
#      autoremoved;
#   8. the file list and the user databases again: identical, but for what apt and dpkg keep
#      about themselves (EXCLUDED below).
set -euo pipefail

build_dir=$(cd "${1:?usage: package-test.sh BUILD_DIR [--fresh] [--no-boot]}" && pwd)
shift
fresh=${FRESH:-}
boot=1
for arg in "$@"; do
  case $arg in
  --fresh) fresh=1 ;;
  --no-boot) boot= ;;
  *) echo "package-test: unknown option $arg" >&2 && exit 2 ;;
  esac
done
source_dir=$(cd "$(dirname "$0")/.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work="$build_dir/package-test"
root="$work/root"
cache="$work/bookworm.tar.gz"
archives="$work/apt-archives" # downloaded .deb files, kept between runs
started=$(date +%s)

# What apt and dpkg legitimately change about themselves; everything else must come back as it
# was. The shadow tools' backups (/etc/passwd- ...) are rewritten whenever a user is added or
# removed; the databases themselves are compared in full. (Each line of the list is the path,
# then a tab: \s ends a path.) /proc, /sys, /dev are mount points.
EXCLUDED='^/(proc|sys|dev)(/|\s)|^/var/cache/apt/|^/var/lib/apt/(lists/|extended_states\s)|^/var/log/(apt/|dpkg\.log\s|alternatives\.log\s)|^/var/lib/dpkg/(status|status-old|available|lock|lock-frontend)\s|^/var/lib/dpkg/triggers/|^/var/cache/debconf/[a-z]+\.dat-old\s|^/var/cache/ldconfig/aux-cache\s|^/etc/(passwd|group|shadow|gshadow)-\s'

step() { printf '== %s (%ds)\n' "$1" $(($(date +%s) - started)); }
fail() {
  printf 'package-test: FAIL: %s\n' "$*" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, mounts)"
for tool in debootstrap chroot unshare ip setpriv; do
  command -v "$tool" >/dev/null || fail "$tool is missing: scripts/install-deps.sh --package-test"
done

debs=()
for name in lifeline-server lifeline-agent lifeline; do
  deb=$(find "$build_dir/packages" -maxdepth 1 -name "${name}_*.deb" | sort | tail -1)
  [ -n "$deb" ] || fail "no ${name}_*.deb in $build_dir/packages: make package"
  debs+=("$deb")
done

mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  mounted=()
}
trap unmount_all EXIT
mount_root() {
  mount -t proc proc "$root/proc" && mounted+=("$root/proc")
  # /run is a tmpfs on a running system: what is written there (locks, systemd's runtime
  # state) is not on disk.
  mount -t tmpfs -o mode=0755 tmpfs "$root/run" && mounted+=("$root/run")
  mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" && mounted+=("$root/sys")
  mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" && mounted+=("$root/dev")
  mkdir -p "$archives"
  mount --bind "$archives" "$root/var/cache/apt/archives" && mounted+=("$root/var/cache/apt/archives")
}
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

step "a Debian 12 root"
mkdir -p "$work"
if [ -n "$fresh" ] || [ ! -f "$cache" ]; then
  rm -rf "$work/debootstrap"
  # systemd for systemd-analyze verify in the root (and deb-systemd-helper with it); a system
  # without systemd installs the packages just as well.
  debootstrap --variant=minbase --include=systemd bookworm "$work/debootstrap" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    fail "debootstrap failed: $work/debootstrap.log"
  printf 'deb %s bookworm main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' "$mirror" \
    >"$work/debootstrap/etc/apt/sources.list"
  tar -C "$work/debootstrap" -czf "$cache.tmp" . && mv "$cache.tmp" "$cache"
  rm -rf "$work/debootstrap"
fi
# A run killed before its trap could leave /dev and /sys of this machine mounted in the old
# root: detach whatever is mounted there before deleting it, and never cross into a mount.
awk -v root="$root/" 'index($2, root) == 1 {print $2}' /proc/mounts | sort -r | while read -r leftover; do
  umount -l "$leftover"
done
rm -rf --one-file-system "$root"
mkdir -p "$root"
tar -C "$root" -xzf "$cache"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# path, type, mode, owner and group ids (the root's, not this machine's names), link target of
# everything in the root (mount points empty).
file_list() {
  (cd "$root" && find . -xdev -printf '%p\t%y\t%m\t%U\t%G\t%l\n' | sed 's|^\.||' | grep -Ev "$EXCLUDED" | LC_ALL=C sort)
}
user_databases() { cat "$root"/etc/{passwd,group,shadow,gshadow}; }

mount_root
step "apt-get update"
in_root apt-get update -qq >"$work/apt-update.log" 2>&1 || fail "apt-get update: $work/apt-update.log"
unmount_all
file_list >"$work/before.txt"
user_databases >"$work/users-before.txt"
mount_root

step "install ${debs[*]##*/}"
mkdir -p "$root/package-test"
cp "${debs[@]}" "$root/package-test/"
in_root sh -c 'cd /package-test && apt-get install -y --no-install-recommends ./*.deb' >"$work/install.log" 2>&1 ||
  fail "apt-get install: $work/install.log"
for name in lifeline-server lifeline-agent lifeline; do
  # shellcheck disable=SC2016 # dpkg-query's own ${...} format
  status=$(in_root dpkg-query -W -f='${db:Status-Status}' "$name")
  [ "$status" = installed ] || fail "$name is $status after apt-get install"
done

# The scenario runs inside the root, in a network namespace with only loopback.
cp "$source_dir/scripts/lib/package-scenario.sh" "$root/package-test/scenario.sh"
chmod -R a+rX "$root/package-test"
step "in the root: units verified, the server as its unit starts it, a world, the agent"
unshare --net sh -c 'ip link set lo up && exec "$@"' sh \
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  /bin/bash /package-test/scenario.sh ||
  fail "the scenario in the root failed (above)"

if [ -n "$boot" ]; then
  step "booted with systemd-nspawn: the units as systemd runs them"
  command -v systemd-nspawn >/dev/null || fail "systemd-nspawn is missing: scripts/install-deps.sh --package-test"
  cp "$source_dir/scripts/lib/package-boot-probe.sh" "$root/package-test/boot-probe.sh"
  probe_unit="$root/etc/systemd/system/lifeline-package-probe.service"
  printf '[Unit]\nAfter=lifeline-server.service\n[Service]\nType=oneshot\nExecStart=/bin/bash /package-test/boot-probe.sh\n' \
    >"$probe_unit"
  ln -s "${probe_unit#"$root"}" "$root/etc/systemd/system/multi-user.target.wants/"
  rm -rf "$work/probe" && mkdir -p "$work/probe"
  # The root read-only under a throw-away overlay: the boot changes nothing on disk.
  timeout 300 systemd-nspawn -q -D "$root" --boot --register=no --keep-unit --private-network \
    --volatile=overlay --bind="$work/probe:/probe" >"$work/boot.log" 2>&1 || true
  rm -rf "$probe_unit" "$root/etc/systemd/system/multi-user.target.wants/${probe_unit##*/}"
  [ -f "$work/probe/result" ] || fail "the booted root gave no result: $work/boot.log"
  sed 's/^/  /' "$work/probe/result"
  { ! grep -q '^FAIL' "$work/probe/result" && grep -qx end "$work/probe/result"; } ||
    fail "under systemd (above; the boot: $work/boot.log)"
fi

step "apt-get install --reinstall (the upgrade path of the maintainer scripts), remove, purge"
in_root sh -c 'cd /package-test && apt-get install -y --reinstall ./*.deb' >"$work/reinstall.log" 2>&1 ||
  fail "apt-get install --reinstall: $work/reinstall.log"
{ [ -f "$root/var/lib/lifeline/catalog.db" ] && [ -f "$root/var/lib/lifeline-agent/instances/app/device.json" ]; } ||
  fail "the data did not survive a reinstall"
rm -rf "$root/package-test" "$root/opt/pkgtest-app" "$root/var/backups/lifeline" \
  "$root/var/lib/lifeline.before-restore" # the test's, not the packages'
# lifeline-agent removed first (its configuration kept), then all three purged: each purge
# finds the other package in another state.
in_root apt-get remove -y lifeline-agent >"$work/purge.log" 2>&1 || fail "apt-get remove: $work/purge.log"
[ -f "$root/etc/lifeline/agent.json" ] || fail "apt-get remove lifeline-agent removed its configuration"
in_root apt-get purge -y lifeline-server lifeline-agent lifeline >>"$work/purge.log" 2>&1 ||
  fail "apt-get purge: $work/purge.log"
in_root apt-get autoremove --purge -y >>"$work/purge.log" 2>&1 || fail "apt-get autoremove: $work/purge.log"
unmount_all
# The trusted root the scenario put in /etc/lifeline is the operator's, not the packages': the
# purge must leave it, and the directory, closed to others and no longer in the deleted group.
[ -f "$root/etc/lifeline/root.json" ] || fail "the purge removed a file it did not install (/etc/lifeline/root.json)"
[ "$(stat -c '%U:%G %a' "$root/etc/lifeline")" = "root:root 750" ] ||
  fail "/etc/lifeline after the purge: $(stat -c '%U:%G %a' "$root/etc/lifeline"), not root:root 750"
echo "  ok: the purge kept the operator's /etc/lifeline/root.json, /etc/lifeline root:root 750"
rm -rf "$root/etc/lifeline" # the scenario's own file, as an operator would clean up

step "nothing left behind"
file_list >"$work/after.txt"
user_databases >"$work/users-after.txt"
problems=0
if ! diff -u "$work/before.txt" "$work/after.txt" >"$work/files.diff"; then
  echo "files that differ after the purge (- before, + after):"
  grep '^[-+]/' "$work/files.diff" | head -50
  problems=1
fi
if ! diff -u "$work/users-before.txt" "$work/users-after.txt" >"$work/users.diff"; then
  echo "user databases differ after the purge:"
  cat "$work/users.diff"
  problems=1
fi
for name in lifeline-server lifeline-agent lifeline; do
  # shellcheck disable=SC2016
  status=$(chroot "$root" dpkg-query -W -f='${db:Status-Status}' "$name" 2>/dev/null || true)
  [ -z "$status" ] || [ "$status" = not-installed ] || {
    echo "$name is $status after the purge"
    problems=1
  }
done
[ "$problems" = 0 ] || fail "the purge left something behind (lists in $work)"
printf 'package-test: PASS in %ds\n' $(($(date +%s) - started))
