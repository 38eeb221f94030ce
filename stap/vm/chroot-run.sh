#!/usr/bin/env bash
# Runs a command in a chroot of the guest's rootfs: the "compile here" side of compile-here-run-there, with the
# guest kernel's headers, systemtap and JRE, whatever the host's own kernel is.
#
#   stap/vm/chroot-run.sh [--suite S] [--dbg] [--job DIR] -- COMMAND ARGS...
#     --suite S   which guest's rootfs (build-image.sh --suite): bookworm (the default), bullseye, trixie
#     --job DIR   bind-mount DIR on /job inside (the same path the guest gives a job: run-job.sh)
#     --dbg       bind-mount the kernel debuginfo (build-image.sh --dbg) on /usr/lib/debug, for the
#                 kernel-function tap
# Builds the image first if needed (build-image.sh). Mounts are undone on exit, even on failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
dbg=; job=; suite=bookworm
while [ $# -gt 0 ]; do
  case "$1" in
    --dbg) dbg=1 ;;
    --job) job=$(cd "$2" && pwd); shift ;;
    --suite) suite=$2; shift ;;
    --) shift; break ;;
    *) echo "usage: $0 [--suite S] [--dbg] [--job DIR] -- COMMAND ARGS..." >&2; exit 2 ;;
  esac
  shift
done
[ $# -gt 0 ] || { echo "usage: $0 [--suite S] [--dbg] [--job DIR] -- COMMAND ARGS..." >&2; exit 2; }
D=$("$HERE/build-image.sh" --suite "$suite" ${dbg:+--dbg})
R=$D/rootfs
exec 8>"$D/chroot.lock"
flock 8 # the bind mounts are shared state: one chroot user at a time
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" || true; done
}
trap cleanup EXIT
bind() { mkdir -p "$2"; mount --bind "$1" "$2"; mounted+=("$2"); }
bind /proc "$R/proc"; bind /sys "$R/sys"; bind /dev "$R/dev"
[ -z "$job" ] || bind "$job" "$R/job"
[ -z "$dbg" ] || bind "$(dirname "$D")/dbg-$(cat "$D/kver")/usr/lib/debug" "$R/usr/lib/debug"
set +e
chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 ${job:+JOBDIR=/job} sh -c 'cd "${JOBDIR:-/}" && exec "$@"' sh "$@"
