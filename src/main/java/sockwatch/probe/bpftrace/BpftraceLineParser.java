package sockwatch.probe.bpftrace;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.event.CallCount;
import sockwatch.event.CallPath;
import sockwatch.event.EventSink;
import sockwatch.event.RepeatCount;
import sockwatch.decode.Endpoints;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;

/**
 * Reads the lines setsockopt.bt prints (see its header) and bpftrace's own "Lost N events" notices.
 * In changes-only mode also the repeat counts it prints at the end ({@code @repeats[pid, fd, level, optname,
 * ret]: count}, {@code @repeats_total: count}, then {@code SW1 END}); map lines after that marker are bpftrace's
 * own dump of cleared maps at exit, and are ignored. In counts-only mode, the same way, the process names
 * ({@code @comm[pid]: (word 0, word 1)}), the counts ({@code @counts[pid, level, optname, optlen, ret, word 0,
 * word 1, path and page offset]: count}) and their total ({@code @counted: count}).
 * Anything else is either bpftrace chatter (blank lines at exit) or, if it starts like ours, counted as malformed.
 */
public final class BpftraceLineParser {
    static final String BACKEND = "bpftrace";
    /** The probe's event line: numbers only (see setsockopt.bt). */
    private static final String EVENT_PREFIX = "SW2 ";
    private static final Pattern LOST = Pattern.compile("Lost (\\d+) events");
    private static final Pattern REPEATS = Pattern.compile(
            "@repeats\\[(-?\\d+), (-?\\d+), (-?\\d+), (-?\\d+), (-?\\d+)\\]: (\\d+)");
    private static final Pattern REPEATS_TOTAL = Pattern.compile("@repeats_total: (\\d+)");
    private static final Pattern COMM = Pattern.compile("@comm\\[(\\d+)\\]: \\((-?\\d+), (-?\\d+)\\)");
    private static final Pattern COUNTS = Pattern.compile("@counts\\[(-?\\d+), (-?\\d+), (-?\\d+), (-?\\d+), (-?\\d+),"
            + " (-?\\d+), (-?\\d+), (\\d+)\\]: (\\d+)");
    private static final Pattern COUNTED = Pattern.compile("@counted: (\\d+)");
    private static final String READY = "SW1 READY";
    private static final String EXIT = "SW1 EXIT ";
    private static final String FORK = "SW1 FORK ";
    private static final String SEEN = "SW1 SEEN ";
    private static final String UNFOLLOWED = "SW1 UNFOLLOWED ";
    private static final String END = "SW1 END";

    /** What a line meant beyond the events it carried. */
    public enum Control { NONE, READY, ROOT_EXITED, END }

    private int rootPid;
    /** Counts-only mode: each process's name, as the probe prints them before the counts. */
    private final java.util.Map<Integer, byte[]> comms = new java.util.HashMap<>();
    private int countKeys;

    private final long wallMinusMonotonicNanos;
    private boolean ended;

    /** @param wallMinusMonotonicNanos wall clock minus CLOCK_MONOTONIC, to turn bpftrace's nsecs into wall time */
    public BpftraceLineParser(long wallMinusMonotonicNanos) {
        this.wallMinusMonotonicNanos = wallMinusMonotonicNanos;
    }

    /** The root PID ($1): its exit is {@link Control#ROOT_EXITED}; without one, every exit is. */
    public BpftraceLineParser root(int pid) {
        this.rootPid = pid;
        return this;
    }

    /** How many keys the probe's count table holds (BPFTRACE_MAP_KEYS_MAX), for the sink's note on a full one. */
    public BpftraceLineParser countKeys(int keys) {
        this.countKeys = keys;
        return this;
    }

    /** Feeds one line to the sink; says whether it was one of the probe's own markers. */
    public Control accept(String line, EventSink sink) {
        if (line.equals(READY)) {
            return Control.READY;
        }
        if (line.startsWith(EXIT) || line.startsWith(FORK) || line.startsWith(UNFOLLOWED) || line.startsWith(SEEN)) {
            return process(line, sink);
        }
        if (line.startsWith("@")) {
            repeats(line, sink);
            return Control.NONE;
        }
        if (line.equals(END)) {
            ended = true;
            return Control.END;
        }
        if (line.startsWith(EVENT_PREFIX)) {
            SetsockoptEvent event;
            try {
                event = toEvent(line);
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                event = null;
            }
            if (event != null) {
                sink.event(event);
            } else {
                sink.malformed(line);
            }
            return Control.NONE;
        }
        Matcher lost = LOST.matcher(line.trim());
        if (lost.matches()) {
            sink.lost(Long.parseLong(lost.group(1)));
        } else if (line.startsWith("SW")) {
            sink.malformed(line);
        }
        return Control.NONE;
    }

    private void repeats(String line, EventSink sink) {
        if (ended) {
            return;
        }
        try {
            Matcher m = REPEATS.matcher(line);
            if (m.matches()) {
                sink.repeats(new RepeatCount(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Long.parseLong(m.group(5)),
                        Long.parseLong(m.group(6)), BACKEND));
                return;
            }
            Matcher total = REPEATS_TOTAL.matcher(line);
            if (total.matches()) {
                sink.repeatsCounted(Long.parseLong(total.group(1)));
                return;
            }
            Matcher comm = COMM.matcher(line);
            if (comm.matches()) {
                comms.put(Integer.parseInt(comm.group(1)), comm(word(comm.group(2)), word(comm.group(3))));
                return;
            }
            Matcher counts = COUNTS.matcher(line);
            if (counts.matches()) {
                CallCount c = toCount(counts);
                if (c != null) {
                    sink.counted(c);
                    return;
                }
            }
            Matcher counted = COUNTED.matcher(line);
            if (counted.matches()) {
                sink.callsCounted(Long.parseLong(counted.group(1)), countKeys);
                return;
            }
        } catch (NumberFormatException e) {
            // fall through: counted as malformed
        }
        sink.malformed(line);
    }

    /** A 64-bit word as bpftrace prints it: unsigned, or signed where its type was. */
    private static long word(String s) {
        return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
    }

    /**
     * One count: its value is the first min(optlen, 16) bytes, read as an SW2 line's (two words), and only the
     * bytes {@link ValueReads} finds really read are kept. Null when the numbers do not fit that shape.
     */
    private CallCount toCount(Matcher m) {
        int pid = Integer.parseInt(m.group(1));
        int level = Integer.parseInt(m.group(2));
        int optname = Integer.parseInt(m.group(3));
        int optlen = Integer.parseInt(m.group(4));
        long ret = Long.parseLong(m.group(5));
        long pv = Long.parseLong(m.group(8));
        CallPath path = CallPath.ofCode(pv & 0xff);
        long off = (pv >> 8) - 1;
        if (path == null || off < 0 || off >= ValueReads.PAGE) {
            return null;
        }
        int n = Math.max(0, Math.min(optlen, CallCount.KEYED_BYTES));
        byte[] value = valueBytes(new long[] {word(m.group(6)), word(m.group(7))}, n);
        int read = ValueReads.verified(value, n, (int) off, ret == 0 && optlen > 0);
        byte[] comm = comms.getOrDefault(pid, new byte[0]);
        return new CallCount(pid, comm, level, optname, optlen, java.util.Arrays.copyOf(value, read), ret, path,
                Long.parseLong(m.group(9)), BACKEND);
    }

    /**
     * The first n value bytes from the probe's little-endian words: word i holds bytes 8i..8i+7; a last partial
     * word holds the 8 bytes that end at n (only those past the words before it are taken, so a read that failed
     * there cannot wipe bytes already read: ValueReads judges its own bytes); under 8 bytes, the low n bytes of
     * word 0.
     */
    static byte[] valueBytes(long[] words, int n) {
        byte[] value = new byte[n];
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            int at = 8 * i;
            if (at + 8 <= n) {
                putLong(value, at, w, 8);
            } else if (at < n) {
                if (n >= 8) {
                    for (int j = at; j < n; j++) {
                        value[j] = (byte) (w >>> (8 * (j - (n - 8))));
                    }
                } else {
                    putLong(value, 0, w, n);
                }
            }
        }
        return value;
    }

    /** SW1 EXIT {@code <pid> [<ktime>]}, FORK, UNFOLLOWED and SEEN {@code <pid>}: the watched tree's changes. */
    private Control process(String line, EventSink sink) {
        int pid;
        try {
            String[] w = line.split(" ");   // SW1 EXIT <pid> [<ktime>], SW1 FORK <pid>, SW1 UNFOLLOWED <pid>
            if (w.length > (line.startsWith(EXIT) ? 4 : 3)) {
                throw new NumberFormatException(line);
            }
            pid = Integer.parseInt(w[2]);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            sink.malformed(line);
            return Control.NONE;
        }
        if (line.startsWith(FORK)) {
            sink.processForked(pid);
        } else if (line.startsWith(SEEN)) {
            sink.processSeen(pid);
        } else if (line.startsWith(UNFOLLOWED)) {
            sink.processUnfollowed(pid);
        } else {
            sink.processExited(pid);
            if (rootPid == 0 || pid == rootPid) {
                return Control.ROOT_EXITED;
            }
        }
        return Control.NONE;
    }

    /**
     * {@code SW2 <ktime> <pid> <tid> <fd> <level> <optname> <optlen> <ret> <comm word 0> <comm word 1> <n> <k>
     * <k value words> <16 numbers>}: the process name as two little-endian words, the first n value bytes as k
     * little-endian words (word i: bytes 8i..8i+7; a last partial word: the 8 bytes ending at n; under 8 bytes: the
     * low n bytes of word 0). An optional last number is the call's path ({@link CallPath#code()}: 2 and 3 for a
     * 32-bit program's syscall and socketcall, 4 and 5 for io_uring); without it the call was the 64-bit syscall.
     * Its bits from 8 up hold optval's page offset + 1: only the value bytes {@link ValueReads} finds really read
     * are kept.
     * Returns null when the line does not have exactly that shape.
     */
    private SetsockoptEvent toEvent(String line) {
        NumberCursor s = new NumberCursor(line, EVENT_PREFIX.length());
        long ktime = s.unsigned();
        int pid = s.spaceInt();
        int tid = s.spaceInt();
        int fd = s.spaceInt();
        int level = s.spaceInt();
        int optname = s.spaceInt();
        int optlen = s.spaceInt();
        long ret = s.spaceLong();
        long comm0 = s.spaceUnsigned();
        long comm1 = s.spaceUnsigned();
        int n = s.spaceInt();
        int k = s.spaceInt();
        if (n < 0 || n > 64 || k < 0 || k > 8 || (n + 7) / 8 > k) {
            return null;
        }
        long[] words = new long[k];
        for (int i = 0; i < k; i++) {
            words[i] = s.spaceUnsigned();
        }
        byte[] value = valueBytes(words, n);
        long[] f = new long[16];
        for (int i = 0; i < 16; i++) {
            f[i] = i >= 8 ? s.spaceUnsigned() : s.spaceLong();   // IPv6 words may use all 64 bits
        }
        CallPath path = CallPath.SYSCALL;
        int pageOffset = -1;
        if (!s.atEnd()) {
            // path | (optval's page offset + 1) << 8; older probes printed the path alone
            long last = s.spaceLong();
            path = CallPath.ofCode(last & 0xff);
            long off = (last >> 8) - 1;
            if (last >= 0x100) {
                pageOffset = off < ValueReads.PAGE ? (int) off : -2;
            }
            if (path == null || pageOffset == -2 || !s.atEnd()) {
                return null;
            }
        }
        if (pageOffset >= 0 && (f[0] & 0xffff) == SocketContext.AF_INET6) {
            // this probe prints an IPv6 address as two 64-bit words, then 0 0: back to four 32-bit ones
            long l0 = f[8], l1 = f[9], r0 = f[10], r1 = f[11];
            f[8] = l0 & 0xffffffffL; f[9] = l0 >>> 32; f[10] = l1 & 0xffffffffL; f[11] = l1 >>> 32;
            f[12] = r0 & 0xffffffffL; f[13] = r0 >>> 32; f[14] = r1 & 0xffffffffL; f[15] = r1 >>> 32;
        }
        // only the bytes really read: a failed read of user memory gives zeros that are not the value
        int read = ValueReads.verified(value, n, pageOffset, ret == 0 && optlen > 0);
        if (read < value.length) {
            value = java.util.Arrays.copyOf(value, read);
        }
        if (value.length > Math.max(optlen, 0)) {
            value = java.util.Arrays.copyOf(value, Math.max(optlen, 0));
        }
        return new SetsockoptEvent(ktime + wallMinusMonotonicNanos, pid, tid, comm(comm0, comm1), fd, level, optname,
                optlen, value, ret, BACKEND, socket(f), path);
    }

    /** The low {@code count} bytes of w, little-endian, at {@code at}. */
    private static void putLong(byte[] b, int at, long w, int count) {
        for (int i = 0; i < count; i++) {
            b[at + i] = (byte) (w >>> (8 * i));
        }
    }

    /** The process name: the bytes of its two little-endian words up to the first NUL (the kernel's 16-byte comm). */
    static byte[] comm(long word0, long word1) {
        int len = bytesBeforeNul(word0);
        if (len == 8) {
            len += bytesBeforeNul(word1);
        }
        byte[] comm = new byte[len];
        putLong(comm, 0, word0, Math.min(len, 8));
        if (len > 8) {
            putLong(comm, 8, word1, len - 8);
        }
        return comm;
    }

    private static int bytesBeforeNul(long w) {
        for (int i = 0; i < 8; i++) {
            if ((w >>> (8 * i) & 0xff) == 0) {
                return i;
            }
        }
        return 8;
    }

    /**
     * family type protocol state lport rport(network order) l4 r4 l6[4] r6[4]; addresses as little-endian
     * loads of network-order bytes. bpftrace may sign-extend the 16-bit fields, hence the masks.
     */
    static SocketContext socket(long[] f) {
        if (f[0] == -1) {
            return SocketContext.NOT_A_SOCKET;
        }
        int family = (int) (f[0] & 0xffff);
        int type = (int) (f[1] & 0xffff);
        int protocol = (int) (f[2] & 0xffff);
        int state = (int) (f[3] & 0xff);
        int lport = (int) (f[4] & 0xffff);
        int rportNet = (int) (f[5] & 0xffff);
        int rport = ((rportNet & 0xff) << 8) | (rportNet >> 8);
        if (family != SocketContext.AF_INET && family != SocketContext.AF_INET6) {
            return new SocketContext(family, type, protocol, state, null, null);
        }
        byte[] local = family == SocketContext.AF_INET ? words(f, 6, 1) : words(f, 8, 4);
        byte[] remote = family == SocketContext.AF_INET ? words(f, 7, 1) : words(f, 12, 4);
        String l = lport == 0 && Endpoints.isAny(local) ? null : Endpoints.of(local, lport);
        String r = rport == 0 ? null : Endpoints.of(remote, rport);
        return new SocketContext(family, type, protocol, state, l, r);
    }

    private static byte[] words(long[] f, int from, int count) {
        byte[] out = new byte[count * 4];
        for (int i = 0; i < count; i++) {
            int w = (int) f[from + i];
            for (int k = 0; k < 4; k++) {
                out[i * 4 + k] = (byte) (w >> (8 * k));
            }
        }
        return out;
    }
}
