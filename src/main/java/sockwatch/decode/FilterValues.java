package sockwatch.decode;

import java.util.ArrayList;
import java.util.List;

/** Filters given by setsockopt: a classic BPF program's header, and the ICMP type masks of raw sockets. */
final class FilterValues {
    private static final Names ICMP_TYPES = Names.load("icmp_types.tsv");

    private FilterValues() {
    }

    /**
     * SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF: struct sock_fprog {u16 len; struct sock_filter *filter}, 16
     * bytes with the pointer at 8 from a 64-bit caller, compat_sock_fprog (8 bytes, pointer at 4) from a 32-bit
     * one; copy_bpf_fprog_from_user() wants exactly that size. The program itself is in the caller's memory,
     * not in the value: only its length and address are shown.
     */
    static DecodedValue fprog(Capture c, boolean compat) {
        int size = compat ? 8 : 16;
        int ptr = compat ? 4 : 8;
        if (c.optlen != size) {
            return null;
        }
        Fields f = c.has(0, 2) ? new Fields().put("len", c.le16(0)) : new Fields().missing("len");
        if (c.has(ptr, compat ? 4 : 8)) {
            long p = compat ? c.u32(ptr) : c.le64(ptr);
            String hex = "0x" + Long.toHexString(p);
            f.put("filter", hex, hex);
        } else {
            f.missing("filter");
        }
        return f.done(c);
    }

    /**
     * ICMP_FILTER (SOL_RAW): struct icmp_filter, a u32 whose bit n set means ICMP type n is dropped
     * (raw_filter()). raw_seticmpfilter() copies min(optlen, 4) bytes over the old filter, so a shorter value
     * changes only part of a mask we cannot see: it stays raw. The types with a name in icmp_types.tsv are named
     * too, as strace names them: "{blocked=0,8 (ICMP_ECHOREPLY|ICMP_ECHO)}", JSON {"blocked": [0, 8],
     * "blocked_names": ["ICMP_ECHOREPLY", "ICMP_ECHO"]} (the numbers stay, the names are added).
     */
    static DecodedValue icmp(Capture c) {
        if (!c.fits(4)) {
            return null;
        }
        return blocked(c, 1, ICMP_TYPES);
    }

    /**
     * ICMPV6_FILTER (SOL_ICMPV6): struct icmp6_filter, eight u32 words, bit (type & 31) of word (type >> 5) set
     * means blocked (icmpv6_filter(), ICMP6_FILTER_WILLBLOCK). rawv6_seticmpfilter() copies min(optlen, 32)
     * bytes over the old filter, so a shorter value stays raw, as for ICMP_FILTER.
     */
    static DecodedValue icmp6(Capture c) {
        if (!c.fits(32)) {
            return null;
        }
        return blocked(c, 8, null);
    }

    /**
     * The blocked types of {@code words} u32 masks: JSON a list of type numbers, text as ranges "0-127,130"; with
     * names (a one-word mask: ICMP_FILTER), the named ones also by name (text in parentheses, JSON "blocked_names").
     */
    private static DecodedValue blocked(Capture c, int words, Names names) {
        List<Object> types = new ArrayList<>();
        StringBuilder ranges = new StringBuilder();
        int runStart = -1;
        for (int t = 0; t <= 32 * words; t++) {
            boolean set = t < 32 * words && (c.le32(4 * (t >> 5)) >>> (t & 31) & 1) != 0;
            if (set) {
                types.add((long) t);
                if (runStart < 0) {
                    runStart = t;
                }
            } else if (runStart >= 0) {
                ranges.append(ranges.length() > 0 ? "," : "").append(runStart);
                if (t - 1 > runStart) {
                    ranges.append('-').append(t - 1);
                }
                runStart = -1;
            }
        }
        if (names == null) {
            return new Fields().put("blocked", types, ranges.length() == 0 ? "none" : ranges.toString()).done(c);
        }
        List<String> named = names.bits(c.u32(0));
        if (!named.isEmpty()) {
            ranges.append(" (").append(String.join("|", named)).append(')');
        }
        Fields f = new Fields().put("blocked", types, ranges.length() == 0 ? "none" : ranges.toString());
        f.json().put("blocked_names", named);
        return f.done(c);
    }
}
