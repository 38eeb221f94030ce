package sockwatch.decode;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Linux errno names, asm-generic numbering (x86_64, arm64), loaded from errno.tsv. Takes positive numbers:
 * negate a syscall's -errno return first.
 */
public final class Errno {

    /** Lazy holder: errno.tsv is read once, on first use. */
    private static final class Table {
        static final Map<Integer, String> NAMES = new HashMap<>();
        static final Map<String, Integer> NUMBERS = new HashMap<>();

        static {
            for (TsvReader.Row row : TsvReader.read("errno.tsv")) {
                int n = row.number(0);
                if (NAMES.putIfAbsent(n, row.field(1)) != null) {
                    throw row.bad("errno " + n + " listed twice");
                }
                NUMBERS.put(row.field(1), n);
                row.names(2).forEach(alias -> NUMBERS.put(alias, n));
            }
        }
    }

    private Errno() {
    }

    /** "EINVAL" for 22; null for a number Linux does not define (0, 41, 58, negatives, > 133). */
    public static String name(int errno) {
        return Table.NAMES.get(errno);
    }

    /** 22 for "EINVAL" (any case; aliases like EWOULDBLOCK too); empty if unknown. */
    public static OptionalInt number(String name) {
        Integer n = name == null ? null : Table.NUMBERS.get(name.strip().toUpperCase(Locale.ROOT));
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }
}
