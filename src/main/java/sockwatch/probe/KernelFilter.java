package sockwatch.probe;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import sockwatch.decode.SockOption;

/**
 * The filters a probe can apply in the kernel, so that processes and calls nobody asked about cost no event: up to
 * four process names (-c), each as the kernel's 16-byte comm in two little-endian words, and one level or (level,
 * option) pair (--level, -o). All numbers: nothing the user typed becomes probe text. Where more names or options
 * are asked for, or a name cannot go as numbers, the kernel passes them all and sockwatch's own filter
 * (EventFilter) decides, as it always does after the probe.
 *
 * @param comms   the names' comm words (two per name: bytes 0..7 and 8..15, little-endian; byte 15 is always NUL,
 *                the kernel keeps 15), at most {@link #MAX_NAMES} names; empty for any name
 * @param level   the level, or -1 for any
 * @param optname the option at that level, or -1 for any
 */
public record KernelFilter(List<Long> comms, int level, int optname) {
    public static final KernelFilter ANY = new KernelFilter(List.of(), -1, -1);
    /** The names the probe takes ($6 $7, then $13-$18). */
    public static final int MAX_NAMES = 4;
    private static final int COMM_LEN = 15;

    public KernelFilter {
        comms = List.copyOf(comms);
        if (comms.size() % 2 != 0 || comms.size() > 2 * MAX_NAMES) {
            throw new IllegalArgumentException("two words for each of at most " + MAX_NAMES + " names: " + comms);
        }
    }

    public static KernelFilter of(List<String> names, Set<SockOption> options, Set<Integer> levels) {
        List<Long> words = new java.util.ArrayList<>();
        for (String n : new java.util.LinkedHashSet<>(names)) {
            byte[] name = n.getBytes(StandardCharsets.UTF_8);
            byte[] comm = new byte[16];
            System.arraycopy(name, 0, comm, 0, Math.min(name.length, COMM_LEN));
            long c0 = word(comm, 0);
            long c1 = word(comm, 8);   // byte 15 is 0, so never negative
            if (c0 <= 0) {   // a non-ASCII 8th byte: as a number it would start with -, a flag to bpftrace
                words.clear();   // (and an empty name is no name the probe can tell): all names in Java
                break;
            }
            words.add(c0);
            words.add(c1);
        }
        if (words.size() > 2 * MAX_NAMES) {
            words.clear();
        }
        int level = -1;
        int optname = -1;
        if (options.size() == 1) {
            SockOption o = options.iterator().next();
            if (levels.isEmpty() || levels.contains(o.level())) {
                level = o.level();
                optname = o.optname();
            }
        } else if (options.isEmpty() && levels.size() == 1) {
            level = levels.iterator().next();
        }
        return new KernelFilter(words, level, optname);
    }

    private static long word(byte[] b, int at) {
        long w = 0;
        for (int i = 7; i >= 0; i--) {
            w = w << 8 | (b[at + i] & 0xff);
        }
        return w;
    }

    /** The first name's words, 0 0 for none. */
    public long comm0() {
        return comms.isEmpty() ? 0 : comms.get(0);
    }

    public long comm1() {
        return comms.isEmpty() ? 0 : comms.get(1);
    }

    /**
     * The probe's positional parameters $6 to $9: the first name, then level and option each plus 1, 0 for any
     * (bpftrace would read a leading - as one of its flags).
     */
    public List<String> parameters() {
        return List.of(Long.toString(comm0()), Long.toString(comm1()), Long.toString(level + 1L),
                Long.toString(optname + 1L));
    }

    /** $13 to $18: the second to fourth names' words, 0 0 for each one not asked for. */
    public List<String> moreNames() {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 2; i < 2 * MAX_NAMES; i++) {
            out.add(Long.toString(i < comms.size() ? comms.get(i) : 0));
        }
        return out;
    }
}
