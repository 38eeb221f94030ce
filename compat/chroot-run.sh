#!/usr/bin/env bash
# Runs a command inside one suite's chroot (compat/build-chroot.sh builds it first if needed), against the host's
# kernel: /proc, /sys, /sys/kernel/tracing and /dev are bind-mounted in, and so is each --bind DIR at the same
# path (the checkout and ~/.m2, so the host's build runs on the chroot's JDK and bpftrace). Mounts are undone on
# exit, even on failure. Several runs of one suite may overlap: each mounts its own private view.
#
#   compat/chroot-run.sh [--list FILE] SUITE [--bind DIR]... [--ephemeral] [--no-tracefs] -- COMMAND ARGS...
#
# --list FILE    a line of FILE instead of compat/suites (compat/fresh: a bare server)
# --ephemeral    the command's changes to the chroot (packages it installs, its home) go to a throw-away layer
#                (overlayfs in a mktemp -d under /var/tmp, removed on exit): every run starts from the built image
# --no-tracefs   neither tracefs nor debugfs is bound in, as on a server that mounts neither (the command may mount
#                them itself, in this run's private mount namespace)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: compat/chroot-run.sh [--list FILE] SUITE [--bind DIR]... [--ephemeral] [--no-tracefs] -- COMMAND ARGS..." >&2; exit 2; }
list=()
if [ "${1:-}" = --list ]; then [ $# -ge 2 ] || usage; list=(--list "$2"); shift 2; fi
[ $# -gt 0 ] || usage
suite=$1; shift
binds=()
ephemeral= tracefs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bind) [ $# -ge 2 ] || usage; binds+=("$(cd "$2" && pwd)"); shift ;;
    --ephemeral) ephemeral=1 ;;
    --no-tracefs) tracefs= ;;
    --) shift; break ;;
    *) usage ;;
  esac
  shift
done
[ $# -gt 0 ] || usage
R=$("$HERE/build-chroot.sh" "${list[@]}" "$suite")
layer=
if [ -n "$ephemeral" ]; then
  layer=$(mktemp -d /var/tmp/sockwatch-ephemeral.XXXXXXXX)
  trap 'rm -rf --one-file-system -- "$layer"' EXIT
  mkdir "$layer/upper" "$layer/work" "$layer/root"
fi
# A private mount namespace: the binds vanish with this process, whatever ends it, and never show on the host.
inner='
  set -euo pipefail
  R=$1; layer=$2; tracefs=$3; shift 3
  n=$1; shift
  if [ -n "$layer" ]; then
    mount -t overlay overlay -o "lowerdir=$R,upperdir=$layer/upper,workdir=$layer/work" "$layer/root"
    R=$layer/root
  fi
  b() { mkdir -p "$R$2"; mount --bind "$1" "$R$2"; }
  b /proc /proc; b /sys /sys
  mkdir -p "$R/dev"; mount --rbind /dev "$R/dev"   # with /dev/pts: apt logs to a pty, script(1) makes one
  if [ -n "$tracefs" ] && [ -d /sys/kernel/tracing/events ]; then mount --bind /sys/kernel/tracing "$R/sys/kernel/tracing"; fi
  if [ -n "$tracefs" ] && [ -d /sys/kernel/debug/tracing ]; then mount --rbind /sys/kernel/debug "$R/sys/kernel/debug"; fi
  mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
  for ((i = 0; i < n; i++)); do b "$1" "$1"; shift; done
  exec chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 ${CI:+CI=$CI} "$@"'
args=(chroot-run "$R" "$layer" "$tracefs" "${#binds[@]}" "${binds[@]}" "$@")
if [ -z "$layer" ]; then
  # exec: this process becomes the command itself (unshare and chroot exec too), so a signal sent to it reaches
  # the command (CompatMatrixTest stops sockwatch with SIGTERM)
  exec unshare --mount --propagation private -- /bin/bash -c "$inner" "${args[@]}"
fi
# With a layer to remove afterwards this shell stays, and passes INT and TERM on to the command (as TERM: a
# background job of a script ignores INT). <&0 keeps stdin, which a background job would otherwise lose.
unshare --mount --propagation private -- /bin/bash -c "$inner" "${args[@]}" <&0 &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
rc=0
wait "$child" || rc=$?
while kill -0 "$child" 2>/dev/null; do wait "$child" || rc=$?; done   # a trapped signal ends the first wait early
exit "$rc"
