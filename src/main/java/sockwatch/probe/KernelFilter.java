package sockwatch.probe;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import sockwatch.decode.SockOption;

/**
 * The filters a probe can apply in the kernel, so that processes and calls nobody asked about cost no event:
 * one process name (-c), as the kernel's 16-byte comm in two little-endian words, and one level or (level,
 * option) pair (--level, -o). All numbers: nothing the user typed becomes probe text. Where more than one name or
 * option is asked for, the kernel passes them all and sockwatch's own filter (EventFilter) decides, as it always
 * does after the probe.
 *
 * @param comm0   the name's bytes 0..7, little-endian; 0 with comm1 0 for any name
 * @param comm1   its bytes 8..15 (byte 15 is always NUL: the kernel keeps 15)
 * @param level   the level, or -1 for any
 * @param optname the option at that level, or -1 for any
 */
public record KernelFilter(long comm0, long comm1, int level, int optname) {
    public static final KernelFilter ANY = new KernelFilter(0, 0, -1, -1);
    private static final int COMM_LEN = 15;

    public static KernelFilter of(List<String> comms, Set<SockOption> options, Set<Integer> levels) {
        long c0 = 0;
        long c1 = 0;
        if (comms.size() == 1) {
            byte[] name = comms.get(0).getBytes(StandardCharsets.UTF_8);
            byte[] comm = new byte[16];
            System.arraycopy(name, 0, comm, 0, Math.min(name.length, COMM_LEN));
            c0 = word(comm, 0);
            c1 = word(comm, 8);   // byte 15 is 0, so never negative
            if (c0 < 0) {   // a non-ASCII 8th byte: as a number it would start with -, a flag to bpftrace
                c0 = 0;
                c1 = 0;
            }
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
        return new KernelFilter(c0, c1, level, optname);
    }

    private static long word(byte[] b, int at) {
        long w = 0;
        for (int i = 7; i >= 0; i--) {
            w = w << 8 | (b[at + i] & 0xff);
        }
        return w;
    }

    /**
     * The probe's positional parameters $6 to $9: level and option each plus 1, 0 for any (bpftrace would read a
     * leading - as one of its flags).
     */
    public List<String> parameters() {
        return List.of(Long.toString(comm0), Long.toString(comm1), Long.toString(level + 1L), Long.toString(optname + 1L));
    }
}
