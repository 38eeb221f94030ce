package sockwatch.snapshot;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import sockwatch.decode.SockOption;

/**
 * Reads options, kind, state and addresses of one socket fd in this process (a duplicate of the target's, or a
 * fresh probe socket) with getsockopt/getsockname/getpeername. Reads only: every getsockopt here is free of side
 * effects, and the few that are not are refused by {@link #forbidden}. Not thread-safe (it reuses its buffers).
 */
final class SockoptReader {
    static final int SOL_SOCKET = 1;
    static final int SOL_TCP = 6;
    static final int ENOTSOCK = 88;

    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_PROTOCOL = 38;
    private static final int SO_DOMAIN = 39;
    private static final int TCP_INFO = 11;
    /** Big enough for every value in options.tsv (the largest is a 16-byte timeval or name). */
    static final int VALUE_MAX = 64;
    /** sizeof(struct sockaddr_storage) */
    private static final int ADDR_MAX = 128;

    /**
     * (level, optname) pairs whose getsockopt changes something: SO_ERROR clears the pending error, SO_COOKIE
     * assigns a cookie, SO_PEERPIDFD makes an fd, TCP_SAVED_SYN frees the saved SYN, TCP_ZEROCOPY_RECEIVE receives
     * data; IP_PKTOPTIONS/IPV6_2292PKTOPTIONS and the key dumps are not ours to read either.
     */
    private static final Set<Long> FORBIDDEN = Set.of(key(SOL_SOCKET, 4), key(SOL_SOCKET, 57), key(SOL_SOCKET, 77),
            key(SOL_TCP, 28), key(SOL_TCP, 35), key(SOL_TCP, 33), key(SOL_TCP, 41), key(0, 9), key(41, 6));

    private final Memory value = new Memory(VALUE_MAX);
    private final Memory length = new Memory(4);
    private final Memory addr = new Memory(ADDR_MAX);
    private final long valuePtr = Pointer.nativeValue(value);
    private final long lengthPtr = Pointer.nativeValue(length);
    private final long addrPtr = Pointer.nativeValue(addr);
    private int lastErrno;

    static boolean forbidden(SockOption o) {
        return FORBIDDEN.contains(key(o.level(), o.optname()));
    }

    /** The value bytes the kernel returned (exactly optlen of them), or null if this socket has no such option. */
    byte[] read(int fd, SockOption o) {
        byte[] b = new byte[VALUE_MAX];
        int n = readInto(fd, o, b, 0);
        return n < 0 ? null : Arrays.copyOf(b, n);
    }

    /**
     * Like {@link #read}, into {@code dst} at {@code offset} (which must have room for {@link #VALUE_MAX} bytes):
     * the number of bytes, or -1 if this socket has no such option.
     */
    int readInto(int fd, SockOption o, byte[] dst, int offset) {
        if (forbidden(o)) {
            throw new IllegalArgumentException(o.name() + " is never read: reading it has side effects");
        }
        length.setInt(0, VALUE_MAX);
        if (Libc.getsockopt(fd, o.level(), o.optname(), valuePtr, lengthPtr) != 0) {
            lastErrno = Libc.errno();
            return -1;
        }
        int n = Math.max(0, Math.min(length.getInt(0), VALUE_MAX));
        value.read(0, dst, offset, n);
        return n;
    }

    /** The errno of the last failed call. */
    int lastErrno() {
        return lastErrno;
    }

    /** Family, type and protocol; null with lastErrno set (ENOTSOCK: the fd is no socket). */
    SocketKind kind(int fd) {
        Integer family = intOpt(fd, SOL_SOCKET, SO_DOMAIN);
        if (family == null) {
            return null;
        }
        Integer type = intOpt(fd, SOL_SOCKET, SO_TYPE);
        Integer proto = intOpt(fd, SOL_SOCKET, SO_PROTOCOL);
        return type == null || proto == null ? null : new SocketKind(family, type, proto);
    }

    /** TCP: the kernel's state name from TCP_INFO's first byte. Others: LISTEN, CONNECTED or UNCONNECTED. */
    String state(int fd, SocketKind kind, boolean hasPeer) {
        if (kind.tcp()) {
            byte[] info = get(fd, SOL_TCP, TCP_INFO, 8);
            if (info != null && info.length >= 1) {
                return TcpStates.name(info[0] & 0xff);
            }
        }
        Integer listening = intOpt(fd, SOL_SOCKET, SO_ACCEPTCONN);
        if (listening != null && listening != 0) {
            return "LISTEN";
        }
        return hasPeer ? "CONNECTED" : "UNCONNECTED";
    }

    /** The socket inode of an fd of ours, from its /proc/self/fd link; -1 if unreadable. */
    long inode(int fd) {
        long n = Libc.readlink("/proc/self/fd/" + fd, addrPtr, ADDR_MAX);
        if (n <= 0) {
            return -1;
        }
        return SocketFds.socketInode(new String(addr.getByteArray(0, (int) n), StandardCharsets.US_ASCII)).orElse(-1);
    }

    /** getsockname's address bytes, or null. */
    byte[] localAddress(int fd) {
        return address(fd, true);
    }

    /** getpeername's address bytes, or null when not connected. */
    byte[] remoteAddress(int fd) {
        return address(fd, false);
    }

    private byte[] address(int fd, boolean local) {
        length.setInt(0, ADDR_MAX);
        int r = local ? Libc.getsockname(fd, addrPtr, lengthPtr) : Libc.getpeername(fd, addrPtr, lengthPtr);
        if (r != 0) {
            lastErrno = Libc.errno();
            return null;
        }
        return addr.getByteArray(0, Math.min(length.getInt(0), ADDR_MAX));
    }

    private Integer intOpt(int fd, int level, int optname) {
        byte[] b = get(fd, level, optname, 4);
        if (b == null || b.length < 4) {
            return null;
        }
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private byte[] get(int fd, int level, int optname, int max) {
        length.setInt(0, max);
        if (Libc.getsockopt(fd, level, optname, valuePtr, lengthPtr) != 0) {
            lastErrno = Libc.errno();
            return null;
        }
        int n = length.getInt(0);
        return n <= 0 ? new byte[0] : value.getByteArray(0, Math.min(n, max));
    }

    private static long key(int level, int optname) {
        return ((long) level << 32) | (optname & 0xffffffffL);
    }

    /** include/net/tcp_states.h */
    static final class TcpStates {
        private static final String[] NAMES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
                "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV",
                "BOUND_INACTIVE"};

        private TcpStates() {
        }

        static String name(int state) {
            return state > 0 && state < NAMES.length ? NAMES[state] : "TCP_STATE_" + state;
        }
    }
}
