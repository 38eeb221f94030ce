#!/usr/bin/env bash
# Runs a command inside one suite's chroot (compat/build-chroot.sh builds it first if needed), against the host's
# kernel: /proc, /sys, /sys/kernel/tracing and /dev are bind-mounted in, and so is each --bind DIR at the same
# path (the checkout and ~/.m2, so the host's build runs on the chroot's JDK and bpftrace). Mounts are undone on
# exit, even on failure. Several runs of one suite may overlap: each mounts its own private view.
#
#   compat/chroot-run.sh SUITE [--bind DIR]... -- COMMAND ARGS...
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: compat/chroot-run.sh SUITE [--bind DIR]... -- COMMAND ARGS..." >&2; exit 2; }
[ $# -gt 0 ] || usage
suite=$1; shift
binds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bind) [ $# -ge 2 ] || usage; binds+=("$(cd "$2" && pwd)"); shift ;;
    --) shift; break ;;
    *) usage ;;
  esac
  shift
done
[ $# -gt 0 ] || usage
R=$("$HERE/build-chroot.sh" "$suite")
# A private mount namespace: the binds vanish with this process, whatever ends it, and never show on the host.
exec unshare --mount --propagation private -- /bin/bash -c '
  set -euo pipefail
  R=$1; shift
  n=$1; shift
  b() { mkdir -p "$R$2"; mount --bind "$1" "$R$2"; }
  b /proc /proc; b /sys /sys; b /dev /dev
  if [ -d /sys/kernel/tracing/events ]; then mount --bind /sys/kernel/tracing "$R/sys/kernel/tracing"; fi
  if [ -d /sys/kernel/debug/tracing ]; then mount --rbind /sys/kernel/debug "$R/sys/kernel/debug"; fi
  mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
  for ((i = 0; i < n; i++)); do b "$1" "$1"; shift; done
  exec chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 ${CI:+CI=$CI} "$@"
' chroot-run "$R" "${#binds[@]}" "${binds[@]}" "$@"
