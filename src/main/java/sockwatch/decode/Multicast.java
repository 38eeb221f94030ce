package sockwatch.decode;

/**
 * The multicast option structs (include/uapi/linux/in.h, in6.h), read the way do_ip_setsockopt() and
 * do_ipv6_setsockopt() read them, and named by their C fields without the struct's prefix (imr_multiaddr is
 * "multiaddr", gsr_group is "group"). Addresses are in network order; ifindexes and interfaces are host order.
 * A value shorter than the smallest struct the kernel accepts returns null (ValueDecoder shows it raw).
 */
final class Multicast {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    /** sizeof(struct sockaddr_storage): 128 in both ABIs. */
    private static final int SOCKADDR_STORAGE = 128;

    private Multicast() {
    }

    /**
     * IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP: struct ip_mreqn {multiaddr, address, int ifindex} when optlen is 12
     * or more, else struct ip_mreq {multiaddr, interface} (8 bytes at least, EINVAL below).
     */
    static DecodedValue membership(Capture c) {
        if (c.optlen >= 12) {
            return mreqn(c);
        }
        if (c.optlen < 8) {
            return null;
        }
        Fields f = new Fields();
        addr(f, "multiaddr", c, 0);
        addr(f, "interface", c, 4);
        return f.done(c);
    }

    /**
     * IP_MULTICAST_IF: the kernel takes an ip_mreqn (optlen 12 or more), an ip_mreq (8..11; only its second
     * address is used) or a bare in_addr (4..7), in that order of preference.
     */
    static DecodedValue multicastIf(Capture c) {
        if (c.optlen >= 8) {
            return membership(c);
        }
        if (c.optlen < 4) {
            return null;
        }
        Fields f = new Fields();
        addr(f, "address", c, 0);
        return f.done(c);
    }

    /** IP_{ADD,DROP}_SOURCE_MEMBERSHIP, IP_{BLOCK,UNBLOCK}_SOURCE: struct ip_mreq_source, three in_addr. */
    static DecodedValue source(Capture c) {
        if (c.optlen < 12) {
            return null;
        }
        Fields f = new Fields();
        addr(f, "multiaddr", c, 0);
        addr(f, "interface", c, 4);
        addr(f, "sourceaddr", c, 8);
        return f.done(c);
    }

    /** IPV6_ADD_MEMBERSHIP/DROP, IPV6_JOIN_ANYCAST/LEAVE: struct ipv6_mreq {in6_addr multiaddr; int interface}. */
    static DecodedValue ipv6(Capture c) {
        if (c.optlen < 20) {
            return null;
        }
        Fields f = new Fields();
        if (c.has(0, 16)) {
            String a = Endpoints.ipv6(c.slice(0, 16));
            f.put("multiaddr", a, a);
        } else {
            f.missing("multiaddr");
        }
        return f.s32("interface", c, 16).done(c);
    }

    /**
     * MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP: struct group_req {u32 interface; sockaddr_storage group}. A 64-bit
     * caller's has the group at 8 (sockaddr_storage is 8-aligned), a 32-bit caller's compat_group_req is packed
     * with it at 4 (include/net/compat.h).
     */
    static DecodedValue groupReq(Capture c, boolean compat) {
        int group = compat ? 4 : 8;
        if (c.optlen < group + SOCKADDR_STORAGE) {
            return null;
        }
        Fields f = new Fields().u32("interface", c, 0);
        sockaddr(f, "group", c, group);
        return f.done(c);
    }

    /**
     * MCAST_{JOIN,LEAVE}_SOURCE_GROUP, MCAST_{BLOCK,UNBLOCK}_SOURCE: struct group_source_req, 264 bytes (source at
     * 136) or 260 packed in compat (source at 132). The probe captures 64 bytes at most, so the source address
     * is normally "(not captured)": shown so, never guessed.
     */
    static DecodedValue groupSourceReq(Capture c, boolean compat) {
        int group = compat ? 4 : 8;
        int source = group + SOCKADDR_STORAGE;
        if (c.optlen < source + SOCKADDR_STORAGE) {
            return null;
        }
        Fields f = new Fields().u32("interface", c, 0);
        sockaddr(f, "group", c, group);
        sockaddr(f, "source", c, source);
        return f.done(c);
    }

    private static void addr(Fields f, String name, Capture c, int at) {
        String[] a = inAddr(c, at);
        f.put(name, a[0], a[1]);
    }

    /** An in_addr at {@code at}: {json, text}, or {null, "(not captured)"}. */
    private static String[] inAddr(Capture c, int at) {
        if (!c.has(at, 4)) {
            return new String[] {null, Fields.NOT_CAPTURED};
        }
        String a = Endpoints.ipv4(c.slice(at, 4));
        return new String[] {a, a};
    }

    private static DecodedValue mreqn(Capture c) {
        Fields f = new Fields();
        addr(f, "multiaddr", c, 0);
        addr(f, "address", c, 4);
        return f.s32("ifindex", c, 8).done(c);
    }

    /**
     * A sockaddr_storage at {@code at}: an AF_INET or AF_INET6 address as text (with %scope for a non-zero IPv6
     * scope id); another family as {family=N}; "(not captured)" when the bytes that say it were not read. The
     * port is not shown: the kernel ignores it in these structs.
     */
    static void sockaddr(Fields f, String name, Capture c, int at) {
        if (!c.has(at, 2)) {
            f.missing(name);
            return;
        }
        int family = c.le16(at);
        if (family == AF_INET && c.has(at + 4, 4)) {
            String a = Endpoints.ipv4(c.slice(at + 4, 4));
            f.put(name, a, a);
        } else if (family == AF_INET6 && c.has(at + 8, 20)) {
            // the address and its scope id (which link a link-local group is on) or nothing
            String a = Endpoints.ipv6(c.slice(at + 8, 16));
            long scope = c.u32(at + 24);
            String s = scope == 0 ? a : a + "%" + scope;
            f.put(name, s, s);
        } else if (family == AF_INET || family == AF_INET6) {
            f.missing(name);
        } else {
            Fields other = new Fields().put("family", family);
            f.put(name, other.json(), other.text());
        }
    }
}
