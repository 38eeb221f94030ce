package sockwatch.probe;

import java.util.List;

/**
 * Which processes and calls a backend should watch. Backends narrow to these in the probe where they can
 * (bpftrace: the PIDs and their descendants, up to four names, up to eight options or levels and --tcp, all in the
 * kernel and all as numbers; strace: attaches to exactly these PIDs); sockwatch filters everything again in Java,
 * which is all the filtering there is for what a probe cannot take. User text never reaches probe source.
 *
 * @param pids            the PIDs to watch; empty = every process on the system
 * @param followChildren  also watch processes these fork after the probe is armed (launch mode)
 * @param tcpOnly         only calls on TCP sockets (a hint: sockwatch filters again in Java)
 * @param changesOnly     deliver a call only when it differs from the previous one on the same socket and option
 *                        (value or result); count identical repeats in the kernel and report them at the end
 * @param countsOnly      count every call in the kernel by (process, option, value, result) and deliver only the
 *                        counts, at the end (--count); no call is delivered on its own
 * @param compat32        also watch 32-bit programs' calls (bpftrace: a probe on every syscall, see
 *                        sockwatch.sys.Compat32 for when it is worth it)
 * @param ioUring         also watch setsockopt through io_uring where the kernel has it (bpftrace; default on)
 * @param filter          what a probe can filter in the kernel (names, options, levels); sockwatch filters
 *                        again in Java, so a backend may ignore it
 * @param batched         a backend may keep delivered calls in the kernel and hand them over in time-ordered
 *                        batches (bpftrace: every 33.5 ms, instead of waking itself per call; default on)
 */
public record TraceRequest(List<Integer> pids, boolean followChildren, boolean tcpOnly, boolean changesOnly,
        boolean countsOnly, boolean compat32, boolean ioUring, KernelFilter filter, boolean batched) {
    public TraceRequest {
        pids = List.copyOf(pids);
    }

    public TraceRequest(List<Integer> pids, boolean followChildren, boolean tcpOnly, boolean changesOnly) {
        this(pids, followChildren, tcpOnly, changesOnly, false, false, true, KernelFilter.ANY, true);
    }

    public TraceRequest(List<Integer> pids, boolean followChildren) {
        this(pids, followChildren, false, false);
    }

    public TraceRequest tcpOnly(boolean only) {
        return new TraceRequest(pids, followChildren, only, changesOnly, countsOnly, compat32, ioUring, filter, batched);
    }

    public TraceRequest changesOnly(boolean only) {
        return new TraceRequest(pids, followChildren, tcpOnly, only, countsOnly, compat32, ioUring, filter, batched);
    }

    public TraceRequest countsOnly(boolean only) {
        return new TraceRequest(pids, followChildren, tcpOnly, changesOnly, only, compat32, ioUring, filter, batched);
    }

    public static TraceRequest everything() {
        return new TraceRequest(List.of(), false);
    }

    /** A command sockwatch launched: its waiting shell's PID, and every child it will have. */
    public static TraceRequest launched(long pid) {
        return new TraceRequest(List.of((int) pid), true);
    }

    public boolean systemWide() {
        return pids.isEmpty();
    }

    public TraceRequest compat32(boolean on) {
        return new TraceRequest(pids, followChildren, tcpOnly, changesOnly, countsOnly, on, ioUring, filter, batched);
    }

    public TraceRequest filter(KernelFilter f) {
        return new TraceRequest(pids, followChildren, tcpOnly, changesOnly, countsOnly, compat32, ioUring, f, batched);
    }

    public TraceRequest batched(boolean on) {
        return new TraceRequest(pids, followChildren, tcpOnly, changesOnly, countsOnly, compat32, ioUring, filter, on);
    }

    public TraceRequest ioUring(boolean on) {
        return new TraceRequest(pids, followChildren, tcpOnly, changesOnly, countsOnly, compat32, on, filter, batched);
    }
}
