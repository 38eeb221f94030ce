package sockwatch.probe.strace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import sockwatch.event.SocketContext;

/**
 * Turns what strace -yy printed for a call's fd into the socket as it was at that call, and says nothing it
 * cannot know:
 * <ul>
 *   <li>Family, type and protocol come from strace's name for it; endpoints from its sock_diag details.</li>
 *   <li>The TCP state is never printed by -yy and is left unknown: one read from /proc after the call can
 *       always be a later one (listen() or the end of a handshake changes no endpoint -yy shows).</li>
 *   <li>A TCP or UDP socket sock_diag did not find ({@code TCP:[INODE]}) is not bound: unbound ones are in no
 *       table it dumps, bound ones are (TCP: Linux 6.8 added only-bound sockets to the dump; before it such a
 *       socket is not bound, or bound and idle, so its endpoints are unknown).</li>
 *   <li>strace caches a socket's details by inode (1024 slots, by the inode's low bits) and prints the cached
 *       text until another socket takes the slot: a socket bound, then connected, keeps showing the bound text
 *       (seen here with strace 6.1). Its inet details name no inode, so a text printed before may be such an
 *       old copy; it is believed only if /proc, read now, shows the fd's socket with the same endpoints
 *       (endpoints only ever grow: none, then local, then remote), else the endpoints are unknown.</li>
 *   <li>Otherwise /proc is asked only by the inode strace printed, never by fd: for a unix socket's type (the
 *       kernel calls datagram and seqpacket ones both "UNIX") or a {@code socket:[N]}'s kind, which never
 *       change, so a reused fd number cannot bring in another socket's.</li>
 * </ul>
 * Not thread-safe: the parser's one reader thread calls it.
 */
final class StraceSockets {
    /** /proc's view of a socket by inode, now (see ProcSockets#byInode); tests pass a table or nothing. */
    interface ProcView {
        Optional<SocketContext> byInode(int pid, long inode, int family, int protocol);

        /** The inode of the socket fd is now, if it is one. */
        OptionalLong fdInode(int pid, int fd);

        ProcView NONE = new ProcView() {
            @Override
            public Optional<SocketContext> byInode(int pid, long inode, int family, int protocol) {
                return Optional.empty();
            }

            @Override
            public OptionalLong fdInode(int pid, int fd) {
                return OptionalLong.empty();
            }
        };
    }

    private static final int TCP_CLOSE = 7;
    private static final int KINDS_KEPT = 4096;
    /**
     * Inet details texts printed so far. strace's cache has 1024 slots, so a text it still holds after 65536
     * other look-ups is beyond likely (about e^-64); forgetting older ones bounds the memory.
     */
    private static final int TEXTS_KEPT = 1 << 16;

    private final ProcView proc;
    private final boolean dumpsBoundTcp;
    private final Map<String, Boolean> printed = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > TEXTS_KEPT;
        }
    };
    /** Kinds read from /proc for an inode (they never change): unix types, socket:[N]s. */
    private final Map<Long, SocketContext> kinds = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, SocketContext> eldest) {
            return size() > KINDS_KEPT;
        }
    };

    /** @param dumpsBoundTcp the kernel's sock_diag lists only-bound TCP sockets (Linux 6.8 and later) */
    StraceSockets(ProcView proc, boolean dumpsBoundTcp) {
        this.proc = proc;
        this.dumpsBoundTcp = dumpsBoundTcp;
    }

    /** The socket fd of process pid was at the call, from what -yy printed for it. */
    SocketContext at(int pid, int fd, YySocket s) {
        return switch (s.kind()) {
            case NOT_A_SOCKET -> SocketContext.NOT_A_SOCKET;
            case UNNAMED -> s.inode() < 0 ? SocketContext.SOME_SOCKET : kind(pid, s.inode(), -1, 0)
                    .orElse(SocketContext.SOME_SOCKET);
            case AMBIGUOUS -> kindOnly(s.family(), s.type(), s.protocol());
            case INODE_ONLY -> inodeOnly(pid, s);
            case DETAILS -> details(pid, fd, s);
        };
    }

    private SocketContext inodeOnly(int pid, YySocket s) {
        if (s.family() == SocketContext.AF_UNIX) {
            return unix(pid, s);
        }
        boolean tcp = s.protocol() == SocketContext.IPPROTO_TCP && s.type() == 1;
        boolean udp = s.protocol() == 17;
        if (udp || tcp && dumpsBoundTcp) {
            return new SocketContext(s.family(), s.type(), s.protocol(), TCP_CLOSE, null, null);
        }
        return kindOnly(s.family(), s.type(), s.protocol());
    }

    private SocketContext details(int pid, int fd, YySocket s) {
        if (s.family() == SocketContext.AF_UNIX) {
            return unix(pid, s);
        }
        if (!s.isInetDetails()) {
            return kindOnly(s.family(), s.type(), s.protocol());
        }
        // Non-TCP inet sockets carry the CLOSE state as /proc's tables give them; TCP's is unknown (see above).
        int state = s.protocol() == SocketContext.IPPROTO_TCP ? SocketContext.STATE_UNKNOWN : TCP_CLOSE;
        SocketContext shown = new SocketContext(s.family(), s.type(), s.protocol(), state, s.local(), s.remote());
        if (printed.put(s.text(), Boolean.TRUE) == null) {
            return shown;   // never printed before: strace looked it up for this call
        }
        // Maybe strace's cached copy. The fd's socket now, by the inode its link names now: a socket that took
        // the fd number since has other endpoints (two sockets never share both), so it cannot vouch for them.
        OptionalLong inode = proc.fdInode(pid, fd);
        Optional<SocketContext> now = inode.isPresent()
                ? proc.byInode(pid, inode.getAsLong(), s.family(), s.protocol()) : Optional.empty();
        boolean same = now.isPresent() && Objects.equals(now.get().local(), s.local())
                && Objects.equals(now.get().remote(), s.remote());
        return same ? shown : kindOnly(s.family(), s.type(), s.protocol());
    }

    private SocketContext unix(int pid, YySocket s) {
        if (s.type() != 0) {
            return kindOnly(s.family(), s.type(), 0);
        }
        return kind(pid, s.inode(), SocketContext.AF_UNIX, 0).orElse(kindOnly(s.family(), 0, 0));
    }

    /** The kind of the socket with this inode, from /proc (kept: it never changes). */
    private Optional<SocketContext> kind(int pid, long inode, int family, int protocol) {
        SocketContext known = kinds.get(inode);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<SocketContext> found = proc.byInode(pid, inode, family, protocol)
                .map(c -> kindOnly(c.family(), c.type(), c.protocol()));
        found.ifPresent(c -> kinds.put(inode, c));
        return found;
    }

    /** Family, type and protocol; state and endpoints unknown. */
    private static SocketContext kindOnly(int family, int type, int protocol) {
        return new SocketContext(family, type, protocol, SocketContext.STATE_UNKNOWN, null, null);
    }
}
