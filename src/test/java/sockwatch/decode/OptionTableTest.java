package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionTableTest {

    private final OptionTable table = OptionTable.standard();

    @Test
    void standardIsLoadedOnce() {
        assertSame(table, OptionTable.standard());
    }

    @ParameterizedTest(name = "({0},{1}) = {2} {3}")
    @CsvSource({
            "1, 1, SO_DEBUG, BOOL",
            "1, 9, SO_KEEPALIVE, BOOL",
            "1, 12, SO_PRIORITY, INT",
            "1, 13, SO_LINGER, LINGER",
            "1, 15, SO_REUSEPORT, BOOL",
            "1, 20, SO_RCVTIMEO, TIMEVAL_OLD",
            "1, 25, SO_BINDTODEVICE, STRING",
            "1, 36, SO_MARK, UINT",
            "1, 66, SO_RCVTIMEO_NEW, TIMEVAL",
            "1, 67, SO_SNDTIMEO_NEW, TIMEVAL",
            "1, 84, SO_INQ, BOOL",
            "0, 1, IP_TOS, TOS",
            "0, 2, IP_TTL, INT",
            "0, 4, IP_OPTIONS, BYTES",
            "0, 10, IP_MTU_DISCOVER, INT",
            "0, 15, IP_FREEBIND, BOOL",
            "0, 19, IP_TRANSPARENT, BOOL",
            "0, 24, IP_BIND_ADDRESS_NO_PORT, BOOL",
            "0, 35, IP_ADD_MEMBERSHIP, IP_MREQ",
            "0, 50, IP_UNICAST_IF, UINT_BE",
            "41, 16, IPV6_UNICAST_HOPS, INT",
            "41, 26, IPV6_V6ONLY, BOOL",
            "41, 67, IPV6_TCLASS, TOS",
            "6, 1, TCP_NODELAY, BOOL",
            "6, 2, TCP_MAXSEG, INT",
            "6, 9, TCP_DEFER_ACCEPT, INT",
            "6, 13, TCP_CONGESTION, STRING",
            "6, 14, TCP_MD5SIG, BYTES",
            "6, 18, TCP_USER_TIMEOUT, INT",
            "6, 23, TCP_FASTOPEN, INT",
            "6, 25, TCP_NOTSENT_LOWAT, INT",
            "6, 31, TCP_ULP, STRING",
            "6, 46, TCP_DELACK_MAX_US, INT",
            "17, 1, UDP_CORK, BOOL",
            "17, 100, UDP_ENCAP, INT",
            "17, 103, UDP_SEGMENT, INT",
            "17, 104, UDP_GRO, BOOL",
            "270, 1, NETLINK_ADD_MEMBERSHIP, UINT",
            "270, 11, NETLINK_EXT_ACK, BOOL",
            "270, 12, NETLINK_GET_STRICT_CHK, BOOL",
            "0, 32, IP_MULTICAST_IF, IP_MULTICAST_IF",
            "0, 51, IP_LOCAL_PORT_RANGE, PORT_RANGE",
            "0, 42, MCAST_JOIN_GROUP, GROUP_REQ",
            "0, 46, MCAST_JOIN_SOURCE_GROUP, GROUP_SOURCE_REQ",
            "41, 20, IPV6_ADD_MEMBERSHIP, IPV6_MREQ",
            "41, 42, MCAST_JOIN_GROUP, GROUP_REQ",
            "1, 26, SO_ATTACH_FILTER, SOCK_FPROG",
            "1, 37, SO_TIMESTAMPING, TIMESTAMPING",
            "1, 65, SO_TIMESTAMPING_NEW, TIMESTAMPING",
            "6, 40, TCP_AO_INFO, TCP_AO_INFO",
            "263, 1, PACKET_ADD_MEMBERSHIP, PACKET_MREQ",
            "263, 5, PACKET_RX_RING, TPACKET_REQ",
            "263, 10, PACKET_VERSION, INT",
            "263, 24, PACKET_VNET_HDR_SZ, INT",
            "255, 1, ICMP_FILTER, ICMP_FILTER",
            "58, 1, ICMPV6_FILTER, ICMP6_FILTER",
            "282, 1, TLS_TX, BYTES",
            "282, 2, TLS_RX, BYTES",
            "282, 4, TLS_RX_EXPECT_NO_PAD, BOOL",
            "279, 1, ALG_SET_KEY, BYTES",
            "279, 6, ALG_SET_DRBG_ENTROPY, BYTES",
            "279, 7, ALG_SET_KEY_BY_KEY_SERIAL, INT",
            "271, 127, TIPC_IMPORTANCE, UINT",
            "271, 138, TIPC_NODELAY, BOOL",
            "268, 1, LLC_OPT_RETRY, UINT",
            "268, 9, LLC_OPT_PKTINFO, BOOL",
            "268, 0, LLC_OPT_UNKNOWN, BYTES",
            "269, 2, DCCP_SOCKOPT_SERVICE, BYTES",
            "273, 5, PPPOL2TP_SO_REORDERTO, INT",
            "272, 1, RXRPC_SECURITY_KEY, BYTES",
            "272, 4, RXRPC_MIN_SECURITY_LEVEL, UINT",
            "272, 7, RXRPC_MANAGE_RESPONSE, UINT",
            "278, 127, CAIFSO_LINK_SELECT, INT",
            "278, 128, CAIFSO_REQ_PARAM, BYTES",
            "283, 2, XDP_RX_RING, INT",
            "283, 4, XDP_UMEM_REG, BYTES",
            "283, 9, XDP_MAX_TX_SKB_BUDGET, UINT",
            "284, 1, MPTCP_INFO, BYTES",
            "284, 4, MPTCP_FULL_INFO, BYTES",
            "281, 1, KCM_RECV_DISABLE, BOOL",
            "280, 0, NFC_LLCP_RW, UINT",
            "287, 0, SO_VM_SOCKETS_BUFFER_SIZE, ULONG",
            "287, 6, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD, TIMEVAL_OLD",
            "287, 8, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW, TIMEVAL",
            "274, 4, BT_SECURITY, BYTES",
            "274, 17, BT_ISO_QOS, BYTES",
            "274, 20, BT_ISO_BASE, BYTES",
            "275, 1, PNPIPE_ENCAP, INT",
            "275, 4, PNPIPE_INITSTATE, BOOL",
            "276, 5, RDS_RECVERR, BOOL",
            "276, 8, SO_RDS_TRANSPORT, INT",
            "276, 29, SO_TIMESTAMP, BOOL",
            "276, 63, SO_TIMESTAMP_NEW, BOOL",
            "277, 128, SO_IPRMDATA_MSG, BOOL",
            "277, 4096, SO_MSGLIMIT, INT",
            "256, 1, IPX_TYPE, INT",
            "257, 1, AX25_WINDOW, UINT",
            "257, 7, AX25_EXTSEQ, BOOL",
            "257, 25, SO_BINDTODEVICE, STRING",
            "259, 1, NETROM_T1, UINT",
            "259, 7, NETROM_IDLE, UINT",
            "260, 1, ROSE_DEFER, BOOL",
            "260, 7, ROSE_HOLDBACK, UINT",
            "101, 1, CAN_RAW_FILTER, BYTES",
            "101, 2, CAN_RAW_ERR_FILTER, UINT",
            "101, 3, CAN_RAW_LOOPBACK, BOOL",
            "101, 8, CAN_RAW_XL_VCID_OPTS, BYTES",
            "106, 3, CAN_ISOTP_TX_STMIN, UINT",
            "107, 3, SO_J1939_SEND_PRIO, INT",
            "136, 1, UDP_CORK, BOOL",
            "136, 10, UDPLITE_SEND_CSCOV, INT",
            "136, 11, UDPLITE_RECV_CSCOV, INT",
            "136, 103, UDP_SEGMENT, INT",
            "262, 1, X25_QBITINCL, BOOL",
            "264, 1107296260, SO_SETCLP, BOOL",
            "264, 1107427412, SO_ATMQOS, BYTES",
            "264, 1107492904, SO_ATMSAP, BYTES",
            "264, 1107623940, SO_MULTIPOINT, INT",
            "265, 1107427412, SO_ATMQOS, BYTES",
            "285, 1, MCTP_OPT_ADDR_EXT, BOOL",
            "286, 1, SMC_LIMIT_HS, BOOL",
    })
    void findsByLevelAndOptname(int level, int optname, String name, ValueType type) {
        assertEquals(new SockOption(level, optname, name, type), table.find(level, optname).orElseThrow());
    }

    @Test
    void optnameOneMeansDifferentOptionsPerLevel() {
        assertEquals("IP_TOS", table.find(0, 1).orElseThrow().name());
        assertEquals("SO_DEBUG", table.find(1, 1).orElseThrow().name());
        assertEquals("TCP_NODELAY", table.find(6, 1).orElseThrow().name());
        assertEquals("UDP_CORK", table.find(17, 1).orElseThrow().name());
        assertEquals("IPV6_ADDRFORM", table.find(41, 1).orElseThrow().name());
        assertEquals("NETLINK_ADD_MEMBERSHIP", table.find(270, 1).orElseThrow().name());
        assertEquals("PACKET_ADD_MEMBERSHIP", table.find(263, 1).orElseThrow().name());
        assertEquals("TLS_TX", table.find(282, 1).orElseThrow().name());
        assertEquals("SCTP_NODELAY", table.find(132, 3).orElseThrow().name());
        assertEquals("SCTP_DELAYED_ACK_TIME", table.byName("SCTP_DELAYED_SACK").get(0).name());
    }

    @Test
    void unknownOptionsAreEmpty() {
        assertTrue(table.find(6, 9999).isEmpty());
        assertTrue(table.find(1, 54).isEmpty(), "SCM_TIMESTAMPING_OPT_STATS is a cmsg type, not an option");
        assertTrue(table.find(132, 99).isEmpty(), "a gap in sctp.h's numbering (37 to 100) stays a number");
        assertTrue(table.find(263, 4).isEmpty(), "a gap in if_packet.h's numbering stays a number");
        assertTrue(table.find(282, 5).isEmpty(), "TLS_TX_MAX_PAYLOAD_LEN is 6.19, after the tables' 6.18");
        assertTrue(table.find(271, 1).isEmpty(), "TIPC options start at 127");
        assertTrue(table.find(274, 18).isEmpty(), "18 is not a BT_* option");
        assertTrue(table.find(276, 10000).isEmpty(), "RDS_INFO_* are getsockopt only and not listed");
        assertTrue(table.find(-1, 1).isEmpty());
        assertTrue(table.find(1, -1).isEmpty());
    }

    /** The by-number look-up every event makes finds exactly the listed options, and nothing anywhere else. */
    @Test
    void lookUpByNumberMatchesTheList() {
        java.util.Map<Long, SockOption> listed = new java.util.HashMap<>();
        table.all().forEach(o -> listed.put(((long) o.level() << 32) | o.optname(), o));
        for (int level = -3; level <= 400; level++) {
            for (int optname = -3; optname <= 300; optname++) {
                SockOption want = level < 0 || optname < 0 ? null : listed.get(((long) level << 32) | optname);
                assertSame(want, table.option(level, optname), level + "/" + optname);
            }
        }
        assertNull(table.option(Integer.MIN_VALUE, 1));
        assertNull(table.option(1, Integer.MAX_VALUE));
        assertEquals("SOL_VSOCK", table.levelName(287));
        assertEquals("SOL_CAN_RAW", table.levelName(101));
        assertEquals("SOL_AX25", table.levelName(257));
        assertEquals("SOL_ATALK", table.levelName(258));   // named, with no options (AppleTalk has none)
        assertTrue(table.find(258, 1).isEmpty());
        for (int noTable : new int[] {261, 266, 267}) {   // DECnet and IrDA were removed; NetBEUI never existed
            assertTrue(table.levelName(noTable) != null && table.find(noTable, 1).isEmpty(), "level " + noTable);
        }
        // SOL_ATM's numbers are computed (__SO_ENCODE) and far beyond the by-number arrays: found by key instead.
        assertEquals("SO_SETCLP", table.option(264, 0x42000004).name());
        assertNull(table.option(264, 0x42010002), "SO_CIRANGE: no setsockopt handler takes it");
        assertNull(table.option(264, 0x42040000 | 12), "SO_ATMPVC is getsockopt only");
        assertNull(table.option(265, 0x42030028), "SO_ATMSAP needs level SOL_ATM");
        assertNull(table.option(6, 0x42000004));
        assertEquals("SOL_ROSE", table.levelName(260));
        assertNull(table.levelName(288));
        assertNull(table.levelName(-1));
        assertNull(table.levelName(2));
    }

    @Test
    void coversEveryLevelTable() {
        assertTrue(table.all().stream().filter(o -> o.level() == 1).count() >= 80);
        assertTrue(table.all().stream().filter(o -> o.level() == 6).count() >= 40);
        assertTrue(table.all().stream().filter(o -> o.level() == 0).count() >= 45);
        assertTrue(table.all().stream().filter(o -> o.level() == 41).count() >= 60);
        assertEquals(6, table.all().stream().filter(o -> o.level() == 17).count());
        assertEquals(8, table.all().stream().filter(o -> o.level() == 136).count());
        assertEquals(4, table.all().stream().filter(o -> o.level() == 264).count());
        assertEquals(12, table.all().stream().filter(o -> o.level() == 270).count());
        assertEquals(23, table.all().stream().filter(o -> o.level() == 263).count());
        assertEquals(4, table.all().stream().filter(o -> o.level() == 282).count());
        assertEquals(7, table.all().stream().filter(o -> o.level() == 279).count());
        assertEquals(12, table.all().stream().filter(o -> o.level() == 271).count());
        assertEquals(9, table.all().stream().filter(o -> o.level() == 283).count());
        assertEquals(4, table.all().stream().filter(o -> o.level() == 284).count());
        Set<String> keys = new HashSet<>();
        for (SockOption o : table.all()) {
            assertTrue(keys.add(o.level() + "/" + o.optname()), "duplicate " + o);
            assertTrue(table.levelName(o.level()) != null, "level without a name: " + o);
        }
        assertThrows(UnsupportedOperationException.class, () -> table.all().clear());
    }

    /** Secrets redacts by number: each of those numbers must be a raw (BYTES) option, never a decoded int. */
    @Test
    void secretBearingOptionsAreBytes() {
        List<String> secret = table.all().stream().filter(o -> Secrets.secretFrom(o.level(), o.optname()) >= 0)
                .peek(o -> assertEquals(ValueType.BYTES, o.type(), o.toString())).map(SockOption::name).toList();
        assertTrue(secret.containsAll(List.of("TCP_MD5SIG", "TLS_TX", "TLS_RX", "ALG_SET_KEY",
                "ALG_SET_DRBG_ENTROPY")), secret.toString());
    }

    @Test
    void byNameIsExactAndCaseInsensitive() {
        assertEquals(List.of(new SockOption(6, 1, "TCP_NODELAY", ValueType.BOOL)), table.byName("TCP_NODELAY"));
        assertEquals(table.byName("TCP_NODELAY"), table.byName("tcp_nodelay"));
        assertTrue(table.byName("TCP_NODELA").isEmpty());
        assertTrue(table.byName("NODELAY").isEmpty());
        assertTrue(table.byName("").isEmpty());
        assertTrue(table.byName(null).isEmpty());
    }

    @Test
    void byNameFindsAliasesAndEveryLevel() {
        assertEquals("SO_RCVTIMEO", table.byName("SO_RCVTIMEO_OLD").get(0).name());   // strace's and the header's name
        assertEquals(36, table.byName("TCP_CM_INQ").get(0).optname());
        assertEquals(20, table.byName("IPV6_JOIN_GROUP").get(0).optname());
        assertEquals(6, table.byName("SO_VM_SOCKETS_CONNECT_TIMEOUT").get(0).optname());
        List<SockOption> join = table.byName("MCAST_JOIN_GROUP");
        assertEquals(List.of(0, 41), join.stream().map(SockOption::level).toList());
        assertTrue(join.stream().allMatch(o -> o.optname() == 42));
    }

    @Test
    void levelNames() {
        assertEquals("SOL_IP", table.levelName(0));
        assertEquals("SOL_SOCKET", table.levelName(1));
        assertEquals("SOL_TCP", table.levelName(6));
        assertEquals("SOL_UDP", table.levelName(17));
        assertEquals("SOL_IPV6", table.levelName(41));
        assertEquals("SOL_ICMPV6", table.levelName(58));
        assertEquals("SOL_SCTP", table.levelName(132));
        assertEquals("SOL_UDPLITE", table.levelName(136));
        assertEquals("SOL_RAW", table.levelName(255));
        assertEquals("SOL_PACKET", table.levelName(263));
        assertEquals("SOL_TLS", table.levelName(282));
        assertEquals("SOL_MPTCP", table.levelName(284));
        assertNull(table.levelName(2));
        assertNull(table.levelName(-1));
        assertTrue(table.levelNames().containsAll(List.of("SOL_IP", "SOL_SOCKET", "SOL_TCP", "SOL_UDP", "SOL_IPV6")));
        assertEquals("SOL_IP", table.levelNames().iterator().next(), "in level-number order");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "SOL_TCP, 6", "sol_tcp, 6", "tcp, 6", "TCP, 6", "IPPROTO_TCP, 6", "ipproto_tcp, 6", "6, 6", "' tcp ', 6",
            "SOL_IP, 0", "ip, 0", "IPPROTO_IP, 0", "0, 0",
            "SOL_SOCKET, 1", "socket, 1", "1, 1",
            "SOL_UDP, 17", "udp, 17", "IPPROTO_UDP, 17",
            "SOL_IPV6, 41", "ipv6, 41", "IPPROTO_IPV6, 41",
            "SOL_MPTCP, 284", "mptcp, 284", "packet, 263", "IPPROTO_RAW, 255",
            "SOL_NETLINK, 270", "netlink, 270", "SOL_TLS, 282", "SOL_ALG, 279", "SOL_XDP, 283", "SOL_TIPC, 271",
            "IPPROTO_ICMPV6, 58", "SOL_RAW, 255",
            "999, 999",
    })
    void levelNumberAcceptsNamesAliasesAndNumbers(String name, int number) {
        assertEquals(OptionalInt.of(number), table.levelNumber(name));
    }

    @ParameterizedTest
    @CsvSource({"SOL_NOPE", "tcpx", "IPPROTO_MPTCP", "-1", "99999999999", "0x6", "''"})
    void levelNumberIsEmptyWhenUnknown(String name) {
        assertTrue(table.levelNumber(name).isEmpty(), name);
    }

    @Test
    void levelNumberOfNullIsEmpty() {
        assertTrue(table.levelNumber(null).isEmpty());
    }
}
