package sockwatch.snapshot;

import java.util.Map;

/**
 * What socket(2) made: family, type and protocol, as SO_DOMAIN, SO_TYPE and SO_PROTOCOL report them. A fresh
 * socket with the same three numbers is the baseline for "changed".
 */
public record SocketKind(int family, int type, int protocol) {
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_SEQPACKET = 5;

    private static final Map<Integer, String> FAMILIES = Map.of(Libc.AF_UNIX, "unix", Libc.AF_INET, "inet",
            Libc.AF_INET6, "inet6", Libc.AF_NETLINK, "netlink", Libc.AF_PACKET, "packet", 40, "vsock", 38, "alg",
            44, "xdp", 30, "tipc", 41, "kcm");
    private static final Map<Integer, String> TYPES = Map.of(SOCK_STREAM, "stream", SOCK_DGRAM, "dgram",
            SOCK_RAW, "raw", 4, "rdm", SOCK_SEQPACKET, "seqpacket", 6, "dccp", 10, "packet");
    private static final Map<Integer, String> IP_PROTOCOLS = Map.of(6, "tcp", 17, "udp", 136, "udplite",
            262, "mptcp", 132, "sctp", 1, "icmp", 58, "icmpv6");
    private static final Map<Integer, String> NETLINK = Map.of(0, "route", 4, "sock_diag", 6, "xfrm",
            9, "audit", 12, "netfilter", 15, "uevent", 16, "generic");

    public boolean ip() {
        return family == Libc.AF_INET || family == Libc.AF_INET6;
    }

    public boolean tcp() {
        return ip() && protocol == 6 && type == SOCK_STREAM;
    }

    /** "inet", "inet6", "unix", ... or "af42" for a family without a name here. */
    public String familyName() {
        return FAMILIES.getOrDefault(family, "af" + family);
    }

    public String typeName() {
        return TYPES.getOrDefault(type, "type" + type);
    }

    /**
     * One word for the PROTO column: the IP protocol for inet sockets ("raw" for SOCK_RAW), the socket type for
     * unix sockets, the netlink family for netlink sockets.
     */
    public String protoName() {
        if (ip()) {
            if (type == SOCK_RAW) {
                return "raw";
            }
            return IP_PROTOCOLS.getOrDefault(protocol, "proto" + protocol);
        }
        if (family == Libc.AF_UNIX || family == Libc.AF_PACKET) {
            return typeName();
        }
        if (family == Libc.AF_NETLINK) {
            return NETLINK.getOrDefault(protocol, "proto" + protocol);
        }
        return typeName() + (protocol != 0 ? "/" + protocol : "");
    }
}
