#!/usr/bin/env bash
# Builds, once, a minimal Debian chroot of one suite with that suite's own bpftrace and JDK (compat/suites
# lists them), for the compatibility matrix: sockwatch runs inside it against the host's kernel.
#
#   compat/build-chroot.sh SUITE    build if missing; prints the chroot's directory on stdout
#   compat/build-chroot.sh --list FILE NAME   the same for a line of another list (compat/fresh: a bare server),
#                                   whose suite=SUITE column names the Debian suite when NAME is not one
#
# The cache lives outside the repo in $SOCKWATCH_COMPAT_DIR (default /var/tmp/sockwatch-compat), in a directory
# named by the suite and a hash of this script and the suite's packages: editing either builds a fresh one, and
# builds of that suite unused for 7 days are removed. Needs root and debootstrap. About 1-3 min and 300-500 MB per suite.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
list=$HERE/suites
if [ "${1:-}" = --list ]; then list=${2:?usage: compat/build-chroot.sh [--list FILE] NAME}; shift 2; fi
suite=${1:?usage: compat/build-chroot.sh [--list FILE] NAME}
line=$(awk -v s="$suite" '$1 == s' "$list")
[ -n "$line" ] || { echo "build-chroot.sh: '$suite' is not in $list" >&2; exit 2; }
# Every column after the name is a package, except expect=OUTCOME (what CompatMatrixTest expects, not ours) and
# suite=SUITE (the Debian suite to debootstrap, when the name is not one).
pkgs=$(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^(expect|suite)=/) printf "%s ", $i }' | xargs)
dist=$(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^suite=/) { sub(/^suite=/, "", $i); print $i } }')
dist=${dist:-$suite}
BASE=${SOCKWATCH_COMPAT_DIR:-/var/tmp/sockwatch-compat}
# Keyed by what gets built: flipping a suite's expect= reuses its chroot.
KEY=$( (cat "$HERE/build-chroot.sh"; echo "$suite $pkgs"; [ "$dist" = "$suite" ] || echo "$dist") | sha256sum | cut -c1-12)
D=$BASE/$suite-$KEY
log() { echo "[build-chroot $suite $(date +%T)] $*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "build-chroot.sh: needs root (debootstrap, chroot, mount)" >&2; exit 3; }
command -v debootstrap >/dev/null || { echo "build-chroot.sh: debootstrap missing (apt-get install debootstrap)" >&2; exit 3; }
mkdir -p "$BASE"
exec 8>"$BASE/$suite.lock"
flock 8 # one builder per suite; a second caller waits, then finds it ready

umounts() { # lazily, in reverse; never leave /dev bound under a directory someone may rm -rf
  local m
  for m in dev sys proc; do mountpoint -q "$1/$m" && umount -l "$1/$m"; done
  return 0
}

mirror() { # the host's Debian mirror (the reachable one)
  local u
  u=$(awk '/^URIs:/{print $2}' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep '/debian$' | head -1 || true)
  [ -n "$u" ] || u=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${u:-http://deb.debian.org/debian}"
}

build() {
  local t0=$SECONDS R=$D.tmp/root m
  m=$(mirror)
  [ -d "$D.tmp" ] && umounts "$R" && rm -rf --one-file-system "$D.tmp"
  mkdir -p "$D.tmp"
  log "debootstrap $dist from $m"
  debootstrap --variant=minbase "$dist" "$R" "$m" > "$D.tmp/debootstrap.log" 2>&1 \
    || { tail -20 "$D.tmp/debootstrap.log" >&2; exit 1; }
  # the suite's updates and security fixes too, so its bpftrace and JDK are the ones its users have
  {
    echo "deb $m $dist main"
    echo "deb $m $dist-updates main"
    echo "deb ${m%/debian}/debian-security $dist-security main"
  } > "$R/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d" && chmod +x "$R/usr/sbin/policy-rc.d"
  trap 'umounts "$R"' EXIT
  mount --bind /proc "$R/proc"; mount --bind /sys "$R/sys"; mount --bind /dev "$R/dev"
  log "apt-get install $pkgs"
  chroot "$R" /usr/bin/env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 sh -c \
    "(apt-get update -qq || apt-get update -qq -o Acquire::Check-Valid-Until=false) && apt-get install -y -q --no-install-recommends $pkgs && apt-get clean" \
    > "$D.tmp/apt.log" 2>&1 || { tail -30 "$D.tmp/apt.log" >&2; exit 1; }
  umounts "$R"; trap - EXIT
  chroot "$R" dpkg-query -W > "$D.tmp/packages.txt"
  rm -rf "$D" && mv "$D.tmp" "$D"
  bpftrace=$(awk '$1=="bpftrace"{print $2}' "$D/packages.txt")
  log "built $D: bpftrace ${bpftrace:-not installed} in $((SECONDS - t0)) s"
}

[ -f "$D/packages.txt" ] || build
touch "$D/last-used"
# Other builds of this suite go once nobody has used them for 7 days. Not sooner: another checkout (another
# version of this script, e.g. a branch) may be using one right now, from a mount namespace we cannot see.
for old in "$BASE/$suite"-*/; do
  old=${old%/}
  [ "$old" = "$D" ] && continue
  stamp=$old/last-used; [ -e "$stamp" ] || stamp=$old/packages.txt
  [ -n "$(find "$stamp" -maxdepth 0 -mtime -7 2>/dev/null)" ] && continue
  umounts "$old/root"
  awk -v d="$old/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts || rm -rf --one-file-system "$old"
done
echo "$D/root"
