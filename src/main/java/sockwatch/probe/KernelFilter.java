package sockwatch.probe;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import sockwatch.decode.SockOption;

/**
 * The filters a probe can apply in the kernel, so that processes and calls nobody asked about cost no event: up to
 * four process names (-c), each as the kernel's 16-byte comm in two little-endian words, and up to eight (level,
 * option) pairs (-o, as far as --level lets them through) or levels (--level): one as two numbers the probe
 * compares, two to eight as a set it looks up. All numbers: nothing the user typed becomes probe text. Where more
 * names or options are asked for, or a name cannot go as numbers, the kernel passes them all and sockwatch's own
 * filter (EventFilter) decides, as it always does after the probe.
 *
 * @param comms   the names' comm words (two per name: bytes 0..7 and 8..15, little-endian; byte 15 is always NUL,
 *                the kernel keeps 15), at most {@link #MAX_NAMES} names; empty for any name
 * @param level   the one level, or -1 for any
 * @param optname the one option at that level, or -1 for any
 * @param setKind {@link #SET_NONE}, {@link #SET_PAIRS} or {@link #SET_LEVELS}: what {@code set} holds
 * @param set     the pairs or levels, each as (level + 1) << 32 | (option + 1) (option part 0 for a level alone),
 *                at most {@link #MAX_SET}; with SET_PAIRS and none, no call passes (-o at a level --level excludes)
 */
public record KernelFilter(List<Long> comms, int level, int optname, int setKind, List<Long> set) {
    public static final int SET_NONE = 0;
    public static final int SET_PAIRS = 1;
    public static final int SET_LEVELS = 2;
    public static final KernelFilter ANY = new KernelFilter(List.of(), -1, -1, SET_NONE, List.of());
    /** The names the probe takes ($6 $7, then $13-$18). */
    public static final int MAX_NAMES = 4;
    /** The options or levels the probe's set takes ($20-$27). */
    public static final int MAX_SET = 8;
    private static final int COMM_LEN = 15;

    public KernelFilter {
        comms = List.copyOf(comms);
        set = List.copyOf(set);
        if (comms.size() % 2 != 0 || comms.size() > 2 * MAX_NAMES) {
            throw new IllegalArgumentException("two words for each of at most " + MAX_NAMES + " names: " + comms);
        }
        boolean kindFits = setKind == SET_PAIRS || (setKind == SET_LEVELS && !set.isEmpty())
                || (setKind == SET_NONE && set.isEmpty());
        if (!kindFits || set.size() > MAX_SET || set.stream().anyMatch(w -> w <= 0)) {
            throw new IllegalArgumentException("at most " + MAX_SET + " positive words of one kind: " + setKind
                    + " " + set);
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
        // what EventFilter lets through: the options at the levels asked for (all, without --level), else the levels
        List<int[]> pairs = new java.util.ArrayList<>();
        if (!options.isEmpty()) {
            for (SockOption o : new java.util.LinkedHashSet<>(options)) {
                if (levels.isEmpty() || levels.contains(o.level())) {
                    pairs.add(new int[] {o.level(), o.optname()});
                }
            }
        } else {
            for (int l : new java.util.LinkedHashSet<>(levels)) {
                pairs.add(new int[] {l, -1});
            }
        }
        boolean any = options.isEmpty() && levels.isEmpty();
        if (!any && pairs.size() == 1) {
            return new KernelFilter(words, pairs.get(0)[0], pairs.get(0)[1], SET_NONE, List.of());
        }
        List<Long> set = new java.util.ArrayList<>();
        for (int[] p : pairs) {
            if (p[0] < 0 || p[0] >= Integer.MAX_VALUE || p[1] < -1) {   // (level + 1) << 32 must stay positive
                set = null;
                break;
            }
            set.add((long) (p[0] + 1) << 32 | (p[1] + 1L));
        }
        if (any || set == null || set.size() > MAX_SET) {
            return new KernelFilter(words, -1, -1, SET_NONE, List.of());
        }
        return new KernelFilter(words, -1, -1, options.isEmpty() ? SET_LEVELS : SET_PAIRS, set);
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

    /** $19 to $27: the set's kind, then its words, 0 for each one not asked for. */
    public List<String> optionSet() {
        List<String> out = new java.util.ArrayList<>();
        out.add(Integer.toString(setKind));
        for (int i = 0; i < MAX_SET; i++) {
            out.add(Long.toString(i < set.size() ? set.get(i) : 0));
        }
        return out;
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
