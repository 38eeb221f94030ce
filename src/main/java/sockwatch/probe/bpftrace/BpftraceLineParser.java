package sockwatch.probe.bpftrace;

import java.io.ByteArrayOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.event.EventSink;
import sockwatch.event.SetsockoptEvent;

/**
 * Reads the lines setsockopt.bt prints (see its header) and bpftrace's own "Lost N events" notices.
 * Anything else is either bpftrace chatter (blank lines at exit) or, if it starts like ours, counted as malformed.
 */
public final class BpftraceLineParser {
    static final String BACKEND = "bpftrace";
    private static final Pattern EVENT = Pattern.compile(
            "SW1 (\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) (-?\\d+) \\[((?:\\\\x[0-9a-f]{2})*)\\] \\[((?:\\\\x[0-9a-f]{2})*)\\]");
    private static final Pattern LOST = Pattern.compile("Lost (\\d+) events");
    private static final String READY = "SW1 READY";
    private static final String ROOT_EXIT = "SW1 EXIT ";

    /** What a line meant beyond the events it carried. */
    public enum Control { NONE, READY, ROOT_EXITED }

    private final long wallMinusMonotonicNanos;

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

    private SetsockoptEvent toEvent(Matcher m) {
        long ktime = Long.parseUnsignedLong(m.group(1));
        int optlen = Integer.parseInt(m.group(7));
        byte[] comm = untilNul(hexBytes(m.group(9)));
        byte[] value = hexBytes(m.group(10));
        if (optlen >= 0 && value.length > optlen) {
            value = java.util.Arrays.copyOf(value, optlen);
        }
        return new SetsockoptEvent(ktime + wallMinusMonotonicNanos, Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), comm, Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)), optlen, value, Long.parseLong(m.group(8)), BACKEND);
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
