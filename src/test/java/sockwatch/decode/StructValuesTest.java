package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The option structs and bit fields, decoded from bytes: full values, short captures, and 32-bit layouts. */
class StructValuesTest {

    private static SockOption opt(String level, String name) {
        int l = OptionTable.standard().levelNumber(level).getAsInt();
        return OptionTable.standard().byName(name).stream().filter(o -> o.level() == l).findFirst().orElseThrow();
    }

    private static DecodedValue decode(String level, String name, byte[] value) {
        return ValueDecoder.decode(opt(level, name), value, value.length);
    }

    /** The first {@code captured} bytes of value, with optlen the whole value's length (a probe's short read). */
    private static DecodedValue decodeFirst(String level, String name, byte[] value, int captured, boolean compat) {
        return ValueDecoder.decode(opt(level, name), Arrays.copyOf(value, captured), value.length, compat);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] ip(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    /** A struct sockaddr_in for addr, in a sockaddr_storage written at {@code at}. */
    private static void sin(ByteBuffer b, int at, byte[] addr) {
        b.putShort(at, (short) 2).put(at + 4, addr, 0, 4);
    }

    // --- multicast ---

    @Test
    void ipMreqIsTwoAddresses() {
        byte[] v = le(8).put(ip(224, 0, 0, 3)).put(ip(127, 0, 0, 1)).array();
        DecodedValue d = decode("SOL_IP", "IP_ADD_MEMBERSHIP", v);
        assertEquals("{multiaddr=224.0.0.3, interface=127.0.0.1}", d.text());
        assertEquals(Map.of("multiaddr", "224.0.0.3", "interface", "127.0.0.1"), d.json());
    }

    @Test
    void ipMreqnFromTwelveBytes() {
        byte[] v = le(12).put(ip(239, 1, 2, 3)).put(ip(0, 0, 0, 0)).putInt(2).array();
        assertEquals("{multiaddr=239.1.2.3, address=0.0.0.0, ifindex=2}",
                decode("SOL_IP", "IP_DROP_MEMBERSHIP", v).text());
        assertEquals("0xe0000003 (4 bytes)", decode("SOL_IP", "IP_ADD_MEMBERSHIP", ip(224, 0, 0, 3)).text(),
                "shorter than an ip_mreq: EINVAL in the kernel, raw here");
    }

    @Test
    void aShortCaptureSaysWhatWasNotRead() {
        byte[] v = le(12).put(ip(239, 1, 2, 3)).put(ip(10, 0, 0, 1)).putInt(2).array();
        DecodedValue d = decodeFirst("SOL_IP", "IP_ADD_MEMBERSHIP", v, 6, false);
        assertEquals("{multiaddr=239.1.2.3, address=(not captured), ifindex=(not captured)} (first 6 of 12 bytes)",
                d.text());
        assertNull(((Map<?, ?>) d.json()).get("address"));
        assertTrue(((Map<?, ?>) d.json()).containsKey("ifindex"));
        assertEquals("(not captured, 12 bytes)", decodeFirst("SOL_IP", "IP_ADD_MEMBERSHIP", v, 0, false).text());
    }

    @Test
    void multicastIfTakesThreeSizes() {
        assertEquals("{address=127.0.0.1}", decode("SOL_IP", "IP_MULTICAST_IF", ip(127, 0, 0, 1)).text());
        byte[] mreq = le(8).put(ip(0, 0, 0, 0)).put(ip(192, 168, 1, 5)).array();
        assertEquals("{multiaddr=0.0.0.0, interface=192.168.1.5}", decode("SOL_IP", "IP_MULTICAST_IF", mreq).text());
        byte[] mreqn = le(12).put(ip(0, 0, 0, 0)).put(ip(0, 0, 0, 0)).putInt(3).array();
        assertEquals("{multiaddr=0.0.0.0, address=0.0.0.0, ifindex=3}",
                decode("SOL_IP", "IP_MULTICAST_IF", mreqn).text());
        assertEquals("0x7f00 (2 bytes)", decode("SOL_IP", "IP_MULTICAST_IF", new byte[] {127, 0}).text());
        assertEquals(new DecodedValue(2L, "2", null), decode("SOL_IPV6", "IPV6_MULTICAST_IF", le(4).putInt(2).array()),
                "IPV6_MULTICAST_IF is an int ifindex");
    }

    @Test
    void ipMreqSource() {
        byte[] v = le(12).put(ip(232, 1, 1, 1)).put(ip(10, 0, 0, 2)).put(ip(192, 0, 2, 7)).array();
        assertEquals("{multiaddr=232.1.1.1, interface=10.0.0.2, sourceaddr=192.0.2.7}",
                decode("SOL_IP", "IP_ADD_SOURCE_MEMBERSHIP", v).text());
        assertEquals("{multiaddr=232.1.1.1, interface=10.0.0.2, sourceaddr=192.0.2.7}",
                decode("SOL_IP", "IP_BLOCK_SOURCE", v).text());
    }

    @Test
    void ipv6Mreq() {
        ByteBuffer b = le(20);
        b.put(0, (byte) 0xff).put(1, (byte) 0x02).put(15, (byte) 0xfb).putInt(16, 4);
        DecodedValue d = decode("SOL_IPV6", "IPV6_ADD_MEMBERSHIP", b.array());
        assertEquals("{multiaddr=ff02::fb, interface=4}", d.text());
        assertEquals(Map.of("multiaddr", "ff02::fb", "interface", 4L), d.json());
        assertEquals("{multiaddr=ff02::fb, interface=4}", decode("SOL_IPV6", "IPV6_JOIN_GROUP", b.array()).text());
    }

    @Test
    void groupReqHasItsGroupAt8And4InCompat() {
        ByteBuffer b = le(136).putInt(0, 2);
        sin(b, 8, ip(224, 0, 0, 251));
        DecodedValue d = decodeFirst("SOL_IP", "MCAST_JOIN_GROUP", b.array(), 64, false);
        assertEquals("{interface=2, group=224.0.0.251} (first 64 of 136 bytes)", d.text());
        assertEquals(Map.of("interface", 2L, "group", "224.0.0.251"), d.json());

        ByteBuffer c = le(132).putInt(0, 2);
        sin(c, 4, ip(224, 0, 0, 251));
        assertEquals("{interface=2, group=224.0.0.251} (first 64 of 132 bytes)",
                decodeFirst("SOL_IP", "MCAST_LEAVE_GROUP", c.array(), 64, true).text());
        assertEquals("0x02000000", ((String) decodeFirst("SOL_IP", "MCAST_JOIN_GROUP", c.array(), 64, false)
                .json()).substring(0, 10), "a compat-sized value from a 64-bit caller is too short: raw");
    }

    @Test
    void groupReqWithAnIpv6GroupAndScope() {
        ByteBuffer b = le(136).putInt(0, 3);
        b.putShort(8, (short) 10).put(16, (byte) 0xff).put(17, (byte) 0x02).put(31, (byte) 1).putInt(32, 3);
        assertEquals("{interface=3, group=ff02::1%3} (first 64 of 136 bytes)",
                decodeFirst("SOL_IPV6", "MCAST_JOIN_GROUP", b.array(), 64, false).text());
        b.putShort(8, (short) 17);
        assertEquals("{interface=3, group={family=17}} (first 64 of 136 bytes)",
                decodeFirst("SOL_IPV6", "MCAST_JOIN_GROUP", b.array(), 64, false).text(),
                "another family: only its number");
    }

    @Test
    void groupSourceReqsSourceLiesBeyondTheCapture() {
        ByteBuffer b = le(264).putInt(0, 2);
        sin(b, 8, ip(232, 1, 1, 1));
        sin(b, 136, ip(192, 0, 2, 7));
        DecodedValue d = decodeFirst("SOL_IP", "MCAST_JOIN_SOURCE_GROUP", b.array(), 64, false);
        assertEquals("{interface=2, group=232.1.1.1, source=(not captured)} (first 64 of 264 bytes)", d.text());
        assertTrue(((Map<?, ?>) d.json()).containsKey("source"));
        assertNull(((Map<?, ?>) d.json()).get("source"));
        assertEquals("{interface=2, group=232.1.1.1, source=192.0.2.7}",
                decode("SOL_IP", "MCAST_JOIN_SOURCE_GROUP", b.array()).text(), "a backend that read it all");

        ByteBuffer c = le(260).putInt(0, 2);
        sin(c, 4, ip(232, 1, 1, 1));
        sin(c, 132, ip(192, 0, 2, 7));
        assertEquals("{interface=2, group=232.1.1.1, source=192.0.2.7}",
                ValueDecoder.decode(opt("SOL_IP", "MCAST_BLOCK_SOURCE"), c.array(), 260, true).text(),
                "compat_group_source_req: packed, source at 132");
    }

    // --- filters ---

    @Test
    void sockFprogIsLengthAndAddress() {
        byte[] v = le(16).putShort(0, (short) 4).putLong(8, 0x7ffd12345678L).array();
        DecodedValue d = decode("SOL_SOCKET", "SO_ATTACH_FILTER", v);
        assertEquals("{len=4, filter=0x7ffd12345678}", d.text());
        assertEquals(Map.of("len", 4L, "filter", "0x7ffd12345678"), d.json());
        byte[] compat = le(8).putShort(0, (short) 6).putInt(4, 0xffd01000).array();
        assertEquals("{len=6, filter=0xffd01000}",
                ValueDecoder.decode(opt("SOL_SOCKET", "SO_ATTACH_REUSEPORT_CBPF"), compat, 8, true).text());
        assertEquals("0x0600000000" + "10d0ff (8 bytes)", decode("SOL_SOCKET", "SO_ATTACH_FILTER", compat).text(),
                "8 bytes from a 64-bit caller: EINVAL, raw");
    }

    @Test
    void ipMsfilterShowsItsHeaderAndTheCapturedSources() {
        ByteBuffer b = le(16 + 4 * 20).put(ip(232, 1, 1, 1)).put(ip(127, 0, 0, 1)).putInt(1).putInt(20);
        for (int i = 0; i < 20; i++) {
            b.put(ip(10, 0, 0, i + 1));
        }
        byte[] v = b.array();
        DecodedValue all = decode("SOL_IP", "IP_MSFILTER", v);
        assertTrue(all.text().startsWith("{multiaddr=232.1.1.1, interface=127.0.0.1, fmode=MCAST_INCLUDE, numsrc=20,"
                + " slist=[10.0.0.1, 10.0.0.2, "), all.text());
        assertTrue(all.text().endsWith(", 10.0.0.20]}"), all.text());
        // the probe's 64 bytes: the header and 12 of the 20 sources, never a 13th made up
        DecodedValue probe = decodeFirst("SOL_IP", "IP_MSFILTER", v, 64, false);
        assertTrue(probe.text().endsWith(", 10.0.0.11, 10.0.0.12, ...]} (first 64 of 96 bytes)"), probe.text());
        assertEquals(12, ((List<?>) ((Map<?, ?>) probe.json()).get("slist")).size());
        assertEquals("MCAST_INCLUDE", ((Map<?, ?>) probe.json()).get("fmode"));
        assertEquals(probe, decodeFirst("SOL_IP", "IP_MSFILTER", v, 64, true), "the same struct in both ABIs");
        // EXCLUDE with no sources: the 16-byte header alone (IP_MSFILTER_SIZE(0)); 15 bytes are EINVAL: raw
        byte[] none = le(16).put(ip(232, 1, 1, 1)).put(ip(0, 0, 0, 0)).putInt(0).putInt(0).array();
        assertEquals("{multiaddr=232.1.1.1, interface=0.0.0.0, fmode=MCAST_EXCLUDE, numsrc=0, slist=[]}",
                decode("SOL_IP", "IP_MSFILTER", none).text());
        assertTrue(decode("SOL_IP", "IP_MSFILTER", Arrays.copyOf(none, 15)).text().endsWith("(15 bytes)"));
        // numsrc past optlen (the kernel's EINVAL): the sources optlen holds, then "..."; an unknown fmode as a number
        byte[] over = le(20).put(ip(232, 1, 1, 1)).put(ip(0, 0, 0, 0)).putInt(7).putInt(3).put(ip(10, 0, 0, 1)).array();
        assertEquals("{multiaddr=232.1.1.1, interface=0.0.0.0, fmode=7, numsrc=3, slist=[10.0.0.1, ...]}",
                decode("SOL_IP", "IP_MSFILTER", over).text());
        // the header cut short: what was not read is not captured, the sources too
        assertEquals("{multiaddr=232.1.1.1, interface=0.0.0.0, fmode=(not captured), numsrc=(not captured),"
                + " slist=(not captured)} (first 10 of 20 bytes)", decodeFirst("SOL_IP", "IP_MSFILTER", over, 10, false).text());
    }

    @Test
    void groupFilterHasTwoLayouts() {
        // 64-bit: interface, group at 8, fmode 136, numsrc 140, slist at 144 (128 bytes a source)
        ByteBuffer b = le(144 + 2 * 128).putInt(0, 2).putInt(136, 1).putInt(140, 2);
        sin(b, 8, ip(232, 1, 1, 1));
        sin(b, 144, ip(10, 0, 0, 1));
        sin(b, 272, ip(10, 0, 0, 2));
        byte[] v = b.array();
        assertEquals("{interface=2, group=232.1.1.1, fmode=MCAST_INCLUDE, numsrc=2, slist=[10.0.0.1, 10.0.0.2]}",
                decode("SOL_IP", "MCAST_MSFILTER", v).text());
        assertEquals("{interface=2, group=232.1.1.1, fmode=(not captured), numsrc=(not captured),"
                + " slist=(not captured)} (first 64 of 400 bytes)", decodeFirst("SOL_IP", "MCAST_MSFILTER", v, 64, false).text());
        // compat_group_filter, packed: group at 4, fmode 132, numsrc 136, slist at 140
        ByteBuffer p = le(140 + 128).putInt(0, 2).putInt(132, 0).putInt(136, 1);
        sin(p, 4, ip(232, 1, 1, 1));
        sin(p, 140, ip(10, 0, 0, 9));
        byte[] compat = p.array();
        assertEquals("{interface=2, group=232.1.1.1, fmode=MCAST_EXCLUDE, numsrc=1, slist=[10.0.0.9]}",
                ValueDecoder.decode(opt("SOL_IP", "MCAST_MSFILTER"), compat, compat.length, true).text());
        Map<?, ?> json = (Map<?, ?>) ValueDecoder.decode(opt("SOL_IP", "MCAST_MSFILTER"), compat, compat.length, true).json();
        assertEquals(List.of("10.0.0.9"), json.get("slist"));
        assertEquals(List.of("interface", "group", "fmode", "numsrc", "slist"), List.copyOf(json.keySet()));
        // 140 bytes are too short for a 64-bit caller's header (GROUP_FILTER_SIZE(0) is 144): raw
        assertTrue(decode("SOL_IP", "MCAST_MSFILTER", Arrays.copyOf(compat, 140)).text().endsWith("(140 bytes)"));
        // SOL_IPV6: the same struct, with sockaddr_in6 group and sources
        ByteBuffer six = le(144 + 128).putInt(0, 1).putInt(136, 1).putInt(140, 1);
        six.putShort(8, (short) 10).put(16, new byte[] {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xfb});
        six.putShort(144, (short) 10).put(152, new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        assertEquals("{interface=1, group=ff02::fb, fmode=MCAST_INCLUDE, numsrc=1, slist=[2001:db8::1]}",
                decode("SOL_IPV6", "MCAST_MSFILTER", six.array()).text());
    }

    @Test
    void fanoutDataIsAFilterOrAnFdByItsLength() {
        byte[] fprog = le(16).putShort(0, (short) 4).putLong(8, 0x7ffd12345678L).array();
        assertEquals("{len=4, filter=0x7ffd12345678}", decode("SOL_PACKET", "PACKET_FANOUT_DATA", fprog).text());
        assertEquals(new DecodedValue(Map.of("prog_fd", 5L), "{prog_fd=5}", null),
                decode("SOL_PACKET", "PACKET_FANOUT_DATA", le(4).putInt(5).array()));
        byte[] compat = le(8).putShort(0, (short) 2).putInt(4, 0xffd01000).array();
        assertEquals("{len=2, filter=0xffd01000}",
                ValueDecoder.decode(opt("SOL_PACKET", "PACKET_FANOUT_DATA"), compat, 8, true).text());
        // 8 bytes from a 64-bit caller, or 16 from a 32-bit one, are EINVAL in every fanout mode: raw
        assertTrue(decode("SOL_PACKET", "PACKET_FANOUT_DATA", compat).text().endsWith("(8 bytes)"));
        assertTrue(ValueDecoder.decode(opt("SOL_PACKET", "PACKET_FANOUT_DATA"), fprog, 16, true).text()
                .endsWith("(16 bytes)"));
        assertEquals("{len=4, filter=(not captured)} (first 8 of 16 bytes)",
                decodeFirst("SOL_PACKET", "PACKET_FANOUT_DATA", fprog, 8, false).text());
    }

    @Test
    void icmpFilterListsTheBlockedTypes() {
        DecodedValue d = decode("SOL_RAW", "ICMP_FILTER", le(4).putInt((1 << 0) | (1 << 3) | (1 << 4) | (1 << 5)).array());
        assertEquals("{blocked=0,3-5 (ICMP_ECHOREPLY|ICMP_DEST_UNREACH|ICMP_SOURCE_QUENCH|ICMP_REDIRECT)}", d.text());
        assertEquals(List.of("blocked", "blocked_names"), List.copyOf(((Map<?, ?>) d.json()).keySet()));
        assertEquals(Map.of("blocked", List.of(0L, 3L, 4L, 5L), "blocked_names",
                List.of("ICMP_ECHOREPLY", "ICMP_DEST_UNREACH", "ICMP_SOURCE_QUENCH", "ICMP_REDIRECT")), d.json());
        DecodedValue none = decode("SOL_RAW", "ICMP_FILTER", new byte[4]);
        assertEquals("{blocked=none}", none.text());
        assertEquals(Map.of("blocked", List.of(), "blocked_names", List.of()), none.json());
        // types icmp.h does not name stay numbers, in the ranges only
        DecodedValue unnamed = decode("SOL_RAW", "ICMP_FILTER", le(4).putInt((1 << 1) | (1 << 8) | (1 << 31)).array());
        assertEquals("{blocked=1,8,31 (ICMP_ECHO)}", unnamed.text());
        assertEquals(List.of("ICMP_ECHO"), ((Map<?, ?>) unnamed.json()).get("blocked_names"));
        assertEquals("{blocked=1-2,6-7} (first 4 of 8 bytes)",
                ValueDecoder.decode(opt("SOL_RAW", "ICMP_FILTER"), le(4).putInt(0xc6).array(), 8).text());
        assertEquals("0x0100 (2 bytes)", decode("SOL_RAW", "ICMP_FILTER", new byte[] {1, 0}).text(),
                "the kernel copies 2 bytes over the old mask: the rest is not known");
    }

    @Test
    void txrehashNamesWhatTheKernelStores() {
        assertEquals(new DecodedValue(1L, "1 (SOCK_TXREHASH_ENABLED)", null),
                decode("SOL_SOCKET", "SO_TXREHASH", le(4).putInt(1).array()));
        assertEquals("0 (SOCK_TXREHASH_DISABLED)", decode("SOL_SOCKET", "SO_TXREHASH", new byte[4]).text());
        // -1 is stored as (u8) 255, SOCK_TXREHASH_DEFAULT; 255 itself, and 2, are refused (EINVAL): numbers only
        assertEquals(new DecodedValue(-1L, "-1 (SOCK_TXREHASH_DEFAULT)", null),
                decode("SOL_SOCKET", "SO_TXREHASH", le(4).putInt(-1).array()));
        assertEquals(new DecodedValue(255L, "255", null), decode("SOL_SOCKET", "SO_TXREHASH", le(4).putInt(255).array()));
        assertEquals("2", decode("SOL_SOCKET", "SO_TXREHASH", le(4).putInt(2).array()).text());
        assertEquals("1 (SOCK_TXREHASH_ENABLED) (first 4 of 8 bytes)",
                ValueDecoder.decode(opt("SOL_SOCKET", "SO_TXREHASH"), le(4).putInt(1).array(), 8).text());
        assertEquals("0x0100 (2 bytes)", decode("SOL_SOCKET", "SO_TXREHASH", new byte[] {1, 0}).text());
    }

    @Test
    void icmp6FilterIsEightWords() {
        ByteBuffer b = le(32);
        for (int i = 0; i < 8; i++) {
            b.putInt(4 * i, -1);
        }
        b.putInt(16, ~(1 << 1 | 1 << 2));   // let 129 (echo reply) and 130 through
        assertEquals("{blocked=0-128,131-255}", decode("SOL_ICMPV6", "ICMPV6_FILTER", b.array()).text());
        assertTrue(decodeFirst("SOL_ICMPV6", "ICMPV6_FILTER", b.array(), 20, false).text()
                .endsWith("(first 20 of 32 bytes)"), "a short capture stays raw");
    }

    // --- SOL_PACKET ---

    @Test
    void packetMreq() {
        byte[] v = le(16).putInt(0, 2).putShort(4, (short) 0).putShort(6, (short) 6)
                .put(8, new byte[] {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}).array();
        DecodedValue d = decode("SOL_PACKET", "PACKET_ADD_MEMBERSHIP", v);
        assertEquals("{ifindex=2, type=PACKET_MR_MULTICAST, alen=6, address=01:00:5e:00:00:01}", d.text());
        byte[] promisc = le(16).putInt(0, 3).putShort(4, (short) 1).array();
        assertEquals("{ifindex=3, type=PACKET_MR_PROMISC, alen=0, address=}",
                decode("SOL_PACKET", "PACKET_DROP_MEMBERSHIP", promisc).text());
        byte[] unknown = le(16).putInt(0, 3).putShort(4, (short) 9).array();
        assertEquals(9L, ((Map<?, ?>) decode("SOL_PACKET", "PACKET_ADD_MEMBERSHIP", unknown).json()).get("type"),
                "an unknown type stays a number");
    }

    @Test
    void tpacketReqByOptlen() {
        byte[] req = le(16).putInt(4096).putInt(64).putInt(2048).putInt(128).array();
        assertEquals("{block_size=4096, block_nr=64, frame_size=2048, frame_nr=128}",
                decode("SOL_PACKET", "PACKET_RX_RING", req).text());
        byte[] req3 = le(28).putInt(1 << 22).putInt(64).putInt(2048).putInt(131072).putInt(60).putInt(0).putInt(1)
                .array();
        assertEquals("{block_size=4194304, block_nr=64, frame_size=2048, frame_nr=131072, retire_blk_tov=60,"
                + " sizeof_priv=0, feature_req_word=1}", decode("SOL_PACKET", "PACKET_TX_RING", req3).text());
    }

    // --- ints with named parts ---

    @Test
    void timestampingFlagsByName() {
        DecodedValue d = decode("SOL_SOCKET", "SO_TIMESTAMPING", le(4).putInt(26).array());
        assertEquals("{flags=0x1a (SOF_TIMESTAMPING_TX_SOFTWARE|SOF_TIMESTAMPING_RX_SOFTWARE"
                + "|SOF_TIMESTAMPING_SOFTWARE)}", d.text());
        assertEquals(Map.of("flags", 26L, "flag_names", List.of("SOF_TIMESTAMPING_TX_SOFTWARE",
                "SOF_TIMESTAMPING_RX_SOFTWARE", "SOF_TIMESTAMPING_SOFTWARE")), d.json());
        DecodedValue unknown = decode("SOL_SOCKET", "SO_TIMESTAMPING_NEW", le(4).putInt(0x80000002).array());
        assertEquals("{flags=0x80000002 (SOF_TIMESTAMPING_TX_SOFTWARE|0x80000000)}", unknown.text());
        assertEquals(0x80000000L, ((Map<?, ?>) unknown.json()).get("unknown_flags"));
        assertEquals("{flags=0x0}", decode("SOL_SOCKET", "SO_TIMESTAMPING", new byte[4]).text());
    }

    @Test
    void timestampingStructWhenOptlenIsEight() {
        DecodedValue d = decode("SOL_SOCKET", "SO_TIMESTAMPING", le(8).putInt(1 << 15 | 1 << 6).putInt(1).array());
        assertEquals("{flags=0x8040 (SOF_TIMESTAMPING_RAW_HARDWARE|SOF_TIMESTAMPING_BIND_PHC), bind_phc=1}",
                d.text());
        assertEquals(1L, ((Map<?, ?>) d.json()).get("bind_phc"));
        assertEquals("{flags=0x2 (SOF_TIMESTAMPING_TX_SOFTWARE)} (first 4 of 12 bytes)",
                decodeFirst("SOL_SOCKET", "SO_TIMESTAMPING", le(12).putInt(2).array(), 4, false).text(),
                "optlen 12 is an int: the kernel reads the first 4");
        assertEquals("{flags=0x2 (SOF_TIMESTAMPING_TX_SOFTWARE), bind_phc=(not captured)} (first 4 of 8 bytes)",
                decodeFirst("SOL_SOCKET", "SO_TIMESTAMPING", le(8).putInt(2).array(), 4, false).text(),
                "a struct half captured (strace prints [2] for it): bind_phc is not known");
    }

    @Test
    void tosNamesDscpAndEcnInTextAndKeepsTheNumberInJson() {
        assertEquals(new DecodedValue(184L, "184 (dscp=EF, ecn=Not-ECT)", null),
                decode("SOL_IP", "IP_TOS", le(4).putInt(0xb8).array()));
        assertEquals("16 (dscp=4, ecn=Not-ECT)", decode("SOL_IP", "IP_TOS", le(4).putInt(0x10).array()).text(),
                "IPTOS_LOWDELAY is no standard DSCP: a number");
        assertEquals("41 (dscp=AF11, ecn=ECT(1))", decode("SOL_IPV6", "IPV6_TCLASS", le(4).putInt(41).array()).text());
        assertEquals("4 (dscp=LE, ecn=Not-ECT)", decode("SOL_IPV6", "IPV6_TCLASS", le(4).putInt(4).array()).text());
        assertEquals(new DecodedValue(3L, "3 (dscp=CS0, ecn=CE)", null), decode("SOL_IP", "IP_TOS", new byte[] {3}),
                "SOL_IP reads a 1-byte optval as a char");
        assertEquals(new DecodedValue(-1L, "-1 (default)", null),
                decode("SOL_IPV6", "IPV6_TCLASS", le(4).putInt(-1).array()));
        assertEquals("256 (not a TOS byte)", decode("SOL_IP", "IP_TOS", le(4).putInt(256).array()).text());
        assertEquals("0x1000 (2 bytes)", decode("SOL_IPV6", "IPV6_TCLASS", new byte[] {0x10, 0}).text());
    }

    @Test
    void localPortRangeIsLowAndHighInTextAndTheNumberInJson() {
        assertEquals(new DecodedValue(50000L << 16 | 40000L, "3276840000 (low=40000, high=50000)", null),
                decode("SOL_IP", "IP_LOCAL_PORT_RANGE", le(4).putShort((short) 40000).putShort((short) 50000).array()));
        assertEquals("0 (low=0, high=0)", decode("SOL_IP", "IP_LOCAL_PORT_RANGE", new byte[4]).text());
    }

    // --- TCP-AO ---

    @Test
    void tcpAoInfoAndRepair() {
        ByteBuffer b = le(48).putInt(0, 0b00101).put(6, (byte) 7).put(7, (byte) 9).putLong(8, 12).putLong(40, -1L);
        assertEquals("{set_current=1, set_rnext=0, ao_required=1, set_counters=0, accept_icmps=0, current_key=7,"
                        + " rnext=9, pkt_good=12, pkt_bad=0, pkt_key_not_found=0, pkt_ao_required=0,"
                        + " pkt_dropped_icmp=18446744073709551615}",
                decode("SOL_TCP", "TCP_AO_INFO", b.array()).text());
        byte[] r = le(16).putInt(Integer.reverseBytes(1000)).putInt(Integer.reverseBytes(2000)).putInt(1).putInt(2)
                .array();
        assertEquals("{snt_isn=1000, rcv_isn=2000, snd_sne=1, rcv_sne=2}",
                decode("SOL_TCP", "TCP_AO_REPAIR", r).text());
    }

    @Test
    void tcpAoDelKeyShowsTheAddressItCaptured() {
        ByteBuffer b = le(144);
        sin(b, 0, ip(10, 0, 0, 1));
        assertEquals("{addr=10.0.0.1, ifindex=(not captured), set_current=(not captured), set_rnext=(not captured),"
                        + " del_async=(not captured), prefix=(not captured), sndid=(not captured),"
                        + " rcvid=(not captured), current_key=(not captured), rnext=(not captured),"
                        + " keyflags=(not captured)} (first 64 of 144 bytes)",
                decodeFirst("SOL_TCP", "TCP_AO_DEL_KEY", b.array(), 64, false).text());
    }

    @Test
    void tcpAoAddKeyNamesItsFieldsAndNeverTheKey() {
        ByteBuffer b = le(288);
        sin(b, 0, ip(10, 0, 0, 1));
        b.put(128, "hmac(sha1)".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt(192, 5).putInt(196, 1).put(203, (byte) 100).put(204, (byte) 200).put(205, (byte) 12)
                .put(207, (byte) 4).put(208, new byte[] {'K', 'E', 'Y', '!'});
        byte[] kept = Secrets.keep(6, 38, b.array());
        assertEquals(208, kept.length);
        DecodedValue all = ValueDecoder.redacted(6, 38, kept, 288);
        assertEquals("{addr=10.0.0.1, alg_name=\"hmac(sha1)\", ifindex=5, set_current=1, set_rnext=0, prefix=0,"
                + " sndid=100, rcvid=200, maclen=12, keyflags=0, keylen=4, key=redacted} (288 bytes)", all.text());
        assertEquals("redacted", ((Map<?, ?>) all.json()).get("key"));
        assertFalse(all.text().contains("KEY!"));
        DecodedValue probe = ValueDecoder.redacted(6, 38, Arrays.copyOf(kept, 64), 288);
        assertTrue(probe.text().startsWith("{addr=10.0.0.1, alg_name=(not captured), ifindex=(not captured)"),
                probe.text());
        assertTrue(probe.text().endsWith("key=redacted} (288 bytes)"), probe.text());
    }

    /** Random bytes at every length up to past the largest struct, both ABIs, cut as a probe may cut them. */
    @Test
    void neverThrowsAndTextIsPrintableForEveryStructLength() {
        java.util.Random random = new java.util.Random(7);
        java.util.Set<ValueType> fuzzedElsewhere = java.util.EnumSet.of(ValueType.INT, ValueType.BOOL, ValueType.UINT,
                ValueType.UINT_BE, ValueType.ULONG, ValueType.LINGER, ValueType.TIMEVAL, ValueType.TIMEVAL_OLD,
                ValueType.STRING);   // ValueDecoderTest's neverThrowsAndTextIsAlwaysPrintable, up to 40 bytes
        for (SockOption o : OptionTable.standard().all()) {
            if (fuzzedElsewhere.contains(o.type())) {
                continue;
            }
            for (int len = 0; len <= 300; len++) {
                byte[] b = new byte[len];
                random.nextBytes(b);
                for (int cut : new int[] {len, Math.min(len, 64), len / 2, 0}) {
                    for (boolean compat : new boolean[] {false, true}) {
                        DecodedValue v = ValueDecoder.decode(o, Arrays.copyOf(b, cut), len, compat);
                        assertTrue(v.text().chars().allMatch(c -> c >= 0x20 && c < 0x7f), o + " " + v);
                        assertTrue(cut > 0 || len == 0 || v.json() == null, "nothing captured, nothing decoded: " + v);
                    }
                }
                DecodedValue r = ValueDecoder.redacted(o.level(), o.optname(), Secrets.keep(o.level(), o.optname(),
                        Arrays.copyOf(b, Math.min(len, 64))), len);
                assertTrue(r.text().chars().allMatch(c -> c >= 0x20 && c < 0x7f), o + " " + r);
            }
        }
    }
}
