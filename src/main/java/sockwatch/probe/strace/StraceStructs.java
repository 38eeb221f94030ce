package sockwatch.probe.strace;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.decode.ShownBytes;

/**
 * The setsockopt values strace 6.1 prints as a struct that no single byte sequence stands for (src/net.c,
 * print_setsockopt): struct group_req (MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP at SOL_IP and SOL_IPV6: gr_interface
 * and the sockaddr, not the padding nor the rest of the sockaddr_storage), struct sock_fprog (SO_ATTACH_FILTER,
 * SO_ATTACH_REUSEPORT_CBPF: len and the filter's address, not the padding), struct packet_mreq
 * (PACKET_ADD_MEMBERSHIP, PACKET_DROP_MEMBERSHIP: mr_address cut at mr_alen) and struct icmp_filter
 * (ICMP_FILTER: the set of blocked types, or "~" and the set of the others).
 * <p>
 * Each is rebuilt as an image of the struct holding only the fields strace printed, with a record of which
 * bytes those are ({@link ShownBytes}); the bytes decoder reads that image and refuses to read an unknown byte.
 * So the struct's meaning (field names, offsets, compat layouts, how a sockaddr or a MAC is shown) lives in one
 * place, sockwatch.decode, for every backend; this class only knows where strace's fields sit in memory, and
 * a field it cannot make out stays unknown: shown as not captured, never guessed. An icmp_filter comes back
 * whole (strace read at most 4 bytes and printed every bit of them) as its first min(optlen, 4) bytes.
 * <p>
 * strace prints these structs only for the exact lengths it checks (else the address), and they are parsed in
 * both the -X raw forms StraceBackend asks for (hex strings, 0x numbers) and the verbose ones (inet_addr(),
 * inet_pton(), htons(), AF_INET), whichever appears.
 */
final class StraceStructs {
    private static final int SOL_IP = 0;
    private static final int SOL_SOCKET = 1;
    private static final int SOL_IPV6 = 41;
    private static final int SOL_RAW = 255;
    private static final int SOL_PACKET = 263;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** sizeof(struct sockaddr_storage), both ABIs. */
    private static final int STORAGE = 128;
    private static final ShownBytes NOTHING = new ShownBytes(new byte[0], new BitSet());

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(.*)", Pattern.DOTALL);
    private static final Pattern PTON = Pattern.compile("inet_pton\\((AF_INET6?), \"([0-9A-Fa-f:.]+)\", &(\\w+)\\)");
    private static final Pattern HEX_STRING = Pattern.compile("\"((?:\\\\x[0-9a-f]{2})*)\"");
    private static final Pattern INET_ADDR = Pattern.compile("inet_addr\\(\"(\\d{1,3}(?:\\.\\d{1,3}){3})\"\\)");
    private static final Pattern HTON = Pattern.compile("hton([sl])\\((\\d+)\\)");
    private static final Pattern NUMBER = Pattern.compile("0x[0-9a-f]{1,16}|\\d{1,19}");
    private static final Pattern SET = Pattern.compile("(~?)\\[([0-9a-fx ]*)\\]");

    private enum Kind { GROUP_REQ, SOCK_FPROG, PACKET_MREQ, ICMP_FILTER }

    private StraceStructs() {
    }

    /**
     * @return null when strace does not print this option as one of these structs (StraceValue reads it);
     *         else what it showed of the value: possibly nothing (an address, NULL, a form not understood)
     */
    static ShownBytes parse(String text, int level, int optname, int optlen, boolean compat) {
        Kind kind = kind(level, optname);
        if (kind == null) {
            return null;
        }
        String s = text.strip();
        if (s.startsWith("\"")) {
            return null;   // the bytes themselves (a strace without this decoder): StraceValue's to read
        }
        if (optlen <= 0 || !(s.startsWith("{") || s.startsWith("[") || s.startsWith("~["))) {
            return NOTHING;
        }
        Image image = switch (kind) {
            case GROUP_REQ -> groupReq(s, optlen, compat);
            case SOCK_FPROG -> fprog(s, optlen, compat);
            case PACKET_MREQ -> packetMreq(s, optlen);
            case ICMP_FILTER -> icmpFilter(s, optlen);
        };
        return image == null ? NOTHING : image.shown();
    }

    private static Kind kind(int level, int optname) {
        if ((level == SOL_IP || level == SOL_IPV6) && (optname == 42 || optname == 45)) {
            return Kind.GROUP_REQ;   // MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP
        }
        if (level == SOL_SOCKET && (optname == 26 || optname == 51)) {
            return Kind.SOCK_FPROG;  // SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF
        }
        if (level == SOL_PACKET && (optname == 1 || optname == 2)) {
            return Kind.PACKET_MREQ; // PACKET_ADD_MEMBERSHIP, PACKET_DROP_MEMBERSHIP
        }
        // ICMP_FILTER: strace keys it by level alone, as the kernel does for raw sockets
        return level == SOL_RAW && optname == 1 ? Kind.ICMP_FILTER : null;
    }

    /** struct group_req: u32 gr_interface, then the sockaddr_storage at 8 (packed at 4 for a 32-bit caller). */
    private static Image groupReq(String s, int optlen, boolean compat) {
        int group = compat ? 4 : 8;
        List<Field> f = fields(s);
        // print_group_req() prints the struct only when optlen holds it all
        if (optlen < group + STORAGE || !names(f, "gr_interface", "gr_group")) {
            return null;
        }
        Image image = new Image(group + STORAGE);
        Long ifindex = number(f.get(0).value(), 0xffffffffL);
        if (ifindex != null) {
            image.le(0, 4, ifindex);
        }
        sockaddr(f.get(1).value(), image, group);
        return image;
    }

    /** A sockaddr as print_sockaddr() shows one: family, then the family's fields; other families only the family. */
    private static void sockaddr(String s, Image image, int at) {
        List<Field> f = fields(s);
        if (f == null || f.isEmpty() || !"sa_family".equals(f.get(0).name())) {
            return;
        }
        Integer family = family(f.get(0).value());
        if (family == null) {
            return;
        }
        image.le(at, 2, family);
        for (Field x : f.subList(1, f.size())) {
            if (x.name() == null) {
                continue;
            }
            String v = x.value();
            if (family == AF_INET) {
                switch (x.name()) {
                    case "sin_port" -> image.put(at + 2, bytes(v, 2));
                    case "sin_addr" -> image.put(at + 4, bytes(v, 4));
                    default -> { }
                }
            } else if (family == AF_INET6) {
                switch (x.name()) {
                    case "sin6_port" -> image.put(at + 2, bytes(v, 2));
                    case "sin6_flowinfo" -> image.put(at + 4, bytes(v, 4));
                    case "sin6_addr" -> image.put(at + 8, bytes(v, 16));
                    case "sin6_scope_id" -> {
                        // a number, or if_nametoindex("eth0") without -X raw: that stays unknown
                        Long scope = number(v, 0xffffffffL);
                        if (scope != null) {
                            image.le(at + 24, 4, scope);
                        }
                    }
                    default -> { }
                }
            }
        }
    }

    /** struct sock_fprog: u16 len, then the filter's address at 8 (at 4, 4 bytes, for a 32-bit caller). */
    private static Image fprog(String s, int optlen, boolean compat) {
        int size = compat ? 8 : 16;
        List<Field> f = fields(s);
        if (optlen != size || !names(f, "len", "filter")) {
            return null;
        }
        Image image = new Image(size);
        Long len = number(f.get(0).value(), 0xffff);
        if (len != null) {
            image.le(0, 2, len);
        }
        // with -v strace prints the program instead of its address: then the address stays unknown
        String filter = f.get(1).value();
        Long address = filter.equals("NULL") ? Long.valueOf(0)
                : filter.startsWith("0x") ? number(filter, compat ? 0xffffffffL : -1) : null;
        if (address != null) {
            image.le(compat ? 4 : 8, compat ? 4 : 8, address);
        }
        return image;
    }

    /** struct packet_mreq: int mr_ifindex, u16 mr_type, u16 mr_alen, u8 mr_address[8] (printed up to mr_alen). */
    private static Image packetMreq(String s, int optlen) {
        List<Field> f = fields(s);
        if (optlen != 16 || !names(f, "mr_ifindex", "mr_type", "mr_alen", "mr_address")) {
            return null;
        }
        Image image = new Image(16);
        Long ifindex = number(f.get(0).value(), 0xffffffffL);
        if (ifindex != null) {
            image.le(0, 4, ifindex);
        }
        Long type = number(f.get(1).value(), 0xffff);   // a name without -X raw: unknown
        if (type != null) {
            image.le(4, 2, type);
        }
        Long alen = number(f.get(2).value(), 0xffff);
        if (alen != null) {
            image.le(6, 2, alen);
            image.put(8, bytes(f.get(3).value(), (int) Math.min(alen, 8)));
        }
        return image;
    }

    /**
     * struct icmp_filter: strace read min(optlen, 4) bytes over all-ones and printed the set bits, or "~" and the
     * clear ones when more than half are set. The bytes it read are known, the rest of the word is its filling.
     */
    private static Image icmpFilter(String s, int optlen) {
        Matcher m = SET.matcher(s);
        if (!m.matches()) {
            return null;
        }
        long data = 0;
        for (String t : m.group(2).isEmpty() ? new String[0] : m.group(2).split(" ", -1)) {
            // -X raw prints a type as 0 or 0x..: anything else (a name, "...") is not read
            Long type = t.equals("0") || t.startsWith("0x") ? number(t, 31) : null;
            if (type == null) {
                return null;
            }
            data |= 1L << type;
        }
        if (!m.group(1).isEmpty()) {
            data = ~data & 0xffffffffL;
        }
        Image image = new Image(Math.min(optlen, 4));
        byte[] b = {(byte) data, (byte) (data >> 8), (byte) (data >> 16), (byte) (data >> 24)};
        image.put(0, java.util.Arrays.copyOf(b, image.bytes.length));
        return image;
    }

    /** One item of a printed struct: name=value, or an unnamed one (inet_pton(..., &name) gets that name). */
    private record Field(String name, String value) {
    }

    /** The items of "{a=1, b={c=2}, inet_pton(AF_INET6, "::1", &sin6_addr)}", or null if it is not one struct. */
    static List<Field> fields(String s) {
        if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
            return null;
        }
        List<Field> out = new ArrayList<>();
        int depth = 0;
        int start = 1;
        boolean quoted = false;
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                if (--depth < 0) {
                    return null;
                }
            } else if (c == ',' && depth == 0 && s.charAt(i + 1) == ' ') {
                out.add(field(s.substring(start, i)));
                start = i + 2;
            }
        }
        if (quoted || depth != 0) {
            return null;
        }
        if (start < s.length() - 1) {
            out.add(field(s.substring(start, s.length() - 1)));
        }
        return out;
    }

    private static Field field(String item) {
        Matcher m = PTON.matcher(item);
        if (m.matches()) {
            return new Field(m.group(3), item);
        }
        m = FIELD.matcher(item);
        return m.matches() ? new Field(m.group(1), m.group(2)) : new Field(null, item);
    }

    /** The struct has exactly these fields, in this order. */
    private static boolean names(List<Field> f, String... names) {
        if (f == null || f.size() != names.length) {
            return false;
        }
        for (int i = 0; i < names.length; i++) {
            if (!names[i].equals(f.get(i).name())) {
                return false;
            }
        }
        return true;
    }

    /** "0x2", "2", "AF_INET", "AF_INET6"; null for anything else. */
    private static Integer family(String v) {
        if (v.equals("AF_INET")) {
            return AF_INET;
        }
        if (v.equals("AF_INET6")) {
            return AF_INET6;
        }
        Long n = number(v, 0xffff);
        return n == null ? null : n.intValue();
    }

    /** A printed unsigned number (decimal, or 0x hex) up to max (-1: any 64-bit value), else null. */
    private static Long number(String v, long max) {
        if (!NUMBER.matcher(v).matches()) {
            return null;
        }
        long n;
        try {
            n = v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
        return max == -1 || Long.compareUnsigned(n, max) <= 0 ? n : null;
    }

    /** A field's bytes in memory order if it shows exactly n of them, else null. */
    private static byte[] bytes(String v, int n) {
        Matcher m = HEX_STRING.matcher(v);
        if (m.matches()) {
            byte[] b = StraceValue.hex(m.group(1));
            return b.length == n ? b : null;
        }
        if ((m = INET_ADDR.matcher(v)).matches() && n == 4) {
            return ipv4(m.group(1));
        }
        if ((m = HTON.matcher(v)).matches() && n == (m.group(1).equals("s") ? 2 : 4)) {
            Long x = number(m.group(2), n == 2 ? 0xffff : 0xffffffffL);
            if (x == null) {
                return null;
            }
            return n == 2 ? new byte[] {(byte) (x >> 8), (byte) (long) x}
                    : new byte[] {(byte) (x >> 24), (byte) (x >> 16), (byte) (x >> 8), (byte) (long) x};
        }
        if ((m = PTON.matcher(v)).matches()) {
            boolean six = m.group(1).equals("AF_INET6");
            byte[] b = six ? ipv6(m.group(2)) : ipv4(m.group(2));
            return b != null && b.length == n ? b : null;
        }
        return null;
    }

    private static byte[] ipv4(String dotted) {
        String[] p = dotted.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            Long x = p[i].matches("\\d{1,3}") ? number(p[i], 255) : null;
            if (x == null) {
                return null;
            }
            b[i] = (byte) (long) x;
        }
        return b;
    }

    /** An IPv6 literal (PTON admits only hex digits, ':' and '.', so this never asks a resolver). */
    private static byte[] ipv6(String literal) {
        if (!literal.contains(":")) {
            return null;
        }
        byte[] b;
        try {
            b = InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
        if (b.length == 4) {
            // Java gives ::ffff:a.b.c.d back as IPv4: the in6_addr holds it mapped
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(b, 0, mapped, 12, 4);
            return mapped;
        }
        return b;
    }

    /** A struct's bytes as far as strace showed them. */
    private static final class Image {
        final byte[] bytes;
        final BitSet known = new BitSet();

        Image(int size) {
            bytes = new byte[size];
        }

        /** b at {@code at}; nothing when b is null (the field was not made out). */
        void put(int at, byte[] b) {
            if (b == null || at + b.length > bytes.length) {
                return;
            }
            System.arraycopy(b, 0, bytes, at, b.length);
            known.set(at, at + b.length);
        }

        /** A little-endian n-byte number at {@code at}. */
        void le(int at, int n, long v) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) (v >> (8 * i));
            }
            put(at, b);
        }

        ShownBytes shown() {
            return new ShownBytes(bytes, known);
        }
    }
}
