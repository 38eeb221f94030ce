package sockwatch.probe.bpftrace;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the probe's batched output ($10, see setsockopt.bt's "Batched") back into its line-per-call stream, in
 * time order: the events of each drained slot ({@code @e0[<ktime>, <tid>]: (<20 words>)}) become the SW2 lines
 * the probe would have printed, held until {@code SW1 DRAINED <slot>} says every event before the slot's end has
 * been printed, then released sorted by kernel time (the probe passes over slots with no call and no exit in them,
 * so a DRAINED covers every slot up to its own). A process's exit ({@code SW1 EXIT <pid> <ktime>}) is held
 * the same way, so that it never overtakes its own last calls. Other lines pass at once.
 *
 * <p>Losses: each slot's count ({@code @n0: <calls>}) is compared with the events that arrived, and what is
 * missing (past its CPU's budget, or its map was full) is reported as lost at once; at the end the probe's total ({@code @made: <calls>})
 * catches anything else (a slot drained while it was still being written, when bpftrace's printing fell more
 * than a slot behind). An event printed twice (the same kernel time and thread) counts once.
 */
public final class BatchedEvents {
    /** A slot is 2^25 ns of CLOCK_MONOTONIC (setsockopt.bt). */
    static final int SLOT_SHIFT = 25;
    /** The tuple's words (setsockopt.bt's "Batched", and {@link #toLine}). */
    static final int FIELDS = 20;
    private static final Pattern EVENT = Pattern.compile("@e[0-3]\\[(\\d+), (\\d+)\\]: \\((.*)\\)");
    private static final Pattern COUNT = Pattern.compile("@n[0-3]: (\\d+)");
    private static final Pattern MADE = Pattern.compile("@made: (\\d+)");
    private static final String DRAINED = "SW1 DRAINED ";
    private static final String EXIT = "SW1 EXIT ";
    private static final String END = "SW1 END";

    private record Key(long ktime, long tid) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compareUnsigned(ktime, o.ktime);
            return c != 0 ? c : Long.compare(tid, o.tid);
        }
    }

    /** Events and held exits not released yet, by kernel time (an exit sorts after a call at the same time). */
    private final TreeMap<Key, String> pending = new TreeMap<>();
    /** The events of the last four slots handed on, so that a second copy of one is known. */
    private final java.util.TreeSet<Key> released = new java.util.TreeSet<>();
    private final LongConsumer lost;
    private long received;
    private long counted;
    /** The counts printed since the last SW1 DRAINED, and the newest slot drained. */
    private long slotCount;
    private long lastDrained = Long.MIN_VALUE;
    private long reportedLost;
    private boolean ended;

    /** @param lost told how many calls the probe counted but whose events never arrived, as soon as known */
    public BatchedEvents(LongConsumer lost) {
        this.lost = lost;
    }

    /** Takes one line of bpftrace's output; hands what is due to {@code out}, in order. */
    public void accept(String line, Consumer<String> out) {
        if (line.isEmpty()) {
            return;   // bpftrace's blank line after each printed map
        }
        if (ended) {
            if (!line.startsWith("@")) {   // bpftrace prints the (cleared) maps once more when it exits
                out.accept(line);
            }
            return;
        }
        if (line.startsWith("@e")) {
            Matcher m = EVENT.matcher(line);
            if (m.matches()) {
                String sw2 = toLine(m.group(1), m.group(2), m.group(3));
                if (sw2 != null) {
                    Key k = new Key(Long.parseUnsignedLong(m.group(1)), Long.parseLong(m.group(2)));
                    if (!released.contains(k) && !pending.containsKey(k)) {
                        received++;
                        hold(k, sw2, out);
                    }
                    return;
                }
            }
            out.accept(line);   // malformed: the parser says so
            return;
        }
        if (line.startsWith("@n")) {
            Matcher m = COUNT.matcher(line);
            if (m.matches()) {
                slotCount += Long.parseLong(m.group(1));   // the slot's: its SW1 DRAINED comes next
                return;
            }
        }
        if (line.startsWith("@made")) {
            Matcher m = MADE.matcher(line);
            if (m.matches()) {
                report(Long.parseLong(m.group(1)));
                return;
            }
        }
        if (line.startsWith(DRAINED)) {
            long slot;
            try {
                slot = Long.parseLong(line.substring(DRAINED.length()).trim());
            } catch (NumberFormatException e) {
                out.accept(line);
                return;
            }
            if (slot > lastDrained) {
                counted += slotCount;
                lastDrained = slot;
            }   // else a slot printed twice (two drains at once, which the probe rules out): counted once
            slotCount = 0;
            report(counted);
            release(new Key((slot + 1) << SLOT_SHIFT, Long.MIN_VALUE), out);
            return;
        }
        if (line.startsWith(EXIT)) {
            String[] w = line.split(" ");
            if (w.length == 4) {
                try {
                    // after any call of the same nanosecond
                    hold(new Key(Long.parseUnsignedLong(w[3]), Long.MAX_VALUE - pending.size()), EXIT + w[2], out);
                    return;
                } catch (NumberFormatException e) {
                    // passed on as it is: the parser says it is malformed
                }
            }
        }
        if (line.equals(END)) {
            counted += slotCount;
            slotCount = 0;
            report(counted);
            release(null, out);
            ended = true;
        }
        out.accept(line);
    }

    /** The probe counted {@code calls} so far: what has not arrived (and was not reported yet) is lost. */
    private void report(long calls) {
        long missing = calls - received - reportedLost;
        if (missing > 0) {
            reportedLost += missing;
            lost.accept(missing);
        }
    }

    /** Everything before this has been handed on: a call that comes later than its slot's drain goes at once. */
    private Key releasedTo;

    /**
     * Keeps a line until its slot is drained; one whose slot was drained already (bpftrace printed it that late,
     * which only a backlog of more than two slots does) goes at once: late rather than lost.
     */
    private void hold(Key k, String line, Consumer<String> out) {
        if (releasedTo != null && k.compareTo(releasedTo) < 0) {
            out.accept(line);
        } else {
            pending.put(k, line);
        }
    }

    /** Hands on, in time order, everything before {@code bound} (everything: null). */
    private void release(Key bound, Consumer<String> out) {
        Map<Key, String> due = bound == null ? pending : pending.headMap(bound);
        for (Iterator<Map.Entry<Key, String>> it = due.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, String> e = it.next();
            out.accept(e.getValue());
            released.add(e.getKey());
            it.remove();
        }
        if (bound != null && (releasedTo == null || bound.compareTo(releasedTo) > 0)) {
            releasedTo = bound;
        }
        if (bound != null && Long.compareUnsigned(bound.ktime(), 4L << SLOT_SHIFT) > 0) {
            // a copy comes, if ever, with a drain of the same or the next slots
            released.headSet(new Key(bound.ktime() - (4L << SLOT_SHIFT), Long.MIN_VALUE)).clear();
        }
    }

    /** How many events (and held exits) wait for their slot's drain. */
    int waiting() {
        return pending.size();
    }

    /**
     * The SW2 line the probe prints for this event (setsockopt.bt), from the 20 words it packs in batched mode:
     * pid << 32 | fd, level << 32 | optname, optlen << 32 | ret (32 bits each, signed), comm words 0 and 1,
     * n | state << 8 | family << 16 | type << 32 | protocol << 48 (family signed), local port | remote port << 16 |
     * path-and-page << 32, local IPv4 | remote IPv4 << 32, 8 value words, 4 IPv6 words. The line has k = 8 value
     * words, and the IPv4 or IPv6 fields as the probe's printf for the family has them. Null for another shape.
     */
    static String toLine(String ktime, String tid, String tuple) {
        String[] f = tuple.split(", ");
        if (f.length != FIELDS) {
            return null;
        }
        long[] v = new long[FIELDS];
        try {
            for (int i = 0; i < FIELDS; i++) {
                if (f[i].isEmpty() || f[i].charAt(0) == '-' || f[i].charAt(0) == '+') {
                    return null;   // every word is unsigned
                }
                v[i] = Long.parseUnsignedLong(f[i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        int family = (short) (v[5] >>> 16);
        StringBuilder b = new StringBuilder(256).append("SW2 ").append(ktime)
                .append(' ').append(v[0] >>> 32).append(' ').append(tid)
                .append(' ').append((int) v[0])                                   // fd
                .append(' ').append((int) (v[1] >>> 32)).append(' ').append((int) v[1])   // level, optname
                .append(' ').append((int) (v[2] >>> 32)).append(' ').append((int) v[2])   // optlen, ret
                .append(' ').append(Long.toUnsignedString(v[3])).append(' ').append(Long.toUnsignedString(v[4]))
                .append(' ').append(v[5] & 0xff).append(" 8");                   // n, k
        for (int i = 8; i < 16; i++) {
            b.append(' ').append(Long.toUnsignedString(v[i]));
        }
        b.append(' ').append(family).append(' ').append((v[5] >>> 32) & 0xffff).append(' ').append(v[5] >>> 48)
                .append(' ').append((v[5] >>> 8) & 0xff)                          // type, protocol, state
                .append(' ').append(v[6] & 0xffff).append(' ').append((v[6] >>> 16) & 0xffff);   // ports
        b.append(' ').append(v[7] & 0xffffffffL).append(' ').append(v[7] >>> 32);   // IPv4 (zero for IPv6)
        for (int i = 16; i < 20; i++) {
            b.append(' ').append(Long.toUnsignedString(v[i]));
        }
        return b.append(" 0 0 0 0 ").append(v[6] >>> 32).toString();
    }
}
