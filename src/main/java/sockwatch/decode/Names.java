package sockwatch.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names of the values of one field, read from a TSV file in this package ("number TAB name"): DSCP code points,
 * PACKET_MR_* types, SOF_TIMESTAMPING_* bits. A value the file does not name stays a number: never guessed.
 */
final class Names {
    private final Map<Integer, String> byNumber = new TreeMap<>();

    private Names(String resource) {
        for (TsvReader.Row row : TsvReader.read(resource)) {
            if (byNumber.putIfAbsent(row.number(0), row.field(1)) != null) {
                throw row.bad("number " + row.field(0) + " listed twice");
            }
        }
    }

    static Names load(String resource) {
        return new Names(resource);
    }

    /** The name of value v, or null. */
    String name(long v) {
        return v < 0 || v > Integer.MAX_VALUE ? null : byNumber.get((int) v);
    }

    /** For a file of bit numbers: the names of the bits set in mask, lowest bit first. */
    List<String> bits(long mask) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, String> e : byNumber.entrySet()) {
            if (e.getKey() < 64 && (mask & 1L << e.getKey()) != 0) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** For a file of bit numbers: the bits of mask that have no name. */
    long unknownBits(long mask) {
        long known = 0;
        for (int bit : byNumber.keySet()) {
            if (bit < 64) {
                known |= 1L << bit;
            }
        }
        return mask & ~known;
    }

    /** Every entry, for the header cross-check. */
    Map<Integer, String> all() {
        return java.util.Collections.unmodifiableMap(byNumber);
    }
}
