package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;

/** -o and --level words reach every level with a table, not only the five IP-family ones. */
class OptionNamesTest {

    private final OptionTable table = OptionTable.standard();

    @ParameterizedTest(name = "-o {0} = ({1},{2})")
    @CsvSource({"NETLINK_EXT_ACK, 270, 11", "netlink_ext_ack, 270, 11", "PACKET_VERSION, 263, 10",
            "ICMP_FILTER, 255, 1", "ICMPV6_FILTER, 58, 1", "TLS_TX, 282, 1", "ALG_SET_KEY, 279, 1",
            "TIPC_NODELAY, 271, 138", "XDP_RX_RING, 283, 2", "MPTCP_INFO, 284, 1", "TCP_NODELAY, 6, 1",
            "RDS_RECVERR, 276, 5", "BT_DEFER_SETUP, 274, 7", "CAN_RAW_FD_FRAMES, 101, 5", "SO_MSGLIMIT, 277, 4096",
            "PNPIPE_HANDLE, 275, 3", "AX25_PACLEN, 257, 10", "SO_J1939_PROMISC, 107, 2",
            "UDPLITE_SEND_CSCOV, 136, 10", "udplite_recv_cscov, 136, 11", "X25_QBITINCL, 262, 1",
            "SO_MULTIPOINT, 264, 1107623940", "MCTP_OPT_ADDR_EXT, 285, 1", "SMC_LIMIT_HS, 286, 1"})
    void optionNamesOfEveryTable(String name, int level, int optname) {
        Set<SockOption> found = OptionNames.resolve(table, List.of(name));
        assertEquals(Set.of(table.find(level, optname).orElseThrow()), found);
    }

    @ParameterizedTest(name = "--level {0} = {1}")
    @CsvSource({"SOL_NETLINK, 270", "netlink, 270", "SOL_PACKET, 263", "SOL_RAW, 255", "IPPROTO_ICMPV6, 58",
            "SOL_TLS, 282", "SOL_ALG, 279", "SOL_TIPC, 271", "SOL_XDP, 283", "SOL_MPTCP, 284",
            "SOL_BLUETOOTH, 274", "rds, 276", "SOL_CAN_RAW, 101", "can_j1939, 107", "SOL_IPX, 256", "ax25, 257",
            "SOL_UDPLITE, 136", "IPPROTO_UDPLITE, 136", "x25, 262", "SOL_ATM, 264", "aal, 265", "SOL_MCTP, 285",
            "smc, 286"})
    void levelNamesOfEveryTable(String name, int level) {
        assertEquals(Set.of(level), OptionNames.resolveLevels(table, List.of(name)));
    }

    @Test
    void unknownNamesAreUsageErrors() {
        UserException e = assertThrows(UserException.class,
                () -> OptionNames.resolve(table, List.of("NETLINK_EXT_ACKK")));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertThrows(UserException.class, () -> OptionNames.resolveLevels(table, List.of("SOL_NETLINKK")));
    }

    @Test
    void unknownLevelHintListsTheLevelsFromTheData() {
        UserException e = assertThrows(UserException.class,
                () -> OptionNames.resolveLevels(table, List.of("SOL_BOGUS")));
        String m = e.getMessage();
        for (String name : List.of("SOL_SOCKET", "SOL_TCP", "SOL_LLC", "SOL_PPPOL2TP", "SOL_VSOCK")) {
            assertTrue(m.contains(name), name + " missing from: " + m);
        }
        assertTrue(!m.contains("\n"), "not one line: " + m);
        assertFalse(m.contains("did you mean"), "nothing is close to BOGUS: " + m);
    }

    @Test
    void aNearMissIsOfferedFirst() {
        UserException e = assertThrows(UserException.class, () -> OptionNames.resolveLevels(table, List.of("SOL_TPC")));
        assertTrue(e.getMessage().startsWith("unknown level 'SOL_TPC' (did you mean SOL_TCP or SOL_TIPC? use a number or one of"),
                e.getMessage());
        assertEquals(List.of("SOL_NETROM"), OptionNames.closeTo("netrm", table.levelNames()));
        assertEquals(List.of("SOL_UDP", "SOL_RDS"), OptionNames.closeTo("SOL_UDS", table.levelNames()));
        assertEquals(List.of(), OptionNames.closeTo("SOL_", table.levelNames()));
    }
}
