package sockwatch.event;

/**
 * What the fd of a setsockopt call was at that moment: the socket's family, type, protocol, TCP state and
 * endpoints. Backends fill it where they can see it (bpftrace reads it from the kernel); {@link #UNKNOWN}
 * where they cannot, {@link #NOT_A_SOCKET} when the fd was no socket (or already closed), {@link #SOME_SOCKET}
 * for a socket of a kind the backend could not tell.
 *
 * @param type   SOCK_STREAM, SOCK_DGRAM ..., or 0 when not known
 * @param state  the TCP state (an inet socket's, 7 = CLOSE, for the others), or {@link #STATE_UNKNOWN}; an inet
 *               socket with an unknown state and neither endpoint has unknown endpoints too (strace could not
 *               tell them as of the call), see {@link #endpointsKnown()}
 * @param local  "addr:port" ("[addr]:port" for IPv6), or null when not bound
 * @param remote likewise, or null when not connected
 */
public record SocketContext(int family, int type, int protocol, int state, String local, String remote) {
    static final int FAMILY_UNKNOWN = -2;
    static final int FAMILY_NONE = -1;
    static final int FAMILY_SOME_SOCKET = -3;
    /** No socket state is 0 (TCP's start at 1): the backend could not know it as of the call. */
    public static final int STATE_UNKNOWN = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int IPPROTO_TCP = 6;

    public static final SocketContext UNKNOWN = new SocketContext(FAMILY_UNKNOWN, 0, 0, 0, null, null);
    public static final SocketContext NOT_A_SOCKET = new SocketContext(FAMILY_NONE, 0, 0, 0, null, null);
    public static final SocketContext SOME_SOCKET = new SocketContext(FAMILY_SOME_SOCKET, 0, 0, 0, null, null);

    public boolean known() {
        return family != FAMILY_UNKNOWN;
    }

    public boolean isSocket() {
        return family >= 0 || family == FAMILY_SOME_SOCKET;
    }

    /** A socket, but of which family is not known. */
    public boolean familyKnown() {
        return family >= 0;
    }

    /** Whether local and remote say what the socket's endpoints were (for an inet socket; see the state). */
    public boolean endpointsKnown() {
        return !isInet() || state != STATE_UNKNOWN || local != null || remote != null;
    }

    public boolean isInet() {
        return family == AF_INET || family == AF_INET6;
    }

    public boolean isTcp() {
        return isInet() && protocol == IPPROTO_TCP;
    }
}
