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
        /** NAMES by number, for the look-up every failed call makes. */
        static final String[] BY_NUMBER;

        static {
            for (TsvReader.Row row : TsvReader.read("errno.tsv")) {
                int n = row.number(0);
                if (n <= 0) {
                    throw row.bad("errno numbers are positive");
                }
                if (NAMES.putIfAbsent(n, row.field(1)) != null) {
                    throw row.bad("errno " + n + " listed twice");
                }
                NUMBERS.put(row.field(1), n);
                row.names(2).forEach(alias -> NUMBERS.put(alias, n));
            }
            BY_NUMBER = new String[NAMES.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
            NAMES.forEach((n, name) -> BY_NUMBER[n] = name);
        }
    }

    private Errno() {
    }

    /** "EINVAL" for 22; null for a number Linux does not define (0, 41, 58, negatives, > 133). */
    public static String name(int errno) {
        String[] names = Table.BY_NUMBER;
        return errno >= 0 && errno < names.length ? names[errno] : null;
    }

    /** "EINVAL", or "errno 999" for a number Linux does not define. */
    public static String label(int errno) {
        String name = name(errno);
        return name != null ? name : "errno " + errno;
    }

    /** 22 for "EINVAL" (any case; aliases like EWOULDBLOCK too); empty if unknown. */
    public static OptionalInt number(String name) {
        Integer n = name == null ? null : Table.NUMBERS.get(name.strip().toUpperCase(Locale.ROOT));
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }
}
