package sockwatch.probe.strace;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovers the optval bytes a caller passed to setsockopt from the way strace 6.1 printed them (with -xx, -s 64,
 * -X raw). strace reads optval at syscall entry and prints one of:
 * <ul>
 *   <li>{@code "\x01\x02..."} for most lengths: the bytes themselves, in memory order (-xx hex-escapes every
 *       byte), cut after -s bytes with a trailing {@code ...};</li>
 *   <li>{@code [N]} when optlen is exactly 4 (SOL_NETLINK: 4 or more): one C int, so its 4 little-endian bytes;
 *       with a longer optlen only those first 4 are known;</li>
 *   <li>a decoded struct for a few options: re-encoded below only where the layout is fixed and has no padding,
 *       and strace printed every field from exactly sizeof(struct) bytes, so the bytes are unambiguous
 *       (linger, ip_mreq, ipv6_mreq, tpacket_req/tpacket_req3). The others strace decodes (sock_fprog and
 *       group_req have padding strace does not print, packet_mreq's address is cut at mr_alen, icmp_filter is
 *       shown as a set of type numbers, whose "[0]" would read here as an int) are StraceStructs' and never
 *       reach this class; any other struct is not guessed: no bytes;</li>
 *   <li>{@code NULL}, or a bare address when strace could not or would not read the memory (EFAULT, a length
 *       shorter than the struct it decodes): no bytes.</li>
 * </ul>
 * A negative optlen gives no bytes, as with the bpftrace probe: the kernel rejects it without reading anything.
 */
final class StraceValue {
    private static final Pattern STRING = Pattern.compile("\"((?:\\\\x[0-9a-f]{2})*)\"(\\.\\.\\.)?");
    private static final Pattern INT = Pattern.compile("\\[(-?\\d+)\\]");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"(?:\\\\x[0-9a-f]{2})*\"|-?\\d+)");

    /** One field of a struct strace decodes: its name, its size in bytes, and whether strace shows it as an int. */
    private record Field(String name, int size, boolean isInt) {
    }

    /** The structs whose printed form maps back to exactly one byte sequence (see the class comment). */
    private static final List<List<Field>> LAYOUTS = List.of(
            List.of(new Field("l_onoff", 4, true), new Field("l_linger", 4, true)),
            List.of(new Field("imr_multiaddr", 4, false), new Field("imr_interface", 4, false)),
            List.of(new Field("ipv6mr_multiaddr", 16, false), new Field("ipv6mr_interface", 4, true)),
            // PACKET_RX_RING/PACKET_TX_RING: struct tpacket_req, four unsigned ints, no padding
            List.of(new Field("tp_block_size", 4, true), new Field("tp_block_nr", 4, true),
                    new Field("tp_frame_size", 4, true), new Field("tp_frame_nr", 4, true)),
            List.of(new Field("tp_block_size", 4, true), new Field("tp_block_nr", 4, true),
                    new Field("tp_frame_size", 4, true), new Field("tp_frame_nr", 4, true),
                    new Field("tp_retire_blk_tov", 4, true), new Field("tp_sizeof_priv", 4, true),
                    new Field("tp_feature_req_word", 4, true)));

    private StraceValue() {
    }

    /** The bytes strace showed for optval (never more than optlen); empty when it showed none. */
    static byte[] bytes(String shown, int optlen) {
        if (optlen <= 0) {
            return new byte[0];
        }
        byte[] b = decode(shown.strip());
        return b.length > optlen ? Arrays.copyOf(b, optlen) : b;
    }

    private static byte[] decode(String s) {
        Matcher m = STRING.matcher(s);
        if (m.matches()) {
            return hex(m.group(1));
        }
        m = INT.matcher(s);
        if (m.matches()) {
            byte[] b = int32(m.group(1));
            return b == null ? new byte[0] : b;
        }
        if (s.startsWith("{") && s.endsWith("}")) {
            for (List<Field> layout : LAYOUTS) {
                byte[] b = struct(s.substring(1, s.length() - 1).split(", ", -1), layout);
                if (b != null) {
                    return b;
                }
            }
        }
        return new byte[0];
    }

    /** The struct's bytes if its printed fields are exactly this layout's, else null. */
    private static byte[] struct(String[] fields, List<Field> layout) {
        if (fields.length != layout.size()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i++) {
            Field f = layout.get(i);
            Matcher m = FIELD.matcher(fields[i]);
            if (!m.matches() || !m.group(1).equals(f.name())) {
                return null;
            }
            String v = m.group(2);
            boolean quoted = v.startsWith("\"");
            byte[] b = f.isInt() ? (quoted ? null : int32(v)) : (quoted ? hex(v.substring(1, v.length() - 1)) : null);
            if (b == null || b.length != f.size()) {
                return null;
            }
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** A C int as strace printed it (%d, or %u for unsigned fields), as its 4 little-endian bytes. */
    private static byte[] int32(String decimal) {
        long v;
        try {
            v = Long.parseLong(decimal);
        } catch (NumberFormatException e) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) {
            return null;
        }
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    /** "\x01\x02" (already checked by the pattern) to bytes. */
    static byte[] hex(String escaped) {
        byte[] out = new byte[escaped.length() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(escaped, 4 * i + 2, 4 * i + 4, 16);
        }
        return out;
    }
}
