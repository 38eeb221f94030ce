package sockwatch.probe.strace;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.decode.Endpoints;
import sockwatch.event.SocketContext;

/**
 * What strace -yy printed for an fd, as strace (src/socketutils.c, 6.1 to today) prints it:
 * <ul>
 *   <li>{@code PROTO:[local]} or {@code PROTO:[local->remote]} for an inet socket sock_diag found (bound,
 *       listening or connected; IPv6 in brackets, {@code [::1]:5000}), {@code PROTO:[INODE]} when it found none
 *       (not bound, or no diag module for it);</li>
 *   <li>{@code UNIX:[INODE]}, {@code UNIX-STREAM:[INODE->PEER,"path"]}, {@code ,@"abstract"}: the kernel names a
 *       unix socket "UNIX-STREAM" or just "UNIX" (datagram and seqpacket alike);</li>
 *   <li>{@code NETLINK:[ROUTE:PORTID]}, or a bare number (an inode, or a protocol strace has no name for);</li>
 *   <li>{@code socket:[INODE]}: a socket strace has no name for (PACKET, MPTCP, UDP-Lite in 6.1), or whose
 *       lookup failed;</li>
 *   <li>anything else (a path, {@code pipe:[N]}, {@code anon_inode:[eventfd]}) is no socket.</li>
 * </ul>
 * Family and protocol follow from the name; the type where the name says it.
 */
record YySocket(Kind kind, String text, int family, int type, int protocol, long inode, String local,
                String remote) {
    enum Kind {
        /** strace named the protocol and printed sock_diag's details: endpoints, or a unix peer or path. */
        DETAILS,
        /** strace named the protocol but printed only the inode: sock_diag found nothing. */
        INODE_ONLY,
        /** netlink's {@code NETLINK:[N]}: an inode or a protocol number, strace does not say which. */
        AMBIGUOUS,
        /** {@code socket:[INODE]}: a socket, of a kind strace did not name. */
        UNNAMED,
        NOT_A_SOCKET
    }

    private record Proto(int family, int type, int protocol) {
    }

    private static final int AF_NETLINK = 16;
    private static final int AF_PACKET = 17;

    /** strace's names (its protocols[] table, and the kernel's sk_prot names it may learn later). */
    private static final Map<String, Proto> PROTOS = Map.ofEntries(
            Map.entry("TCP", new Proto(2, 1, 6)), Map.entry("TCPv6", new Proto(10, 1, 6)),
            Map.entry("UDP", new Proto(2, 2, 17)), Map.entry("UDPv6", new Proto(10, 2, 17)),
            Map.entry("UDPLITE", new Proto(2, 2, 136)), Map.entry("UDPLITEv6", new Proto(10, 2, 136)),
            Map.entry("DCCP", new Proto(2, 6, 33)), Map.entry("DCCPv6", new Proto(10, 6, 33)),
            Map.entry("SCTP", new Proto(2, 0, 132)), Map.entry("SCTPv6", new Proto(10, 0, 132)),
            Map.entry("L2TP/IP", new Proto(2, 2, 115)), Map.entry("L2TP/IPv6", new Proto(10, 2, 115)),
            Map.entry("PING", new Proto(2, 2, 1)), Map.entry("PINGv6", new Proto(10, 2, 58)),
            // a raw socket's own protocol is not in its name: type raw, protocol unknown (0)
            Map.entry("RAW", new Proto(2, 3, 0)), Map.entry("RAWv6", new Proto(10, 3, 0)),
            Map.entry("MPTCP", new Proto(2, 1, 262)), Map.entry("MPTCPv6", new Proto(10, 1, 262)),
            Map.entry("UNIX", new Proto(1, 0, 0)), Map.entry("UNIX-STREAM", new Proto(1, 1, 0)),
            Map.entry("UNIX-DGRAM", new Proto(1, 2, 0)), Map.entry("UNIX-SEQPACKET", new Proto(1, 5, 0)),
            Map.entry("NETLINK", new Proto(AF_NETLINK, 0, 0)), Map.entry("PACKET", new Proto(AF_PACKET, 0, 0)));

    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9/-]+):\\[(.*)\\]");
    private static final Pattern INODE = Pattern.compile("\\d{1,19}");
    /** Unix details: INODE, then ->PEER and/or ,"path" (hex-escaped by -xx) or ,@"abstract". */
    private static final Pattern UNIX = Pattern.compile("(\\d{1,19})(?:->\\d+)?(?:,@?\"(?:\\\\x[0-9a-f]{2})*\")?");
    private static final Pattern NETLINK = Pattern.compile("[A-Z0-9_]+:\\d+");
    private static final Pattern V4 = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");
    private static final Pattern V6 = Pattern.compile("\\[([0-9a-fA-F:.]+)\\]:(\\d{1,5})");

    /** What -yy's text says; NOT_A_SOCKET for a decoration that is no socket strace knows of. */
    static YySocket parse(String decoration) {
        Matcher f = FORM.matcher(decoration);
        if (!f.matches()) {
            return none(decoration);
        }
        String name = f.group(1);
        String inside = f.group(2);
        if (name.equals("socket")) {
            return INODE.matcher(inside).matches()
                    ? new YySocket(Kind.UNNAMED, decoration, -1, 0, 0, Long.parseLong(inside), null, null)
                    : none(decoration);
        }
        Proto p = PROTOS.get(name);
        if (p == null) {
            // "pipe:[N]", "anon_inode:[..]", and names a later strace may add: never guessed as a socket kind
            return name.matches("[A-Z][A-Za-z0-9/-]*") ? new YySocket(Kind.UNNAMED, decoration, -1, 0, 0, -1, null,
                    null) : none(decoration);
        }
        if (INODE.matcher(inside).matches()) {
            Kind k = p.family == AF_NETLINK ? Kind.AMBIGUOUS : Kind.INODE_ONLY;
            return new YySocket(k, decoration, p.family, p.type, p.protocol,
                    k == Kind.INODE_ONLY ? Long.parseLong(inside) : -1, null, null);
        }
        if (p.family == SocketContext.AF_UNIX) {
            Matcher u = UNIX.matcher(inside);
            return u.matches() ? new YySocket(Kind.DETAILS, decoration, p.family, p.type, 0, Long.parseLong(u.group(1)),
                    null, null) : malformedSocket(decoration, p);
        }
        if (p.family == AF_NETLINK) {
            return NETLINK.matcher(inside).matches()
                    ? new YySocket(Kind.DETAILS, decoration, p.family, 0, 0, -1, null, null)
                    : malformedSocket(decoration, p);
        }
        if (p.family != SocketContext.AF_INET && p.family != SocketContext.AF_INET6) {
            return malformedSocket(decoration, p);
        }
        int arrow = inside.indexOf("->");
        String local = endpoint(arrow < 0 ? inside : inside.substring(0, arrow), true);
        String remote = arrow < 0 ? null : endpoint(inside.substring(arrow + 2), false);
        if (local == null && !isAnyEndpoint(arrow < 0 ? inside : inside.substring(0, arrow))
                || arrow >= 0 && remote == null && !isAnyEndpoint(inside.substring(arrow + 2))) {
            return malformedSocket(decoration, p);
        }
        return new YySocket(Kind.DETAILS, decoration, p.family, p.type, p.protocol, -1, local, remote);
    }

    /** A socket whose kind strace named but whose details this parser cannot read: the kind alone. */
    private static YySocket malformedSocket(String decoration, Proto p) {
        return new YySocket(Kind.AMBIGUOUS, decoration, p.family, p.type, p.protocol, -1, null, null);
    }

    private static YySocket none(String decoration) {
        return new YySocket(Kind.NOT_A_SOCKET, decoration, -1, 0, 0, -1, null, null);
    }

    /** True for strace's inet forms with endpoints: the ones its per-inode cache keeps (see StraceSockets). */
    boolean isInetDetails() {
        return kind == Kind.DETAILS && (family == SocketContext.AF_INET || family == SocketContext.AF_INET6);
    }

    /** "0.0.0.0:0" or "[::]:0": an unbound side, which sockwatch shows as none (as /proc and bpftrace do). */
    private static boolean isAnyEndpoint(String s) {
        return s.equals("0.0.0.0:0") || s.equals("[::]:0");
    }

    /** "127.0.0.1:80" or "[::1]:80" in sockwatch's own form; null for an unbound side or text that is neither. */
    static String endpoint(String s, boolean local) {
        Matcher m4 = V4.matcher(s);
        Matcher m6 = V6.matcher(s);
        byte[] addr;
        String port;
        try {
            if (m4.matches()) {
                addr = ipv4(m4.group(1));
                port = m4.group(2);
                if (addr == null) {
                    return null;
                }
            } else if (m6.matches() && m6.group(1).contains(":")) {
                // a literal, so no name look-up; Java gives a v4-mapped one as IPv4, strace's socket is IPv6
                InetAddress a = InetAddress.getByName(m6.group(1));
                addr = a instanceof Inet4Address ? mapped(a.getAddress()) : a.getAddress();
                port = m6.group(2);
            } else {
                return null;
            }
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
        int p = Integer.parseInt(port);
        if (p > 65535 || p == 0 && (!local || isZero(addr))) {
            return null;
        }
        return Endpoints.of(addr, p);
    }

    /** Dotted quad to bytes by hand: InetAddress would look a malformed one up in DNS. */
    private static byte[] ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            a[i] = (byte) v;
        }
        return a;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] a = new byte[16];
        a[10] = (byte) 0xff;
        a[11] = (byte) 0xff;
        System.arraycopy(v4, 0, a, 12, 4);
        return a;
    }

    private static boolean isZero(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
