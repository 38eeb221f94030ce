package sockwatch.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.decode.OptionTable;
import sockwatch.decode.SockOption;
import sockwatch.snapshot.OptionPlan.Planned;
import sockwatch.snapshot.OptionPlan.Rule;
import sockwatch.snapshot.SocketSnapshot.Mark;

/** options.tsv (what is read from which socket) and the rules that mark values changed, default or auto. */
class OptionPlanTest {
    static final SocketKind TCP4 = new SocketKind(2, 1, 6);
    static final SocketKind TCP6 = new SocketKind(10, 1, 6);
    static final SocketKind UDP4 = new SocketKind(2, 2, 17);
    static final SocketKind UDP6 = new SocketKind(10, 2, 17);
    static final SocketKind UNIX_STREAM = new SocketKind(1, 1, 0);

    private static List<String> names(SocketKind kind) {
        return OptionPlan.standard().forKind(kind).stream().map(p -> p.option().name()).toList();
    }

    @Test
    void eachKindGetsItsOptions() {
        assertTrue(names(TCP4).containsAll(List.of("SO_KEEPALIVE", "SO_REUSEADDR", "SO_LINGER", "SO_SNDBUF",
                "SO_RCVTIMEO", "SO_PRIORITY", "SO_MARK", "SO_BINDTODEVICE", "IP_TOS", "TCP_NODELAY", "TCP_CORK",
                "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_MAXSEG", "TCP_CONGESTION", "TCP_USER_TIMEOUT",
                "TCP_NOTSENT_LOWAT", "TCP_DEFER_ACCEPT", "TCP_FASTOPEN", "TCP_WINDOW_CLAMP", "TCP_QUICKACK")));
        assertTrue(names(TCP6).containsAll(List.of("IPV6_V6ONLY", "IPV6_TCLASS", "TCP_NODELAY", "IP_TOS")));
        assertFalse(names(TCP4).contains("IPV6_V6ONLY"));
        assertFalse(names(TCP4).contains("UDP_CORK"));
        assertTrue(names(UDP4).containsAll(List.of("UDP_CORK", "UDP_GRO", "IP_MULTICAST_TTL", "SO_BROADCAST")));
        assertFalse(names(UDP4).contains("TCP_NODELAY"));
        assertTrue(names(UDP6).contains("IPV6_MULTICAST_HOPS"));
        assertTrue(names(UNIX_STREAM).containsAll(List.of("SO_PASSCRED", "SO_SNDBUF")));
        assertFalse(names(UNIX_STREAM).stream().anyMatch(n -> n.startsWith("IP") || n.startsWith("TCP_")));
    }

    @Test
    void namesComeFromTheTraceTablesAndNothingWithSideEffectsIsListed() {
        OptionTable table = OptionTable.standard();
        for (Planned p : OptionPlan.standard().all()) {
            assertEquals(p.option(), table.find(p.option().level(), p.option().optname()).orElseThrow());
            assertFalse(SockoptReader.forbidden(p.option()), p.toString());
        }
        for (String never : List.of("SO_ERROR", "SO_COOKIE", "SO_PEERPIDFD", "TCP_SAVED_SYN", "TCP_ZEROCOPY_RECEIVE")) {
            SockOption o = table.byName(never).get(0);
            assertTrue(SockoptReader.forbidden(o), never);
            assertThrows(IllegalArgumentException.class, () -> new SockoptReader().read(-1, o), never);
        }
    }

    @Test
    void aPlanThatListsSoErrorDoesNotLoad() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> load("any/any\tSOL_SOCKET\tSO_ERROR\texact\n"));
        assertTrue(e.getMessage().contains("SO_ERROR has side effects when read"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> load("any/any\tSOL_SOCKET\tSO_NOPE\texact\n"));
        assertThrows(IllegalStateException.class, () -> load("mars/any\tSOL_SOCKET\tSO_DEBUG\texact\n"));
        assertThrows(IllegalStateException.class, () -> load("any/any\tSOL_SOCKET\tSO_DEBUG\tmaybe\n"));
        assertThrows(IllegalStateException.class, () -> load("any/any\tSOL_SOCKET\tSO_DEBUG\n"));
        assertEquals(Rule.BUFFER, load("# c\n\nany/any\tSOL_SOCKET\tSO_SNDBUF\tbuffer:1\n").all().get(0).rule());
    }

    private static OptionPlan load(String text) {
        return OptionPlan.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.tsv",
                OptionTable.standard());
    }

    private static Planned planned(String name) {
        return OptionPlan.standard().all().stream().filter(p -> p.option().name().equals(name)).findFirst().orElseThrow();
    }

    private static byte[] i(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    @Test
    void exactComparesWithTheFreshSocket() {
        Planned nodelay = planned("TCP_NODELAY");
        assertEquals(Mark.CHANGED, ChangeRules.mark(nodelay, i(1), i(0), "ESTABLISHED", 0));
        assertEquals(Mark.DEFAULT, ChangeRules.mark(nodelay, i(0), i(0), "ESTABLISHED", 0));
        assertEquals(Mark.UNKNOWN, ChangeRules.mark(nodelay, i(1), null, "ESTABLISHED", 0));
    }

    @Test
    void connectionDerivedValuesAreComparedOnlyBeforeAConnection() {
        Planned mss = planned("TCP_MAXSEG");
        assertEquals(Mark.AUTO, ChangeRules.mark(mss, i(32741), i(536), "ESTABLISHED", 0));
        assertEquals(Mark.AUTO, ChangeRules.mark(mss, i(536), i(536), "SYN_SENT", 0));
        assertEquals(Mark.CHANGED, ChangeRules.mark(mss, i(1200), i(536), "LISTEN", 0));
        assertEquals(Mark.DEFAULT, ChangeRules.mark(mss, i(536), i(536), "CLOSE", 0));
        assertEquals(Mark.AUTO, ChangeRules.mark(planned("TCP_QUICKACK"), i(0), i(1), "LISTEN", 0));
    }

    @Test
    void buffersAreChangedWhenLockedAndAutoWhenTuned() {
        Planned snd = planned("SO_SNDBUF");
        Planned rcv = planned("SO_RCVBUF");
        assertEquals(Mark.CHANGED, ChangeRules.mark(snd, i(8192), i(16384), "ESTABLISHED", 1));
        assertEquals(Mark.CHANGED, ChangeRules.mark(snd, i(16384), i(16384), "ESTABLISHED", 1), "set to the default");
        assertEquals(Mark.AUTO, ChangeRules.mark(snd, i(3939840), i(16384), "ESTABLISHED", 2));
        assertEquals(Mark.CHANGED, ChangeRules.mark(rcv, i(4096), i(131072), "ESTABLISHED", 2));
        assertEquals(Mark.DEFAULT, ChangeRules.mark(rcv, i(131072), i(131072), "ESTABLISHED", 0));
        assertEquals(Mark.AUTO, ChangeRules.mark(rcv, i(4096), i(131072), "ESTABLISHED", null), "before Linux 5.14");
    }

    @Test
    void kindsHaveNames() {
        assertEquals("inet/stream/tcp", TCP4.familyName() + "/" + TCP4.typeName() + "/" + TCP4.protoName());
        assertEquals("inet6/dgram/udp", UDP6.familyName() + "/" + UDP6.typeName() + "/" + UDP6.protoName());
        assertEquals("unix/stream/stream", UNIX_STREAM.familyName() + "/" + UNIX_STREAM.typeName() + "/"
                + UNIX_STREAM.protoName());
        assertEquals("raw", new SocketKind(2, 3, 1).protoName());
        assertEquals("icmp", new SocketKind(2, 2, 1).protoName(), "ping socket");
        assertEquals("route", new SocketKind(16, 3, 0).protoName());
        assertEquals("af99", new SocketKind(99, 1, 0).familyName());
    }
}
