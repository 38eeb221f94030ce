package sockwatch.probe.bpftrace;

import java.io.ByteArrayOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.event.EventSink;
import sockwatch.event.RepeatCount;
import sockwatch.decode.Endpoints;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;

/**
 * Reads the lines setsockopt.bt prints (see its header) and bpftrace's own "Lost N events" notices.
 * In changes-only mode also the repeat counts it prints at the end ({@code @repeats[pid, fd, level, optname,
 * ret]: count}, {@code @repeats_total: count}, then {@code SW1 END}); map lines after that marker are bpftrace's
 * own dump of cleared maps at exit, and are ignored.
 * Anything else is either bpftrace chatter (blank lines at exit) or, if it starts like ours, counted as malformed.
 */
public final class BpftraceLineParser {
    static final String BACKEND = "bpftrace";
    private static final Pattern EVENT = Pattern.compile(
            "SW1 (\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) \\[((?:\\\\x[0-9a-f]{2})*)\\] \\[((?:\\\\x[0-9a-f]{2})*)\\]"
                    + "((?: -?\\d+){16})");
    private static final Pattern LOST = Pattern.compile("Lost (\\d+) events");
    private static final Pattern REPEATS = Pattern.compile(
            "@repeats\\[(-?\\d+), (-?\\d+), (-?\\d+), (-?\\d+), (-?\\d+)\\]: (\\d+)");
    private static final Pattern REPEATS_TOTAL = Pattern.compile("@repeats_total: (\\d+)");
    private static final String READY = "SW1 READY";
    private static final String ROOT_EXIT = "SW1 EXIT ";
    private static final String END = "SW1 END";

    /** What a line meant beyond the events it carried. */
    public enum Control { NONE, READY, ROOT_EXITED, END }

    private final long wallMinusMonotonicNanos;
    private boolean ended;

    /** @param wallMinusMonotonicNanos wall clock minus CLOCK_MONOTONIC, to turn bpftrace's nsecs into wall time */
    public BpftraceLineParser(long wallMinusMonotonicNanos) {
        this.wallMinusMonotonicNanos = wallMinusMonotonicNanos;
    }

    /** Feeds one line to the sink; says whether it was one of the probe's own markers. */
    public Control accept(String line, EventSink sink) {
        if (line.equals(READY)) {
            return Control.READY;
        }
        if (line.startsWith(ROOT_EXIT)) {
            return Control.ROOT_EXITED;
        }
        if (line.startsWith("@")) {
            repeats(line, sink);
            return Control.NONE;
        }
        if (line.equals(END)) {
            ended = true;
            return Control.END;
        }
        Matcher m = EVENT.matcher(line);
        if (m.matches()) {
            try {
                sink.event(toEvent(m));
            } catch (NumberFormatException e) {
                sink.malformed(line);
            }
            return Control.NONE;
        }
        Matcher lost = LOST.matcher(line.trim());
        if (lost.matches()) {
            sink.lost(Long.parseLong(lost.group(1)));
        } else if (line.startsWith("SW1")) {
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
        } catch (NumberFormatException e) {
            // fall through: counted as malformed
        }
        sink.malformed(line);
    }

    private SetsockoptEvent toEvent(Matcher m) {
        long ktime = Long.parseUnsignedLong(m.group(1));
        int optlen = Integer.parseInt(m.group(7));
        byte[] comm = untilNul(hexBytes(m.group(9)));
        byte[] value = hexBytes(m.group(10));
        if (value.length > Math.max(optlen, 0)) {
            value = java.util.Arrays.copyOf(value, Math.max(optlen, 0));
        }
        SocketContext socket = socket(m.group(11).trim().split(" "));
        return new SetsockoptEvent(ktime + wallMinusMonotonicNanos, Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), comm, Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)), optlen, value, Long.parseLong(m.group(8)), BACKEND, socket);
    }

    /**
     * family type protocol state lport rport(network order) l4 r4 l6[4] r6[4]; addresses as little-endian
     * loads of network-order bytes. bpftrace may sign-extend the 16-bit fields, hence the masks.
     */
    static SocketContext socket(String[] f) {
        if (Long.parseLong(f[0]) == -1) {
            return SocketContext.NOT_A_SOCKET;
        }
        int family = (int) (Long.parseLong(f[0]) & 0xffff);
        int type = (int) (Long.parseLong(f[1]) & 0xffff);
        int protocol = (int) (Long.parseLong(f[2]) & 0xffff);
        int state = (int) (Long.parseLong(f[3]) & 0xff);
        int lport = (int) (Long.parseLong(f[4]) & 0xffff);
        int rportNet = (int) (Long.parseLong(f[5]) & 0xffff);
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

    private static byte[] words(String[] f, int from, int count) {
        byte[] out = new byte[count * 4];
        for (int i = 0; i < count; i++) {
            int w = (int) Long.parseLong(f[from + i]);
            for (int k = 0; k < 4; k++) {
                out[i * 4 + k] = (byte) (w >> (8 * k));
            }
        }
        return out;
    }

    /** bpftrace's %rx: "\x01\x00..." */
    static byte[] hexBytes(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() / 4);
        for (int i = 0; i < s.length(); i += 4) {
            out.write(Integer.parseInt(s, i + 2, i + 4, 16));
        }
        return out.toByteArray();
    }

    private static byte[] untilNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return java.util.Arrays.copyOf(b, i);
            }
        }
        return b;
    }
}
