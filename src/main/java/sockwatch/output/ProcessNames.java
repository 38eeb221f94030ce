package sockwatch.output;

import java.util.Arrays;

/**
 * Process names as printable text ({@link Printable#of}), made once per name and then reused: a process makes its
 * calls under the same name, often many in a row, and every event shows it. Reusing the same String also lets
 * the formatters' fragment caches find it by identity. A small direct-mapped table keyed by the name's bytes;
 * safe for several threads without locks (entries are immutable, a lost race only means a name is made twice).
 */
final class ProcessNames {
    private static final int SLOT_BITS = 8;

    private record Entry(byte[] raw, String printable) {
    }

    private static final Entry[] SLOTS = new Entry[1 << SLOT_BITS];

    private ProcessNames() {
    }

    /** {@code Printable.of(comm)}, from the table when this name was seen before. */
    static String printable(byte[] comm) {
        int slot = (Arrays.hashCode(comm) * 0x9E3779B9) >>> (32 - SLOT_BITS);
        Entry e = SLOTS[slot];
        if (e != null && Arrays.equals(e.raw, comm)) {
            return e.printable;
        }
        String printable = Printable.of(comm);
        SLOTS[slot] = new Entry(comm.clone(), printable);
        return printable;
    }
}
