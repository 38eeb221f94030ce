package sockwatch.snapshot;

import java.util.Arrays;
import sockwatch.decode.Endpoints;
import sockwatch.output.Printable;

/**
 * Formats the raw sockaddr bytes of getsockname/getpeername: "127.0.0.1:8080", "[::1]:8080" (RFC 5952 text,
 * "%N" for a scope id), a unix path (through {@link Printable}: paths are hostile bytes), "@name" for an abstract
 * unix name, "" for an unnamed unix socket, "portid:N" for netlink and "ifindex:N" for packet sockets.
 */
public final class SockAddr {
    private SockAddr() {
    }

    public static String format(byte[] b) {
        if (b == null || b.length < 2) {
            return b == null ? null : "";
        }
        int family = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        switch (family) {
            case Libc.AF_INET:
                if (b.length >= 8) {
                    return Endpoints.of(Arrays.copyOfRange(b, 4, 8), port(b));
                }
                break;
            case Libc.AF_INET6:
                if (b.length >= 24) {
                    int scope = b.length >= 28 ? le32(b, 24) : 0;
                    return "[" + Endpoints.ipv6(Arrays.copyOfRange(b, 8, 24))
                            + (scope != 0 ? "%" + Integer.toUnsignedString(scope) : "") + "]:" + port(b);
                }
                break;
            case Libc.AF_UNIX:
                return unix(b);
            case Libc.AF_NETLINK:
                if (b.length >= 12) {
                    int groups = le32(b, 8);
                    return "portid:" + Integer.toUnsignedString(le32(b, 4))
                            + (groups != 0 ? " groups:0x" + Integer.toHexString(groups) : "");
                }
                break;
            case Libc.AF_PACKET:
                if (b.length >= 8) {
                    return "ifindex:" + le32(b, 4) + " proto:0x" + String.format("%04x", port(b));
                }
                break;
            default:
                break;
        }
        return "af" + family;
    }

    /** Pathname up to the first NUL; abstract names (leading NUL) as "@" plus every byte of the name. */
    private static String unix(byte[] b) {
        if (b.length == 2) {
            return "";
        }
        if (b[2] == 0) {
            return "@" + Printable.of(Arrays.copyOfRange(b, 3, b.length));
        }
        int end = 2;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return Printable.of(Arrays.copyOfRange(b, 2, end));
    }

    private static int port(byte[] b) {
        return (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
