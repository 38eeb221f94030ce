package sockwatch.decode;

/**
 * The multicast option structs (include/uapi/linux/in.h, in6.h), read the way do_ip_setsockopt() and
 * do_ipv6_setsockopt() read them, and named by their C fields without the struct's prefix (imr_multiaddr is
 * "multiaddr", gsr_group is "group"). Addresses are in network order; ifindexes and interfaces are host order.
 * A value shorter than the smallest struct the kernel accepts returns null (ValueDecoder shows it raw).
 */
final class Multicast {
    private static final Names FMODES = Names.load("mcast_fmode.tsv");
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

    /**
     * IP_MSFILTER: struct ip_msfilter {multiaddr; interface; u32 fmode; u32 numsrc; __be32 slist[numsrc]}, the
     * same in both ABIs. do_ip_setsockopt() wants optlen >= 16 (IP_MSFILTER_SIZE(0)) and room for numsrc sources
     * (EINVAL otherwise). The sources shown are those within optlen that were captured (the probe reads 64 bytes:
     * the header and 12 sources); "..." and the "(first n of m bytes)" note say when there are more.
     */
    static DecodedValue msfilter(Capture c) {
        if (c.optlen < 16) {
            return null;
        }
        Fields f = new Fields();
        addr(f, "multiaddr", c, 0);
        addr(f, "interface", c, 4);
        fmode(f, c, 8);
        f.u32("numsrc", c, 12);
        sources(f, c, 12, 16, 4, Multicast::inAddr);
        return f.done(c);
    }

    /**
     * MCAST_MSFILTER (SOL_IP, SOL_IPV6): struct group_filter {u32 interface; sockaddr_storage group; u32 fmode;
     * u32 numsrc; sockaddr_storage slist[numsrc]}: group at 8, fmode 136, numsrc 140, slist 144 from a 64-bit
     * caller; compat_group_filter (include/net/compat.h) is packed: 4, 132, 136, 140. The kernel wants optlen >=
     * the offset of slist (GROUP_FILTER_SIZE(0)). The probe's 64 bytes hold the interface and the group only, so
     * fmode, numsrc and the sources are normally "(not captured)".
     */
    static DecodedValue groupFilter(Capture c, boolean compat) {
        int group = compat ? 4 : 8;
        int fmode = group + SOCKADDR_STORAGE;
        int slist = fmode + 8;
        if (c.optlen < slist) {
            return null;
        }
        Fields f = new Fields().u32("interface", c, 0);
        sockaddr(f, "group", c, group);
        fmode(f, c, fmode);
        f.u32("numsrc", c, fmode + 4);
        sources(f, c, fmode + 4, slist, SOCKADDR_STORAGE, Multicast::sockaddrValue);
        return f.done(c);
    }

    private static void fmode(Fields f, Capture c, int at) {
        if (!c.has(at, 4)) {
            f.missing("fmode");
            return;
        }
        long v = c.u32(at);
        String name = FMODES.name(v);
        f.put("fmode", name != null ? name : (Object) v, name != null ? name : Long.toString(v));
    }

    /** One source's {json, text}, or null (or a null json) when its bytes were not captured. */
    private interface Source {
        Object[] read(Capture c, int at);
    }

    /**
     * "slist": the first numsrc sources of {@code size} bytes from {@code at} that lie within optlen and were
     * captured, in order; ", ..." in the text when numsrc has more (not captured, or past optlen, which the
     * kernel refuses). Not captured at all when numsrc was not.
     */
    private static void sources(Fields f, Capture c, int numsrcAt, int at, int size, Source source) {
        if (!c.has(numsrcAt, 4)) {
            f.missing("slist");
            return;
        }
        long numsrc = c.u32(numsrcAt);
        java.util.List<Object> json = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder("[");
        for (long i = 0; i < numsrc; i++) {
            long from = at + i * size;
            Object[] s = from + size <= c.optlen ? source.read(c, (int) from) : null;
            if (s == null || s[0] == null) {
                break;
            }
            json.add(s[0]);
            text.append(text.length() > 1 ? ", " : "").append((String) s[1]);
        }
        if (json.size() < numsrc) {
            text.append(json.isEmpty() ? "..." : ", ...");
        }
        f.put("slist", json, text.append(']').toString());
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
        Object[] v = sockaddrValue(c, at);
        if (v == null) {
            f.missing(name);
        } else {
            f.put(name, v[0], (String) v[1]);
        }
    }

    /** {@link #sockaddr}'s {json, text}, or null when not captured. */
    private static Object[] sockaddrValue(Capture c, int at) {
        if (!c.has(at, 2)) {
            return null;
        }
        int family = c.le16(at);
        if (family == AF_INET && c.has(at + 4, 4)) {
            String a = Endpoints.ipv4(c.slice(at + 4, 4));
            return new Object[] {a, a};
        } else if (family == AF_INET6 && c.has(at + 8, 20)) {
            // the address and its scope id (which link a link-local group is on) or nothing
            String a = Endpoints.ipv6(c.slice(at + 8, 16));
            long scope = c.u32(at + 24);
            String s = scope == 0 ? a : a + "%" + scope;
            return new Object[] {s, s};
        } else if (family == AF_INET || family == AF_INET6) {
            return null;
        }
        Fields other = new Fields().put("family", family);
        return new Object[] {other.json(), other.text()};
    }
}
