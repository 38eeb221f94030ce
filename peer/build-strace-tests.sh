#!/usr/bin/env bash
# Builds, once, strace 6.1's own test programs for setsockopt (from Debian 12's source of strace, the strace this
# project compares with), for StracePeerTest: each program makes strace's test calls, and strace and sockwatch
# watch the same run.
#
#   peer/build-strace-tests.sh     build if missing; prints the folder of the built test programs on stdout
#
# The source is strace_6.1.orig.tar.xz from the Debian mirror (the only archive this project may fetch from),
# checked against its SHA-256 below. Only strace's tests/ are built (strace itself does not build against this
# machine's newer kernel headers, and the one to compare with is the installed strace 6.1). The cache lives in
# $SOCKWATCH_PEER_DIR (default /var/tmp/sockwatch-peer), in a folder named by a hash of this script. About 1 min.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=6.1
SHA256=2579e9cec37dbb786f6ea0bebd15f40dd561ef2bde2a2a2ecdce5963b01859fd
# strace's tests that call setsockopt (grep -l setsockopt tests/*.c), in the plain variant of each (-X* variants
# are the same calls, printed otherwise; -success ones need strace's fault injection)
TESTS="so_linger ip_mreq group_req sock_filter-v net-icmp_filter net-packet_mreq net-tpacket_req sockopt-sol_netlink
 sockopt-sol_socket sockopt-timestamp inet-cmsg net-yy-inet scm_rights"
BASE=${SOCKWATCH_PEER_DIR:-/var/tmp/sockwatch-peer}
KEY=$(sha256sum "$HERE/build-strace-tests.sh" | cut -c1-12)
D=$BASE/strace-$VERSION-$KEY
log() { echo "[build-strace-tests $(date +%T)] $*" >&2; }

mirror() { # the host's Debian mirror (the reachable one), as compat/build-chroot.sh finds it
  local u
  u=$(awk '/^URIs:/{print $2}' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep '/debian$' | head -1 || true)
  [ -n "$u" ] || u=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${u:-http://deb.debian.org/debian}"
}

build() {
  local t0=$SECONDS tmp url
  tmp=$(mktemp -d "$BASE/.build.XXXXXXXX")
  trap 'rm -rf -- "$tmp"' EXIT
  url=$(mirror)/pool/main/s/strace/strace_$VERSION.orig.tar.xz
  log "fetching $url"
  curl -fsS -o "$tmp/src.tar.xz" "$url" || { echo "build-strace-tests.sh: cannot fetch $url" >&2; exit 1; }
  echo "$SHA256  $tmp/src.tar.xz" | sha256sum -c --quiet - \
    || { echo "build-strace-tests.sh: $url is not the strace $VERSION source this script pins" >&2; exit 1; }
  tar -C "$tmp" -xf "$tmp/src.tar.xz"
  local S=$tmp/strace-$VERSION
  log "configure"
  (cd "$S" && ./configure -q --enable-mpers=no --disable-gcc-Werror) > "$tmp/build.log" 2>&1 \
    || { tail -20 "$tmp/build.log" >&2; exit 1; }
  log "make tests: $TESTS"
  # shellcheck disable=SC2086
  { make -C "$S/src" scno.h && make -C "$S/tests" -j2 libtests.a $TESTS; } >> "$tmp/build.log" 2>&1 \
    || { tail -20 "$tmp/build.log" >&2; exit 1; }
  mkdir -p "$tmp/out"
  for t in $TESTS; do cp "$S/tests/$t" "$tmp/out/"; done
  rm -rf "$D" && mv "$tmp/out" "$D"
  rm -rf -- "$tmp"; trap - EXIT
  log "built $D in $((SECONDS - t0)) s"
}

[ "$(id -u)" -eq 0 ] || { echo "build-strace-tests.sh: run it as root (it writes $BASE)" >&2; exit 3; }
mkdir -p "$BASE"
exec 8>"$BASE/.lock"
flock 8
[ -x "$D/so_linger" ] || build
echo "$D"
