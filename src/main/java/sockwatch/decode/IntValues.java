package sockwatch.decode;

import java.util.List;
import java.util.Locale;

/**
 * Ints whose bits or values mean something: the TOS/traffic class byte, IP_LOCAL_PORT_RANGE's two ports,
 * SO_TIMESTAMPING's flags, SO_TXREHASH's values. Names come from this package's TSV files; a value they do not
 * name stays a number.
 */
final class IntValues {
    private static final Names DSCP = Names.load("dscp.tsv");
    private static final Names ECN = Names.load("ecn.tsv");
    private static final Names TIMESTAMPING = Names.load("sof_timestamping.tsv");
    private static final Names TXREHASH = Names.load("txrehash.tsv");

    private IntValues() {
    }

    /**
     * IP_TOS, IPV6_TCLASS: the DSCP (upper six bits, RFC 2474) by name where one is standard, else its number, and
     * the ECN field (lower two, RFC 3168): "184 (dscp=EF, ecn=Not-ECT)". -1 asks for the default (IPV6_TCLASS);
     * outside -1..255 the kernel rejects it (IPV6_TCLASS) or keeps the low byte (IP_TOS): the number alone, not
     * split. JSON stays the number, as before this text named its parts (the JSON contract).
     */
    static DecodedValue tos(Capture c, long v) {
        String text;
        if (v < 0 || v > 255) {
            text = v + (v == -1 ? " (default)" : " (not a TOS byte)");
        } else {
            long dscp = v >> 2;
            String name = DSCP.name(dscp);
            text = v + " (dscp=" + (name != null ? name : Long.toString(dscp)) + ", ecn=" + ECN.name(v & 3) + ")";
        }
        return new DecodedValue(v, c.withSuffix(text), null);
    }

    /**
     * SO_TXREHASH: sk_setsockopt() takes -1..1 (else EINVAL) and stores it as a u8, so -1 is 255,
     * SOCK_TXREHASH_DEFAULT: "-1 (SOCK_TXREHASH_DEFAULT)", "1 (SOCK_TXREHASH_ENABLED)"; a value the kernel refuses
     * is the number alone. JSON stays the number (the JSON contract), as for IP_TOS.
     */
    static DecodedValue txrehash(Capture c, long v) {
        String name = v >= -1 && v <= 1 ? TXREHASH.name(v & 0xff) : null;
        return new DecodedValue(v, c.withSuffix(name == null ? Long.toString(v) : v + " (" + name + ")"), null);
    }

    /**
     * IP_LOCAL_PORT_RANGE: a u32, the lowest port in its lower 16 bits and the highest in the upper 16:
     * "3276840000 (low=40000, high=50000)". JSON stays the number (the JSON contract), as for IP_TOS.
     */
    static DecodedValue portRange(Capture c) {
        if (!c.fits(4)) {
            return null;
        }
        long v = c.u32(0);
        return new DecodedValue(v, c.withSuffix(v + " (low=" + (v & 0xffff) + ", high=" + (v >>> 16) + ")"), null);
    }

    /**
     * SO_TIMESTAMPING (_OLD and _NEW): sock_set_timestamping() reads a struct so_timestamping {int flags; int
     * bind_phc} when optlen is exactly 8, else the int of SOF_TIMESTAMPING_* flags (optlen >= 4).
     * JSON {"flags": 26, "flag_names": [...]} (+ "unknown_flags" for bits with no name, + "bind_phc").
     */
    static DecodedValue timestamping(Capture c) {
        if (!c.fits(4)) {
            return null;
        }
        Fields f = flags(c.u32(0));
        if (c.optlen == 8) {
            f.s32("bind_phc", c, 4);   // strace shows only the flags ([26]) of an 8-byte value
        }
        return f.done(c);
    }

    private static Fields flags(long v) {
        List<String> names = TIMESTAMPING.bits(v);
        long unknown = TIMESTAMPING.unknownBits(v);
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "0x%x", v));
        if (v != 0) {
            t.append(" (").append(String.join("|", names));
            if (unknown != 0) {
                t.append(names.isEmpty() ? "" : "|").append(String.format(Locale.ROOT, "0x%x", unknown));
            }
            t.append(')');
        }
        Fields f = new Fields().put("flags", v, t.toString());
        f.json().put("flag_names", names);
        if (unknown != 0) {
            f.json().put("unknown_flags", unknown);
        }
        return f;
    }
}
