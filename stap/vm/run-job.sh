#!/usr/bin/env bash
# Boots the test guest (build-image.sh) under qemu and runs one job in it: the "run there" side.
#
#   stap/vm/run-job.sh [--suite S] [--timeout SECONDS] [--mem SIZE] JOBDIR
#     --suite S   the guest's Debian suite and so its stock kernel: bookworm (the default), bullseye, trixie
#
# JOBDIR must hold job.sh. The guest mounts JOBDIR on /job (virtio 9p), runs `sh /job/job.sh` as root (its
# PID 1 is stap/vm/guest-init: no systemd, no network but loopback), and powers off. Its console is streamed
# here and kept in JOBDIR/console.log, the job's own output in JOBDIR/out.log. The image is booted with
# snapshot=on, so nothing a job does persists. Exit status: the job's; 124 on timeout; 125 if the guest
# never ran it. qemu runs under pdeathsig: killing this script (or its caller) kills the VM too.
# qemu uses TCG (software emulation): a job boots in ~15 s; CPU-heavy code runs 10-50x slower than native.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
timeout=900; mem=3G; suite=bookworm
while [ $# -gt 1 ]; do
  case "$1" in
    --timeout) timeout=$2; shift ;;
    --mem) mem=$2; shift ;;
    --suite) suite=$2; shift ;;
    *) break ;;
  esac
  shift
done
[ $# -eq 1 ] && [ -f "$1/job.sh" ] || { echo "usage: $0 [--suite S] [--timeout S] [--mem SIZE] JOBDIR (with JOBDIR/job.sh)" >&2; exit 2; }
JOB=$(cd "$1" && pwd)
D=$("$HERE/build-image.sh" --suite "$suite")
rm -f "$JOB/rc" "$JOB/out.log"
t0=$(date +%s%N)
set +e
setpriv --pdeathsig KILL -- timeout -k 5 "$timeout" setpriv --pdeathsig KILL -- \
  qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m "$mem" -smp 2 -nographic -no-reboot \
  -kernel "$D/vmlinuz" -initrd "$D/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 init=/usr/local/sbin/sockwatch-vm-init panic=-1 quiet" \
  -drive "file=$D/base.img,format=raw,if=virtio,snapshot=on" \
  -virtfs "local,path=$JOB,mount_tag=job,security_model=none,id=job" \
  -nic none < /dev/null 2>&1 | sed -u 's/\r$//' | tee "$JOB/console.log"
qrc=${PIPESTATUS[0]}
set -e
echo "[run-job] qemu exited ($qrc) after $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
[ "$qrc" != 124 ] || { echo "[run-job] timeout after ${timeout}s" >&2; exit 124; }
[ -f "$JOB/rc" ] || { echo "[run-job] the guest did not run the job; see $JOB/console.log" >&2; exit 125; }
exit "$(cat "$JOB/rc")"
