package sockwatch.decode;

import java.util.Map;
import sockwatch.event.SocketContext;

/**
 * Names for a socket's family, protocol and TCP state, as ss and netstat print them (tcp, udp6, unix ...).
 * Numbers from include/linux/socket.h, include/uapi/linux/in.h and include/net/tcp_states.h; anything else is
 * shown as its number.
 */
public final class SocketNames {
    private static final Map<Integer, String> FAMILIES = Map.of(1, "unix", 2, "inet", 10, "inet6", 16, "netlink",
            17, "packet", 40, "vsock", 44, "xdp");
    private static final Map<Integer, String> INET_PROTOCOLS = Map.of(6, "tcp", 17, "udp", 1, "icmp", 58, "icmpv6",
            132, "sctp", 136, "udplite", 262, "mptcp", 255, "raw");
    private static final Map<Integer, String> TYPES = Map.of(1, "stream", 2, "dgram", 3, "raw", 4, "rdm",
            5, "seqpacket", 6, "dccp", 10, "packet");
    private static final String[] TCP_STATES = {null, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND_INACTIVE"};

    private SocketNames() {
    }

    /** "inet", "inet6", "unix", ... or "family 42"; null when there is no socket. */
    public static String family(SocketContext c) {
        if (!c.isSocket()) {
            return null;
        }
        return FAMILIES.getOrDefault(c.family(), "family " + c.family());
    }

    /** "tcp", "udp", "raw" ... for inet sockets; the socket type ("stream", "dgram") otherwise. */
    public static String protocol(SocketContext c) {
        if (!c.isSocket()) {
            return null;
        }
        if (c.isInet() && INET_PROTOCOLS.containsKey(c.protocol())) {
            return INET_PROTOCOLS.get(c.protocol());
        }
        if (c.isInet() && c.type() == 3) {
            return "raw";
        }
        return TYPES.getOrDefault(c.type(), "type " + c.type());
    }

    /** ss's netid: tcp, tcp6, udp, udp6, unix, netlink ... */
    public static String netid(SocketContext c) {
        if (c.isInet()) {
            return protocol(c) + (c.family() == SocketContext.AF_INET6 ? "6" : "");
        }
        String family = family(c);
        return c.family() == SocketContext.AF_UNIX ? "unix " + protocol(c) : family;
    }

    /** TCP state name (LISTEN, ESTABLISHED ...) for TCP sockets; null for others. */
    public static String tcpState(SocketContext c) {
        if (!c.isTcp()) {
            return null;
        }
        int s = c.state();
        return s > 0 && s < TCP_STATES.length ? TCP_STATES[s] : "state " + s;
    }
}
