package sockwatch.event;

/**
 * What the fd of a setsockopt call was at that moment: the socket's family, type, protocol, TCP state and
 * endpoints. Backends fill it where they can see it (bpftrace reads it from the kernel); {@link #UNKNOWN}
 * where they cannot, {@link #NOT_A_SOCKET} when the fd was no socket (or already closed).
 *
 * @param local  "addr:port" ("[addr]:port" for IPv6), or null when not bound
 * @param remote likewise, or null when not connected
 */
public record SocketContext(int family, int type, int protocol, int state, String local, String remote) {
    static final int FAMILY_UNKNOWN = -2;
    static final int FAMILY_NONE = -1;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int IPPROTO_TCP = 6;

    public static final SocketContext UNKNOWN = new SocketContext(FAMILY_UNKNOWN, 0, 0, 0, null, null);
    public static final SocketContext NOT_A_SOCKET = new SocketContext(FAMILY_NONE, 0, 0, 0, null, null);

    public boolean known() {
        return family != FAMILY_UNKNOWN;
    }

    public boolean isSocket() {
        return family >= 0;
    }

    public boolean isInet() {
        return family == AF_INET || family == AF_INET6;
    }

    public boolean isTcp() {
        return isInet() && protocol == IPPROTO_TCP;
    }
}
