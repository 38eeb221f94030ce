#!/usr/bin/env bash
# versions.sh - the cost of every call on another distribution's bpftrace, in its compat chroot (compat/), against
# the host's kernel: the storm under an untraced run, bpftrace count(), the printf one-liner, sockwatch's probe
# alone (a printf per call, and batched), and sockwatch (batched, and --no-batch), alternating within each
# repetition. A smaller sibling of bench/run for the chroots, which lack gcc and Maven: it uses the host's build.
#
#   sudo bench/versions.sh SUITE [REPS [MODE [N]]]     e.g. sudo bench/versions.sh trixie 3 bursts 20000
#
# MODE is a storm mode (bench/storm.c: bursts, nodelay, ...). Prints "configuration ns-per-call [N LOST]" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE=${1:?usage: bench/versions.sh SUITE [REPS [MODE [N]]]}
REPS=${2:-3} MODE=${3:-bursts} N=${4:-20000}
W=$(mktemp -d /var/tmp/sockwatch-versions.XXXXXX)
trap 'rm -rf "$W"' EXIT
gcc -O2 -o "$W/storm" bench/storm.c
mvn -q -B --no-transfer-progress -DskipTests compile dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$W/cp.txt" >&2
echo "$PWD/target/classes:$(cat "$W/cp.txt")" >"$W/cp"
cat >"$W/oneliner.bt" <<'BT'
BEGIN { printf("READY\n"); }
tracepoint:syscalls:sys_enter_setsockopt /pid == $1/ { @c[tid] = (args->fd, args->level, args->optname, args->optlen); }
tracepoint:syscalls:sys_exit_setsockopt /pid == $1/ { $c = @c[tid]; printf("E %d %d %d %d %d %d %d\n", pid, tid, $c.0, $c.1, $c.2, $c.3, args->ret); delete(@c[tid]); }
BT
cat >"$W/counter.bt" <<'BT'
BEGIN { printf("READY\n"); }
tracepoint:syscalls:sys_enter_setsockopt /pid == $1/ { @calls = count(); }
tracepoint:syscalls:sys_exit_setsockopt /pid == $1/ { @done = count(); }
END { print(@done); clear(@calls); }
BT
cat >"$W/run.sh" <<'SH'
#!/bin/bash
# inside the chroot: W REPS MODE N
W=$1 R=$2 MODE=$3 N=$4
cd "$W"
java -cp "$(cat cp)" sockwatch.cli.Main doctor --probe >probe.bt 2>/dev/null
K=BPFTRACE_MAP_KEYS_MAX; bpftrace --version | grep -q 'v0\.\(19\|2\)' && K=BPFTRACE_MAX_MAP_KEYS
cpus=$(nproc --all); refill=$(( 2048 / cpus < 16 ? 16 : 2048 / cpus )); burst=$(( 16384 / cpus > refill ? 16384 / cpus : refill ))
one() {
  local d; d=$(mktemp -d -p "$W"); mkfifo "$d/go"
  ./storm -g "$d/go" -o "$d/res" "$MODE" "$N" & local sp=$!
  local bp=
  if [ "$1" = sw ]; then
    shift
    java -cp "$(cat cp)" sockwatch.cli.Main --backend bpftrace "$@" -p "$sp" >/dev/null 2>"$d/err" & bp=$!
    for i in $(seq 600); do grep -q '^Watching' "$d/err" 2>/dev/null && break; sleep 0.1; done
  elif [ "$1" != none ]; then
    local s=$1; shift
    env $K=16384 BPFTRACE_PERF_RB_PAGES=256 bpftrace --no-warnings -B line "$s" "$sp" "$@" >"$d/out" 2>"$d/err" & bp=$!
    for i in $(seq 600); do grep -q READY "$d/out" 2>/dev/null && break; sleep 0.1; done
  fi
  echo go >"$d/go"; wait "$sp"
  if [ -n "$bp" ]; then sleep 0.5; kill -INT "$bp" 2>/dev/null; wait "$bp" || true; fi
  local lost=""; [ -f "$d/err" ] && lost=$(grep -o 'Summary:.*' "$d/err" | grep -o '[0-9]* LOST' || true)
  echo "$(sed 's/.*setsockopt_ns=\([0-9.]*\).*/\1/' "$d/res") $lost"; rm -rf "$d"
}
bpftrace --version
for r in $(seq "$R"); do
  echo "untraced $(one none)"
  echo "count() $(one counter.bt)"
  echo "one-liner $(one oneliner.bt)"
  echo "probe-printf $(one probe.bt 0 0 0 0 0 0 0 0 0 0 0)"
  echo "probe-batched $(one probe.bt 0 0 0 0 0 0 0 0 1 "$refill" "$burst")"
  echo "sockwatch $(one sw)"
  echo "sockwatch--no-batch $(one sw --no-batch)"
done
SH
chmod +x "$W/run.sh"
compat/chroot-run.sh "$SUITE" --bind "$PWD" --bind "$W" --bind "$HOME/.m2" -- "$W/run.sh" "$W" "$REPS" "$MODE" "$N"
