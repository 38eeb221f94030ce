package sockwatch.probe.strace;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.decode.Errno;
import sockwatch.decode.ShownBytes;
import sockwatch.event.CallPath;
import sockwatch.event.EventSink;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;

/**
 * Reads strace's trace output, as {@link StraceBackend} asks for it (-f, -o, -Y, -yy, -X raw, -xx, unix ns
 * timestamps, ns syscall times), one line at a time:
 * <pre>
 * 4681&lt;\x70\x79&gt; 1795629598.755438401 setsockopt(3&lt;TCP:[127.0.0.1:5000]&gt;, 0x6, 0x1, [1], 4) = 0 &lt;0.000020170&gt;
 * 4681&lt;\x70\x79&gt; 1795629598.755438401 [ Process PID=4681 runs in 32 bit mode. ]
 * 4683&lt;\x70\x79&gt; 1795629670.161094762 setsockopt(3&lt;UNIX-STREAM:[8330]&gt;, 0x1, 0x7, [0], 4 &lt;unfinished ...&gt;
 * 4683&lt;\x70\x79&gt; 1795629670.161131547 &lt;... setsockopt resumed&gt;) = 0 &lt;0.000028182&gt;
 * 4681&lt;\x70\x79&gt; 1795629598.758000194 +++ exited with 0 +++
 * </pre>
 * Every line starts with the thread id (strace prints it on every line with -f and -o) and, from -Y, that
 * thread's name in hex. With -f, a call another thread interrupts is split into an unfinished and a resumed line,
 * paired here by thread id. An event's time is the call's entry time plus its duration, i.e. when it returned.
 * The fd's -yy decoration is the socket as strace saw it at the call (FdDecoration, YySocket, StraceSockets);
 * strace's "runs in 32 bit mode" notice marks that thread's later calls 32-bit (their values' layouts follow).
 * Not thread-safe: one reader thread feeds it.
 */
public final class StraceLineParser {
    static final String BACKEND = "strace";
    private static final int EBADF = 9;
    private static final String HEX = "(?:\\\\x[0-9a-f]{2})*";
    private static final Pattern LEADER = Pattern.compile("(\\d+)(?:<(" + HEX + ")>)? +(\\d+\\.\\d+) (.*)");
    private static final String RESULT = "\\) += (.+?)(?: <(\\d+\\.\\d+)>)?";
    private static final Pattern COMPLETE = Pattern.compile("setsockopt\\((.*)" + RESULT);
    private static final Pattern UNFINISHED = Pattern.compile("setsockopt\\((.*) <unfinished \\.\\.\\.>");
    private static final Pattern RESUMED = Pattern.compile("<\\.\\.\\. setsockopt resumed>.*?" + RESULT);
    /** What follows the fd and its -yy decoration (see FdDecoration). */
    private static final Pattern ARGS = Pattern.compile(", (\\S+), (\\S+), (.*), (-?\\d+)");
    private static final Pattern PERSONALITY = Pattern.compile("\\[ Process PID=(\\d+) runs in (.+) mode\\. \\]");
    private static final Pattern TASK_END = Pattern.compile("\\+\\+\\+ (.+) \\+\\+\\+");
    private static final Pattern RETURN = Pattern.compile("(-?\\d+)(?: (\\S+) \\((.*)\\))?");
    private static final Pattern ERRNO_NUMBER = Pattern.compile("(?:ERRNO_|errno )(\\d+)");

    /** What a line meant beyond the event it may have carried. */
    public enum Control { NONE, ROOT_EXITED }

    /** Which process a thread belongs to and what it is called: /proc in real runs, a table in tests. */
    public interface Tasks {
        /** The thread group id of tid, or tid itself when that can no longer be found out. */
        int tgid(int tid);

        /** The process's name (its leader's comm), if it can still be read or was read before. */
        Optional<byte[]> comm(int tgid);

        /** strace says this task is gone: forget what was cached for it (its id may be reused). */
        void gone(int tid);

        /**
         * Whether the thread ran a 32-bit program when strace began tracing it. strace says so itself only when
         * that differs from the mode it assumed for the new task (the mode of whichever task it handled last),
         * and says every change after that, so this is asked only for tasks it said nothing about.
         */
        default boolean started32Bit(int tid) {
            return false;
        }
    }

    /** The first half of a call another thread interrupted. */
    private record Pending(long entryNanos, String args) {
    }

    private final Tasks tasks;
    private final Set<Integer> roots;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final StraceSockets sockets;
    /** Per thread, the mode strace last said it runs in: true for 32-bit. */
    private final Map<Integer, Boolean> compat = new HashMap<>();

    /** @param roots the PIDs strace was asked to attach to: their exit is reported as ROOT_EXITED */
    public StraceLineParser(Tasks tasks, Set<Integer> roots) {
        this(tasks, roots, new StraceSockets(StraceSockets.ProcView.NONE, true));
    }

    StraceLineParser(Tasks tasks, Set<Integer> roots, StraceSockets sockets) {
        this.tasks = tasks;
        this.roots = Set.copyOf(roots);
        this.sockets = sockets;
    }

    public Control accept(String line, EventSink sink) {
        Matcher lead = LEADER.matcher(line);
        if (!lead.matches()) {
            if (line.contains("setsockopt")) {
                sink.malformed(line);
            }
            return Control.NONE;
        }
        int tid;
        long ts;
        try {
            tid = Integer.parseInt(lead.group(1));
            ts = nanos(lead.group(3));
        } catch (NumberFormatException e) {
            sink.malformed(line);
            return Control.NONE;
        }
        String comm = lead.group(2);
        String rest = lead.group(4);
        Matcher m;
        if ((m = COMPLETE.matcher(rest)).matches()) {
            finish(line, tid, comm, new Pending(ts, m.group(1)), m.group(2), m.group(3), sink);
        } else if ((m = UNFINISHED.matcher(rest)).matches()) {
            pending.put(tid, new Pending(ts, m.group(1)));
        } else if ((m = RESUMED.matcher(rest)).matches()) {
            Pending p = pending.remove(tid);
            // Without its first half the call began before strace attached: its arguments were never seen.
            if (p != null) {
                finish(line, tid, comm, p, m.group(1), m.group(2), sink);
            }
        } else if ((m = PERSONALITY.matcher(rest)).matches()) {
            // per task (strace prints it with the task's tid), "32 bit", "64 bit" or "x32" (64-bit layouts)
            compat.put(Integer.parseInt(m.group(1)), m.group(2).equals("32 bit"));
        } else if ((m = TASK_END.matcher(rest)).matches()) {
            pending.remove(tid);
            compat.remove(tid);
            tasks.gone(tid);
            boolean ended = m.group(1).startsWith("exited with") || m.group(1).startsWith("killed by");
            return ended && roots.contains(tid) ? Control.ROOT_EXITED : Control.NONE;
        } else if (rest.contains("setsockopt")) {
            sink.malformed(line);
        }
        return Control.NONE;
    }

    private void finish(String line, int tid, String commHex, Pending call, String result, String duration,
                        EventSink sink) {
        FdDecoration fd = FdDecoration.split(call.args());
        Matcher a = fd == null ? null : ARGS.matcher(fd.rest());
        if (a == null || !a.matches()) {
            sink.malformed(line);
            return;
        }
        OptionalInt ret = ret(result.strip());
        if (ret.isEmpty()) {
            // "= ?": the task died or the call is to be restarted; strace will show the restarted call again.
            return;
        }
        try {
            int optlen = Integer.parseInt(a.group(4));
            long wall = call.entryNanos() + (duration == null ? 0 : nanos(duration));
            int tgid = tasks.tgid(tid);
            // strace's -Y name is the thread's own and stops at a newline, so /proc comes first; it stands in
            // only for a main thread whose process is already gone.
            byte[] comm = tasks.comm(tgid).orElseGet(
                    () -> tid == tgid && commHex != null ? StraceValue.hex(commHex) : new byte[0]);
            int fdNumber = Integer.parseInt(fd.fd());
            boolean thirtyTwo = compat.containsKey(tid) ? compat.get(tid) : tasks.started32Bit(tid);
            int level = number(a.group(1));
            int optname = number(a.group(2));
            // a struct strace printed only in part (StraceStructs): its known leading bytes stand as the value
            ShownBytes shown = StraceStructs.parse(a.group(3), level, optname, optlen, thirtyTwo);
            byte[] value = shown != null ? shown.prefix() : StraceValue.bytes(a.group(3), optlen);
            sink.event(new SetsockoptEvent(wall, tgid, tid, comm, fdNumber, level, optname, optlen, value,
                    ret.getAsInt(), BACKEND, socket(tgid, fdNumber, fd.decoration(), ret.getAsInt()),
                    thirtyTwo ? CallPath.SYSCALL_32 : CallPath.SYSCALL,
                    shown == null || shown.complete() ? null : shown));
        } catch (NumberFormatException e) {
            sink.malformed(line);
        }
    }

    /**
     * The socket as strace saw it at the call (its -yy decoration). Without one strace could not read the fd's
     * link: a closed fd (EBADF), else left to the sink to find out (lines recorded before -yy have none).
     */
    private SocketContext socket(int pid, int fd, String decoration, int ret) {
        if (decoration == null) {
            return ret == -EBADF ? SocketContext.NOT_A_SOCKET : SocketContext.UNKNOWN;
        }
        return sockets.at(pid, fd, YySocket.parse(decoration));
    }

    /** "0", "-1 ENOENT (No such file or directory)", "-1 ERRNO_600 (...)"; empty for "?" and anything unclear. */
    static OptionalInt ret(String s) {
        Matcher m = RETURN.matcher(s);
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        int v;
        try {
            v = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
        if (m.group(2) == null) {
            return OptionalInt.of(v);
        }
        OptionalInt errno = Errno.number(m.group(2));
        if (errno.isEmpty()) {
            Matcher n = ERRNO_NUMBER.matcher(m.group(2).startsWith("ERRNO_") ? m.group(2) : m.group(3));
            errno = n.matches() ? OptionalInt.of(Integer.parseInt(n.group(1))) : OptionalInt.empty();
        }
        return errno.isPresent() ? OptionalInt.of(-errno.getAsInt()) : OptionalInt.empty();
    }

    /** A level or optname as -X raw prints it: 0x-prefixed hex, or decimal; unsigned values wrap to int. */
    static int number(String s) {
        boolean hex = s.startsWith("0x");
        return (int) Long.parseLong(hex ? s.substring(2) : s, hex ? 16 : 10);
    }

    /** "1795629598.755438401" (any precision up to ns) to nanoseconds. */
    static long nanos(String secondsDotFraction) {
        int dot = secondsDotFraction.indexOf('.');
        String frac = (secondsDotFraction.substring(dot + 1) + "000000000").substring(0, 9);
        return Long.parseLong(secondsDotFraction.substring(0, dot)) * 1_000_000_000L + Long.parseLong(frac);
    }
}
