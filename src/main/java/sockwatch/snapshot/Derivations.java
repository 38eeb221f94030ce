package sockwatch.snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import sockwatch.decode.TsvReader;
import sockwatch.snapshot.SocketSnapshot.Mark;

/**
 * What the kernel sets itself when a program sets another option (derived.tsv): SO_PRIORITY from IP_TOS, the
 * doubled buffer sizes, SO_BUF_LOCK. A snapshot shows such a value as derived, with what it came from, rather
 * than as something the program changed.
 */
final class Derivations {
    enum Rule { TOS2PRIORITY, DOUBLED, BUFLOCK }

    /** A mark and the words that explain it (null: nothing to add). */
    record Judged(Mark mark, String why) {
    }

    /** Another option of the same socket: its value bytes and the mark options.tsv gave it. */
    record Other(byte[] value, Mark mark) {
    }

    /** include/net/route.h's ip_tos2prio, by (tos & 0x1e) >> 1: TC_PRIO_* values. */
    private static final int[] TOS2PRIO = {0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4};
    private static final Map<String, Rule> RULES = load();

    private Derivations() {
    }

    private static Map<String, Rule> load() {
        Map<String, Rule> m = new HashMap<>();
        for (TsvReader.Row row : TsvReader.read(Derivations.class, "derived.tsv")) {
            try {
                m.put(row.field(0), Rule.valueOf(row.field(1).toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw row.bad("unknown rule '" + row.field(1) + "'");
            }
        }
        return m;
    }

    static int tos2priority(int tos) {
        return TOS2PRIO[(tos & 0x1e) >> 1];
    }

    /**
     * @param name   the option's name
     * @param value  its value bytes
     * @param mark   what the rules of options.tsv said
     * @param others another option of the same socket by name: its value and mark, or null when it has none
     */
    static Judged judge(String name, byte[] value, Mark mark, Function<String, Other> others) {
        Rule rule = RULES.get(name);
        if (rule == null || mark != Mark.CHANGED || value.length < 4) {
            return new Judged(mark, null);
        }
        int v = le32(value);
        switch (rule) {
            case TOS2PRIORITY -> {
                Other tos = others.apply("IP_TOS");
                if (tos != null && tos.mark() == Mark.CHANGED && tos.value().length >= 4
                        && v == tos2priority(le32(tos.value()))) {
                    return new Judged(Mark.DERIVED, "derived from IP_TOS=" + le32(tos.value()));
                }
            }
            case DOUBLED -> {
                if (v % 2 == 0) {
                    return new Judged(mark, "the kernel doubles the " + v / 2 + " set");
                }
            }
            case BUFLOCK -> {
                if ((v & ~3) == 0) {
                    return new Judged(Mark.DERIVED, "derived: the kernel sets it with " + ((v & 1) != 0 && (v & 2) != 0
                            ? "SO_SNDBUF and SO_RCVBUF" : (v & 1) != 0 ? "SO_SNDBUF" : "SO_RCVBUF"));
                }
            }
        }
        return new Judged(mark, null);
    }

    private static int le32(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }
}
