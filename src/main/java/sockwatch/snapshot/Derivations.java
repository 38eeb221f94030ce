package sockwatch.snapshot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
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

    /** include/net/route.h's ip_tos2prio, by (tos & 0x1e) >> 1: TC_PRIO_* values. */
    private static final int[] TOS2PRIO = {0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4};
    private static final Map<String, Rule> RULES = load();

    private Derivations() {
    }

    private static Map<String, Rule> load() {
        Map<String, Rule> m = new HashMap<>();
        try (InputStream in = Derivations.class.getResourceAsStream("derived.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] c = line.split("\t");
                m.put(c[0], Rule.valueOf(c[1].toUpperCase(java.util.Locale.ROOT)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
    static Judged judge(String name, byte[] value, Mark mark, Function<String, Object[]> others) {
        Rule rule = RULES.get(name);
        if (rule == null || mark != Mark.CHANGED || value.length < 4) {
            return new Judged(mark, null);
        }
        int v = le32(value);
        switch (rule) {
            case TOS2PRIORITY -> {
                Object[] tos = others.apply("IP_TOS");
                if (tos != null && tos[1] == Mark.CHANGED && ((byte[]) tos[0]).length >= 4
                        && v == tos2priority(le32((byte[]) tos[0]))) {
                    return new Judged(Mark.DERIVED, "derived from IP_TOS=" + le32((byte[]) tos[0]));
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
