package sockwatch.output;

import java.util.Objects;

/**
 * Pieces of output text made once and then reused: the parts of an event's line that repeat from event to event
 * (an option's names, a socket's kind, a process name escaped). A small direct-mapped table: a number picks the
 * slot, and a hit also needs the strings the text was made from to be equal, so a fragment is never reused for
 * other names. Safe for several threads without locks: entries are immutable, and a lost race only means a
 * fragment is made twice.
 */
final class FragmentCache {
    private static final int SLOT_BITS = 8;

    private record Entry(long key, String from1, String from2, String text) {
    }

    private final Entry[] slots = new Entry[1 << SLOT_BITS];

    /** The text put for these, or null. */
    String get(long key, String from1, String from2) {
        Entry e = slots[slot(key)];
        return e != null && e.key == key && Objects.equals(e.from1, from1) && Objects.equals(e.from2, from2)
                ? e.text : null;
    }

    /** Keeps text for these (replacing whatever had the slot) and returns it. */
    String put(long key, String from1, String from2, String text) {
        slots[slot(key)] = new Entry(key, from1, from2, text);
        return text;
    }

    private static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;   // Fibonacci hashing: spreads nearby keys over the table
        return (int) (h >>> (64 - SLOT_BITS));
    }
}
