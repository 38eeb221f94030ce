package sockwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sockwatch.event.SocketContext;

/**
 * The switch-based names give what the first, map-based version gave, numbers without a name included (and type 0,
 * which no socket has, as not known).
 */
class SocketNamesTest {
    private static final Map<Integer, String> FAMILIES = Map.of(1, "unix", 2, "inet", 10, "inet6", 16, "netlink",
            17, "packet", 40, "vsock", 44, "xdp");
    private static final Map<Integer, String> INET_PROTOCOLS = Map.of(6, "tcp", 17, "udp", 1, "icmp", 58, "icmpv6",
            132, "sctp", 136, "udplite", 262, "mptcp", 255, "raw");
    private static final Map<Integer, String> TYPES = Map.of(1, "stream", 2, "dgram", 3, "raw", 4, "rdm",
            5, "seqpacket", 6, "dccp", 10, "packet");

    private static String family(SocketContext c) {
        return !c.isSocket() ? null : FAMILIES.getOrDefault(c.family(), "family " + c.family());
    }

    private static String protocol(SocketContext c) {
        if (!c.isSocket()) {
            return null;
        }
        if (c.isInet() && INET_PROTOCOLS.containsKey(c.protocol())) {
            return INET_PROTOCOLS.get(c.protocol());
        }
        if (c.isInet() && c.type() == 3) {
            return "raw";
        }
        if (c.type() == 0) {
            return null;   // no socket has type 0: a backend that could not tell (strace's "UNIX")
        }
        return TYPES.getOrDefault(c.type(), "type " + c.type());
    }

    @Test
    void namesMatchTheMapBasedVersion() {
        int[] families = {-2, -1, 0, 1, 2, 3, 9, 10, 11, 16, 17, 40, 44, 45, 65535};
        for (int family : families) {
            for (int type = 0; type <= 12; type++) {
                for (int protocol = 0; protocol <= 300; protocol++) {
                    SocketContext c = new SocketContext(family, type, protocol, 1, null, null);
                    assertEquals(family(c), SocketNames.family(c), c::toString);
                    assertEquals(protocol(c), SocketNames.protocol(c), c::toString);
                }
            }
        }
        assertEquals("family 42", SocketNames.family(new SocketContext(42, 1, 0, 0, null, null)));
        assertEquals("type 11", SocketNames.protocol(new SocketContext(1, 11, 0, 0, null, null)));
        assertEquals("tcp6", SocketNames.netid(new SocketContext(10, 1, 6, 10, null, null)));
        assertEquals("unix dgram", SocketNames.netid(new SocketContext(1, 2, 0, 0, null, null)));
        assertEquals("LISTEN", SocketNames.tcpState(new SocketContext(2, 1, 6, 10, null, null)));
        assertEquals(null, SocketNames.tcpState(new SocketContext(2, 1, 6, SocketContext.STATE_UNKNOWN, null, null)));
        assertEquals("state 99", SocketNames.tcpState(new SocketContext(2, 1, 6, 99, null, null)));
    }
}
