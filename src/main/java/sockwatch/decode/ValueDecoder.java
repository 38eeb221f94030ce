package sockwatch.decode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shows an option value the way the kernel would read it, and raw hex whenever the bytes do not fit the option's
 * type: it never guesses and never throws. Values are little-endian (x86_64, arm64), in the caller's ABI: a 32-bit
 * (compat) program's struct timeval is two 32-bit longs, its sock_fprog 8 bytes, its group_req, group_source_req
 * and group_filter packed (the kernel's compat_* structs). Every other type reads the same in both ABIs. The structs are read by
 * the small classes beside this one (Multicast, FilterValues, PacketValues, IntValues, TcpAoValues).
 */
public final class ValueDecoder {

    /** At most this many bytes are shown as hex or text, so one huge value cannot flood the output. */
    static final int MAX_SHOWN = 1024;

    private static final int SOL_IP = 0;

    private ValueDecoder() {
    }

    /**
     * @param optionOrNull the option, or null if the table does not know it
     * @param captured     the value bytes the probe read (may be fewer than optlen, or empty, or null)
     * @param optlen       the optlen argument of the call
     */
    public static DecodedValue decode(SockOption optionOrNull, byte[] captured, int optlen) {
        return decode(optionOrNull, captured, optlen, false);
    }

    /** @param compat the caller was a 32-bit program (its C long is 32 bits) */
    public static DecodedValue decode(SockOption optionOrNull, byte[] captured, int optlen, boolean compat) {
        Capture c = new Capture(captured == null ? new byte[0] : captured, optlen);
        if (optionOrNull == null || optlen < 0) {
            return raw(c);
        }
        DecodedValue v = switch (optionOrNull.type()) {
            case INT, BOOL -> integer(optionOrNull, c);
            case UINT -> c.fits(4) ? number(c, Integer.toUnsignedLong(c.le32(0))) : null;
            case UINT_BE -> c.fits(4) ? number(c, Integer.toUnsignedLong(Integer.reverseBytes(c.le32(0)))) : null;
            case ULONG -> ulong(c);
            case LINGER -> c.fits(8) ? struct(c, "onoff", c.le32(0), "linger", c.le32(4)) : null;
            case TIMEVAL -> c.fits(16) ? struct(c, "sec", c.le64(0), "usec", c.le64(8)) : null;
            case TIMEVAL_OLD -> compat ? (c.fits(8) ? struct(c, "sec", c.le32(0), "usec", c.le32(4)) : null)
                    : c.fits(16) ? struct(c, "sec", c.le64(0), "usec", c.le64(8)) : null;
            case STRING -> string(c);
            case BYTES -> null;
            case TOS -> tos(optionOrNull, c);
            case TXREHASH -> c.fits(4) ? IntValues.txrehash(c, c.le32(0)) : null;
            case IP_MREQ, IP_MULTICAST_IF, IP_MREQ_SOURCE, IPV6_MREQ, GROUP_REQ, GROUP_SOURCE_REQ, SOCK_FPROG,
                    PACKET_MREQ, TPACKET_REQ, ICMP_FILTER, ICMP6_FILTER, TIMESTAMPING, PORT_RANGE, TCP_AO_DEL,
                    TCP_AO_INFO, TCP_AO_REPAIR, IP_MSFILTER, GROUP_FILTER, FANOUT_DATA ->
                    c.avail == 0 ? null : struct(optionOrNull.type(), c, compat);
        };
        return v != null ? v : raw(c);
    }

    /**
     * A value known only in part (a struct strace printed field by field): decoded by the same struct reader
     * as captured bytes, so both backends name and show it alike. Only for the types whose readers check every
     * byte they read with Capture.has/fits, which for such an image also means "known"; any other type, and a
     * struct its reader cannot make out, gets what the leading known bytes show, never the unknown ones.
     */
    public static DecodedValue decode(SockOption optionOrNull, ShownBytes shown, int optlen, boolean compat) {
        if (optionOrNull != null && optlen >= 0 && shown.length() > 0 && switch (optionOrNull.type()) {
            case GROUP_REQ, GROUP_SOURCE_REQ, SOCK_FPROG, PACKET_MREQ -> true;
            default -> false;
        }) {
            DecodedValue v = struct(optionOrNull.type(), new Capture(shown.image(), optlen, shown.known()), compat);
            if (v != null) {
                return v;
            }
        }
        return decode(optionOrNull, shown.prefix(), optlen, compat);
    }

    /** The struct types: null when the bytes do not fit, and ValueDecoder shows them raw. */
    private static DecodedValue struct(ValueType type, Capture c, boolean compat) {
        return switch (type) {
            case IP_MREQ -> Multicast.membership(c);
            case IP_MULTICAST_IF -> Multicast.multicastIf(c);
            case IP_MREQ_SOURCE -> Multicast.source(c);
            case IPV6_MREQ -> Multicast.ipv6(c);
            case GROUP_REQ -> Multicast.groupReq(c, compat);
            case GROUP_SOURCE_REQ -> Multicast.groupSourceReq(c, compat);
            case IP_MSFILTER -> Multicast.msfilter(c);
            case GROUP_FILTER -> Multicast.groupFilter(c, compat);
            case FANOUT_DATA -> PacketValues.fanoutData(c, compat);
            case SOCK_FPROG -> FilterValues.fprog(c, compat);
            case ICMP_FILTER -> FilterValues.icmp(c);
            case ICMP6_FILTER -> FilterValues.icmp6(c);
            case PACKET_MREQ -> PacketValues.mreq(c);
            case TPACKET_REQ -> PacketValues.ring(c);
            case TIMESTAMPING -> IntValues.timestamping(c);
            case PORT_RANGE -> IntValues.portRange(c);
            case TCP_AO_DEL -> TcpAoValues.delKey(c);
            case TCP_AO_INFO -> TcpAoValues.info(c);
            case TCP_AO_REPAIR -> TcpAoValues.repair(c);
            default -> null;   // not a struct type: decode() does not send one here
        };
    }

    /** IP_TOS, IPV6_TCLASS: the int read as for any int option (IP_TOS takes a 1..3 byte char too), then split. */
    private static DecodedValue tos(SockOption o, Capture c) {
        DecodedValue v = integer(o, c);
        return v == null ? null : IntValues.tos(c, (Long) v.json());
    }

    /**
     * A value whose key material was cut off (Secrets), for an option whose kept part this package can name:
     * TCP_AO_ADD_KEY's struct tcp_ao_add up to its key. Others as {@link #redacted(int, byte[], int)}.
     */
    public static DecodedValue redacted(int level, int optname, byte[] kept, int optlen) {
        if (level == 6 && optname == 38) {   // SOL_TCP, TCP_AO_ADD_KEY
            DecodedValue v = TcpAoValues.addKey(kept, optlen);
            if (v != null) {
                return v;
            }
        }
        return redacted(level, kept, optlen);
    }

    /**
     * A value whose key material was cut off (Secrets): what came before the key, and the word "redacted" where
     * it was. TLS_TX/TLS_RX keep their version and cipher, the others their non-secret prefix as hex.
     */
    public static DecodedValue redacted(int level, byte[] kept, int optlen) {
        Map<String, Object> m = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        if (level == 282 && kept.length >= 4) {   // SOL_TLS: struct tls_crypto_info
            long version = (kept[0] & 0xff) | (kept[1] & 0xff) << 8;
            long cipher = (kept[2] & 0xff) | (kept[3] & 0xff) << 8;
            m.put("version", version);
            m.put("cipher_type", cipher);
            text.append(String.format(java.util.Locale.ROOT, "{version=0x%04x, cipher_type=%d, ", version, cipher));
        } else if (kept.length > 0) {
            String hex = ByteText.hex(kept, Math.min(kept.length, MAX_SHOWN));
            m.put("prefix", hex);
            text.append("{prefix=").append(hex).append(", ");
        } else {
            text.append('{');
        }
        m.put("key", "redacted");
        text.append("key redacted} (").append(optlen).append(optlen == 1 ? " byte)" : " bytes)");
        return new DecodedValue(m, text.toString(), null);
    }

    /**
     * Most int options need optlen >= 4 (EINVAL otherwise), so fewer bytes stay raw. SOL_IP is the exception:
     * do_ip_setsockopt() reads a 1..3 byte optval as one unsigned char (the BSD u_char IP_MULTICAST_TTL habit).
     */
    private static DecodedValue integer(SockOption o, Capture c) {
        long v;
        if (c.fits(4)) {
            v = c.le32(0);
        } else if (o.level() == SOL_IP && c.optlen < 4 && c.fits(1)) {
            v = c.bytes[0] & 0xff;
        } else {
            return null;
        }
        return new DecodedValue(v, c.withSuffix(Long.toString(v)), o.type() == ValueType.BOOL ? v != 0 : null);
    }

    /** SO_MAX_PACING_RATE: sk_setsockopt() reads a u32, then a u64 instead when optlen >= 8. */
    private static DecodedValue ulong(Capture c) {
        if (c.optlen >= 8) {
            if (!c.fits(8)) {
                return null;
            }
            long v = c.le64(0);
            // A u64 above Long.MAX_VALUE (e.g. ~0UL, "unlimited") has no Long form: give its decimal string.
            String u = Long.toUnsignedString(v);
            return v >= 0 ? number(c, v) : new DecodedValue(u, c.withSuffix(u), null);
        }
        return c.fits(4) ? number(c, Integer.toUnsignedLong(c.le32(0))) : null;
    }

    private static DecodedValue number(Capture c, long v) {
        return new DecodedValue(v, c.withSuffix(Long.toString(v)), null);
    }

    /** json: a two-entry map; text: what that map's toString() says ("{onoff=1, linger=5}"), written directly. */
    private static DecodedValue struct(Capture c, String k1, long v1, String k2, long v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        String text = new StringBuilder(48).append('{').append(k1).append('=').append(v1).append(", ").append(k2)
                .append('=').append(v2).append('}').toString();
        return new DecodedValue(m, c.withSuffix(text), null);
    }

    /** The kernel copies the name up to the first NUL (or optlen); optlen 0 means "" (SO_BINDTODEVICE: unbind). */
    private static DecodedValue string(Capture c) {
        if (c.optlen == 0) {
            return new DecodedValue("", "\"\"", null);
        }
        if (c.avail == 0) {
            return null;
        }
        int n = 0;
        while (n < c.shown && c.bytes[n] != 0) {
            n++;
        }
        String s = ByteText.escape(c.bytes, n);
        // quoted, as strace does: "cubic" is a name passed as bytes, not a number or a keyword of ours
        return new DecodedValue(s, "\"" + s.replace("\"", "\\x22") + "\"" + c.firstOf(c.shown), null);
    }

    /** Memory-order hex of what was captured, with the byte count; json is null when nothing was captured. */
    private static DecodedValue raw(Capture c) {
        if (c.optlen < 0) {
            String hex = c.avail == 0 ? null : ByteText.hex(c.bytes, c.shown);
            return new DecodedValue(hex, (hex == null ? "" : hex + " ") + "(invalid optlen " + c.optlen + ")", null);
        }
        if (c.avail == 0) {
            return new DecodedValue(null, c.optlen == 0 ? "nothing (0 bytes)" : "(not captured, " + c.optlen + " bytes)",
                    null);
        }
        String hex = ByteText.hex(c.bytes, c.shown);
        String count = c.shown < c.optlen ? c.firstOf(c.shown) : " (" + c.optlen + (c.optlen == 1 ? " byte)" : " bytes)");
        return new DecodedValue(hex, hex + count, null);
    }
}
