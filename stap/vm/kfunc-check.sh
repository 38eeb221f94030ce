#!/usr/bin/env bash
# The kernel-function path end to end, by hand (not in CI: the kernel debuginfo is a ~860 MB download, once).
# Compiles stap/sockwatch-kfunc.stp and, to compare, the classic tcp.setsockopt tap, in the chroot with the
# guest kernel's debuginfo, then runs both in the guest against a python client that sets options at three
# levels. Prints the guest's output; exit status is the guest job's.
#
#   stap/vm/kfunc-check.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=$("$HERE/build-image.sh" --dbg)
KVER=$(cat "$D/kver")
JOB=$(mktemp -d /tmp/sockwatch-kfunc.XXXXXX)
cp "$HERE/../sockwatch-kfunc.stp" "$JOB/"
cat > "$JOB/classic.stp" <<'STP'
# The classic tap: the tcp tapset's tcp.setsockopt (kernel.function("tcp_setsockopt") and ipv6_setsockopt).
probe tcp.setsockopt { if (pid() == target()) printf("classic: %s %d %s level=%d\n", execname(), pid(), optstr, level) }
probe tcp.setsockopt.return { if (pid() == target()) printf("classic:   ret %d\n", ret) }
STP
cat > "$JOB/client.py" <<'PY'
import socket, struct
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 16)
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 5))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b'reno')
PY
t0=$SECONDS
for m in sockwatch_kfunc:sockwatch-kfunc.stp classic:classic.stp; do
  "$HERE/chroot-run.sh" --dbg --job "$JOB" -- stap -v -p4 -r "$KVER" -m "${m%%:*}" "${m#*:}" 2>&1 | grep -E '^Pass|error'
done
echo "[kfunc-check] compiled both taps in $((SECONDS - t0)) s" >&2
cat > "$JOB/job.sh" <<'JOB'
echo "== sockwatch-kfunc.stp, readable"; staprun -c 'python3 /job/client.py' /job/sockwatch_kfunc.ko
echo "== sockwatch-kfunc.stp, machine=1"; staprun -c 'python3 /job/client.py' /job/sockwatch_kfunc.ko machine=1
echo "== classic tcp.setsockopt tap"; staprun -c 'python3 /job/client.py' /job/classic.ko
echo "== modules left: $(grep -c -e '^sockwatch' -e '^classic' /proc/modules)"
JOB
"$HERE/run-job.sh" "$JOB" | sed -n '/^== /,/^SWVM-DONE/p'
