package sockwatch.output;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Event timestamps as text, fast: events come in bursts within the same second, so the date-and-time part is
 * formatted once per second (by java.time, so the output is exactly java.time's) and only the fraction per event.
 * Zone offsets only change on whole seconds, so a per-second prefix is always right. Safe for several threads:
 * the cache is one immutable object.
 */
final class TimeText {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss.");

    private record Second(long epochSecond, String prefix) {
    }

    private final ZoneId zone;
    private Second cached = new Second(Long.MIN_VALUE, "");

    /** @param zone the zone for {@link #localTime}; null when only {@link #isoInstant} is used */
    TimeText(ZoneId zone) {
        this.zone = zone;
    }

    /** "HH:mm:ss.SSS" in the zone. */
    void localTime(StringBuilder out, long wallNanos) {
        long sec = Math.floorDiv(wallNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(wallNanos, 1_000_000_000L);
        Second s = cached;
        if (s.epochSecond != sec) {
            s = new Second(sec, HMS.format(Instant.ofEpochSecond(sec).atZone(zone)));
            cached = s;
        }
        out.append(s.prefix);
        pad(out, nanos / 1_000_000, 3);
    }

    /** What {@link Instant#toString()} gives ("2026-11-25T18:04:41.104165727Z"), for the same instant. */
    void isoInstant(StringBuilder out, long wallNanos) {
        long sec = Math.floorDiv(wallNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(wallNanos, 1_000_000_000L);
        Second s = cached;
        if (s.epochSecond != sec) {
            String whole = Instant.ofEpochSecond(sec).toString();   // "...:41Z"
            s = new Second(sec, whole.substring(0, whole.length() - 1));
            cached = s;
        }
        out.append(s.prefix);
        if (nanos != 0) {
            // like DateTimeFormatter.ISO_INSTANT: 3, 6 or 9 digits, as many as needed
            out.append('.');
            if (nanos % 1_000_000 == 0) {
                pad(out, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                pad(out, nanos / 1000, 6);
            } else {
                pad(out, nanos, 9);
            }
        }
        out.append('Z');
    }

    /** value (below 10^digits) with leading zeros to {@code digits} digits: the zeros, then one int append. */
    private static void pad(StringBuilder out, int value, int digits) {
        for (int limit = POW10[digits - 1]; limit > 1 && value < limit; limit /= 10) {
            out.append('0');
        }
        out.append(value);
    }

    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
}
