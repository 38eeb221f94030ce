package sockwatch.decode;

import sockwatch.event.SocketContext;

/**
 * Names for a socket's family, protocol and TCP state, as ss and netstat print them (tcp, udp6, unix ...).
 * Numbers from include/linux/socket.h, include/uapi/linux/in.h and include/net/tcp_states.h; anything else is
 * shown as its number. These run for every event: the names are switch look-ups, and a "family 42" fallback is
 * only made for a number that has no name.
 */
public final class SocketNames {
    private static final String[] TCP_STATES = {null, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND_INACTIVE"};

    private SocketNames() {
    }

    /** "inet", "inet6", "unix", ... or "family 42"; null when there is no socket or its family is not known. */
    public static String family(SocketContext c) {
        if (!c.familyKnown()) {
            return null;
        }
        String name = switch (c.family()) {
            case 1 -> "unix";
            case 2 -> "inet";
            case 10 -> "inet6";
            case 16 -> "netlink";
            case 17 -> "packet";
            case 40 -> "vsock";
            case 44 -> "xdp";
            default -> null;
        };
        return name != null ? name : "family " + c.family();
    }

    /** "tcp", "udp", "raw" ... for inet sockets; the socket type ("stream", "dgram") otherwise; null if unknown. */
    public static String protocol(SocketContext c) {
        if (!c.familyKnown() || c.type() == 0 && !c.isInet()) {
            return null;
        }
        if (c.isInet()) {
            String name = inetProtocol(c.protocol());
            if (name != null) {
                return name;
            }
            if (c.type() == 3) {
                return "raw";
            }
            if (c.type() == 0) {
                return null;
            }
        }
        String type = switch (c.type()) {
            case 1 -> "stream";
            case 2 -> "dgram";
            case 3 -> "raw";
            case 4 -> "rdm";
            case 5 -> "seqpacket";
            case 6 -> "dccp";
            case 10 -> "packet";
            default -> null;
        };
        return type != null ? type : "type " + c.type();
    }

    private static String inetProtocol(int protocol) {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            case 132 -> "sctp";
            case 136 -> "udplite";
            case 262 -> "mptcp";
            case 255 -> "raw";
            default -> null;
        };
    }

    /** ss's netid: tcp, tcp6, udp, udp6, unix stream, netlink ...; "inet", "unix", "socket" when less is known. */
    public static String netid(SocketContext c) {
        if (!c.familyKnown()) {
            return "socket";
        }
        String protocol = protocol(c);
        if (c.isInet()) {
            String name = protocol != null ? protocol : "inet";
            // icmpv6 names its family already (ss says icmp6 too, never icmpv66)
            return c.family() == SocketContext.AF_INET6 && !name.endsWith("6") ? name.concat("6") : name;
        }
        String family = family(c);
        return c.family() == SocketContext.AF_UNIX && protocol != null ? "unix ".concat(protocol) : family;
    }

    /** TCP state name (LISTEN, ESTABLISHED ...) for TCP sockets; null for others and when not known. */
    public static String tcpState(SocketContext c) {
        if (!c.isTcp() || c.state() == SocketContext.STATE_UNKNOWN) {
            return null;
        }
        int s = c.state();
        return s > 0 && s < TCP_STATES.length ? TCP_STATES[s] : "state " + s;
    }
}
