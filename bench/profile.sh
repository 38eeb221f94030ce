#!/usr/bin/env bash
# profile.sh - where a traced setsockopt's time goes: the kernel's own run time of each BPF program
# (kernel.bpf_stats_enabled, read with bpftool) beside the call's cost as bench/storm measures it, for sockwatch's
# probe and for parts of it taken out one at a time (the socket lookup, the value read, keeping the call for the
# batch), against count() and the printf one-liner, alternating within each repetition. On the host's bpftrace, or
# on a compat suite's (compat/: bullseye, bookworm, trixie) against the host's kernel.
#
#   sudo bench/profile.sh [host|SUITE [REPS [N]]]       e.g. sudo bench/profile.sh trixie 5
#   ONLY="untraced count-both count-by-value probe-count" sudo bench/profile.sh   (only these rows; untraced first)
#
# The storm is `storm bursts-busy N` (500 calls every 50 ms, waiting on the clock: an idle CPU between bursts
# would make the first calls of each burst slower traced than untraced for reasons that are not the probe's).
# Prints one line per configuration: median ns per call, and median ns of BPF run time per call (the setsockopt
# programs summed; each program's own median after it). bpf_stats itself adds two clock reads to each program run,
# so its calls are a little dearer than bench/run's; compare rows with each other, not with bench/run.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE=${1:-host} REPS=${2:-5} N=${3:-20000}
command -v bpftool >/dev/null || { echo "profile.sh: needs bpftool (apt-get install bpftool)" >&2; exit 2; }
W=$(mktemp -d /var/tmp/sockwatch-profile.XXXXXX)
stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled; rm -rf "$W"' EXIT
gcc -O2 -o "$W/storm" bench/storm.c
mvn -q -B --no-transfer-progress -DskipTests compile dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$W/cp.txt" >&2
echo "$PWD/target/classes:$(cat "$W/cp.txt")" >"$W/cp"
inside() {   # runs a command with the suite's bpftrace and JDK
  if [ "$SUITE" = host ]; then "$@"; else compat/chroot-run.sh "$SUITE" --bind "$PWD" --bind "$W" --bind "$HOME/.m2" -- "$@"; fi
}
inside bash -c "java -cp \"\$(cat $W/cp)\" sockwatch.cli.Main doctor --probe >$W/probe.bt 2>/dev/null; bpftrace --version >$W/version"
K=BPFTRACE_MAP_KEYS_MAX; grep -q 'v0\.\(19\|2\)' "$W/version" && K=BPFTRACE_MAX_MAP_KEYS
# the parts taken out: each edit must match the probe exactly once, so that a changed probe fails here loudly
cut() {   # cut NAME FROM TO...: probe.bt with each FROM replaced by its TO
  local name=$1; shift
  python3 - "$W/probe.bt" "$W/$name.bt" "$@" <<'PY'
import sys
src, dst, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
s = open(src).read()
for old, new in zip(pairs[0::2], pairs[1::2]):
    if s.count(old) != 1:
        sys.exit("profile.sh: the probe no longer has exactly one %r; update bench/profile.sh" % old)
    s = s.replace(old, new)
open(dst, "w").write(s)
PY
}
SOCK=('if ($4 != 2 || $3 != 0) {   /* counts only' 'if ($4 == 99) {   /* profile: no socket lookup; counts only')
VALUE=($'\t\t\t$n = $len;\n' $'\t\t\t$n = 0;   /* profile: no value read */\n')
KEEP=('if ($left > 0) {' 'if ($left > 999999) {   /* profile: nothing kept */')
cut no-socket "${SOCK[@]}"
cut no-value "${VALUE[@]}"
cut no-keep "${KEEP[@]}"
cut no-socket-value-keep "${SOCK[@]}" "${VALUE[@]}" "${KEEP[@]}"
cat >"$W/counter.bt" <<'BT'
BEGIN { printf("READY\n"); }
tracepoint:syscalls:sys_enter_setsockopt /pid == $1/ { @calls = count(); }
tracepoint:syscalls:sys_exit_setsockopt /pid == $1/ { @done = count(); }
END { clear(@calls); clear(@done); }
BT
cat >"$W/counter-exit.bt" <<'BT'
BEGIN { printf("READY\n"); }
tracepoint:syscalls:sys_exit_setsockopt /pid == $1/ { @done = count(); }
END { clear(@done); }
BT
cat >"$W/oneliner.bt" <<'BT'
BEGIN { printf("READY\n"); }
tracepoint:syscalls:sys_enter_setsockopt /pid == $1/ { @c[tid] = (args->fd, args->level, args->optname, args->optlen); }
tracepoint:syscalls:sys_exit_setsockopt /pid == $1/ { $c = @c[tid]; printf("E %d %d %d %d %d %d %d\n", pid, tid, $c.0, $c.1, $c.2, $c.3, args->ret); delete(@c[tid]); }
BT
# the floor of counting by value (--count's target is 1.5x count-both): the smallest probe that counts each call by
# (process, level, option, length, result, value), its value's 4 bytes read at exit as --count does, and the same
# with the read left out, which shows what reading the caller's memory costs
cat >"$W/count-by-value.bt" <<'BT'
BEGIN { printf("READY\n"); }
tracepoint:syscalls:sys_enter_setsockopt /pid == $1/ { @c[tid] = (args->level, args->optname, args->optval, args->optlen); }
tracepoint:syscalls:sys_exit_setsockopt /pid == $1/ { $c = @c[tid]; delete(@c[tid]); $v = (uint64)*(uint32 *)uptr($c.2); @k[pid, $c.0, $c.1, $c.3, args->ret, $v] = count(); }
END { clear(@c); clear(@k); }
BT
sed 's/\$v = (uint64)\*(uint32 \*)uptr(\$c.2);/$v = (uint64)0;/' "$W/count-by-value.bt" >"$W/count-by-value-no-read.bt"
grep -q 'v = (uint64)0;' "$W/count-by-value-no-read.bt" || { echo "profile.sh: count-by-value-no-read not made" >&2; exit 2; }
cpus=$(nproc --all); refill=$(( 2048 / cpus < 16 ? 16 : 2048 / cpus )); burst=$(( 16384 / cpus > refill ? 16384 / cpus : refill ))
SW=(0 0 0 0 0 0 0 0 1 "$refill" "$burst")   # $2-$12 as sockwatch passes them for -p PID, batched
CNT=(0 0 2 0 0 0 0 0 0 0 0)                   # ... for --count -p PID
one() {   # one SCRIPT [ARGS...]: "<ns per call> <name>=<BPF ns per call> ..."
  local d; d=$(mktemp -d -p "$W"); mkfifo "$d/go"
  "$W/storm" -g "$d/go" -o "$d/res" bursts-busy "$N" & local sp=$!
  local bp=
  if [ "$1" != none ]; then
    inside env "$K=16384" bpftrace --no-warnings -B line "$W/$1" "$sp" "${@:2}" >"$d/out" 2>"$d/err" & bp=$!
    for _ in $(seq 600); do grep -q READY "$d/out" 2>/dev/null && break; sleep 0.1; done
  fi
  echo 1 >/proc/sys/kernel/bpf_stats_enabled
  echo go >"$d/go"; wait "$sp"
  bpftool prog show -j >"$d/progs.json"
  echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
  if [ -n "$bp" ]; then pkill -INT -P "$bp" 2>/dev/null || true; kill -INT "$bp" 2>/dev/null || true; wait "$bp" || true; fi
  python3 - "$d/progs.json" "$(cat "$d/res")" <<'PY'
import json, re, sys
calls = float(re.search(r"setsockopt_ns=([0-9.]+)", sys.argv[2]).group(1))
parts, seen = [], {}
# bpftrace 0.17 names a program by its tracepoint cut to 15 characters (sys_exit_setsoc), 0.23 in full and numbered
for p in sorted(json.load(open(sys.argv[1])), key=lambda p: p["id"]):
    name = p.get("name", "")
    if "setso" in name and p.get("run_cnt", 0) > 0:
        seen[name] = seen.get(name, 0) + 1
        parts.append("%s#%d=%.0f" % (name, seen[name], p["run_time_ns"] / p["run_cnt"]))
print(calls, " ".join(parts))
PY
  rm -rf "$d"
}
declare -A CFG=(
  [untraced]="none" [count-both]="counter.bt" [count-exit]="counter-exit.bt" [one-liner]="oneliner.bt"
  [probe]="probe.bt ${SW[*]}" [probe-no-socket]="no-socket.bt ${SW[*]}" [probe-no-value]="no-value.bt ${SW[*]}"
  [probe-no-keep]="no-keep.bt ${SW[*]}" [probe-no-socket-value-keep]="no-socket-value-keep.bt ${SW[*]}"
  [count-by-value]="count-by-value.bt" [count-by-value-no-read]="count-by-value-no-read.bt" [probe-count]="probe.bt ${CNT[*]}")
ORDER=(untraced count-both count-exit one-liner probe probe-no-socket probe-no-value probe-no-keep probe-no-socket-value-keep
  count-by-value count-by-value-no-read probe-count)
[ -n "${ONLY:-}" ] && read -r -a ORDER <<<"$ONLY"   # e.g. ONLY="untraced count-both count-by-value probe-count"
for r in $(seq "$REPS"); do
  for c in "${ORDER[@]}"; do
    # shellcheck disable=SC2086
    echo "$c $(one ${CFG[$c]})" >>"$W/results"
  done
done
echo "bpftrace $(cat "$W/version" | sed 's/bpftrace v//'), kernel $(uname -r), $(nproc) CPUs, storm bursts-busy $N, $REPS repetitions (medians)"
python3 - "$W/results" "${ORDER[@]}" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    w = line.split()
    rows.setdefault(w[0], []).append((float(w[1]), dict(x.split("=") for x in w[2:])))
floor = statistics.median(c for c, _ in rows["untraced"])
print("%-28s %10s %9s %9s  %s" % ("configuration", "ns/call", "overhead", "BPF ns", "BPF ns per program"))
for name in sys.argv[2:]:
    runs = rows[name]
    call = statistics.median(c for c, _ in runs)
    progs = sorted({p for _, d in runs for p in d})
    per = {p: statistics.median(float(d.get(p, 0)) for _, d in runs) for p in progs}
    print("%-28s %10.0f %9.0f %9.0f  %s" % (name, call, call - floor, sum(per.values()),
          " ".join("%s=%.0f" % (p.replace("tracepoint_syscalls_", "").replace("sys_", ""), v) for p, v in per.items())))
PY
