package sockwatch.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import sockwatch.decode.Endpoints;
import sockwatch.event.SocketContext;

/**
 * Finds what an fd of a live process is, from /proc: the fd's link gives the socket inode, and the
 * process's net namespace tables (/proc/PID/net/tcp, udp6, unix ...) give family, protocol, state and
 * endpoints. For backends that cannot look inside the kernel (strace); answers UNKNOWN when the process or the
 * socket is already gone, NOT_A_SOCKET when the fd is something else.
 */
public final class ProcSockets {
    private record Table(String file, int family, int protocol, int type) {
    }

    private static final List<Table> INET_TABLES = List.of(
            new Table("tcp", SocketContext.AF_INET, 6, 1), new Table("tcp6", SocketContext.AF_INET6, 6, 1),
            new Table("udp", SocketContext.AF_INET, 17, 2), new Table("udp6", SocketContext.AF_INET6, 17, 2),
            new Table("udplite", SocketContext.AF_INET, 136, 2), new Table("udplite6", SocketContext.AF_INET6, 136, 2),
            new Table("raw", SocketContext.AF_INET, 255, 3), new Table("raw6", SocketContext.AF_INET6, 255, 3));

    /** How long a socket's context read from the tables is reused for further calls on that socket. */
    static final long FRESH_NANOS = 200_000_000L;
    private static final int CACHED_SOCKETS = 4096;

    private record Seen(SocketContext context, long atNanos) {
    }

    /** Socket inode (unique across the system and its namespaces) to its last context read from the tables. */
    private static final Map<String, Seen> RECENT = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > CACHED_SOCKETS;
        }
    };

    private ProcSockets() {
    }

    /** What the fd is now, read from the tables every time. */
    public static SocketContext resolve(int pid, int fd) {
        return resolve(pid, fd, false);
    }

    /**
     * The same, for a stream of events: a socket's context read in the last 200 ms is reused. Reading the tables
     * takes a millisecond or more on a busy machine; doing it for every call of a program that sets options in a
     * loop slowed the reading of strace's output so far that strace, and with it the traced program, waited on
     * it (7 ms per call instead of 25 us: on a machine with a large TCP hash table every read of /proc/net/tcp
     * walks all of it). The fd's link is still read every time, so a new socket on a reused fd
     * number is never mistaken for the old one.
     */
    public static SocketContext resolveRecent(int pid, int fd) {
        return resolve(pid, fd, true);
    }

    private static SocketContext resolve(int pid, int fd, boolean reuseRecent) {
        String link;
        try {
            link = Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "fd", Integer.toString(fd))).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return SocketContext.UNKNOWN;
        }
        if (!link.startsWith("socket:[")) {
            return SocketContext.NOT_A_SOCKET;
        }
        String inode = link.substring("socket:[".length(), link.length() - 1);
        if (!reuseRecent) {
            return readTables(pid, inode);
        }
        long now = System.nanoTime();
        synchronized (RECENT) {
            Seen seen = RECENT.get(inode);
            if (seen != null && now - seen.atNanos < FRESH_NANOS) {
                return seen.context;
            }
        }
        // Kept also when the tables do not list it (a socket not yet bound or connected is in none of them), as
        // such sockets are exactly the ones a program configures in a loop, and a miss costs a full scan.
        SocketContext context = readTables(pid, inode);
        synchronized (RECENT) {
            RECENT.put(inode, new Seen(context, now));
        }
        return context;
    }

    /**
     * The socket with this inode in PID's net namespace tables, now: only the tables for this family and
     * protocol (family -1: every table). Empty when no table lists it (a TCP socket only bound is in none) or
     * the process is gone. For strace's -yy, which names the inode the call was made on: looked up by inode, a
     * reused fd number can never bring in another socket.
     */
    public static Optional<SocketContext> byInode(int pid, long inode, int family, int protocol) {
        Path net = Path.of("/proc", Integer.toString(pid), "net");
        String id = Long.toString(inode);
        if (family == SocketContext.AF_UNIX || family == -1) {
            SocketContext unix = findUnix(net.resolve("unix"), id);
            if (unix != null || family != -1) {
                return Optional.ofNullable(unix);
            }
        }
        for (Table t : INET_TABLES) {
            if (family == -1 || t.family == family && (t.protocol == protocol || t.protocol == 255 && protocol == 0)) {
                SocketContext found = findInet(net.resolve(t.file), t, id);
                if (found != null) {
                    return Optional.of(found);
                }
            }
        }
        return Optional.empty();
    }

    /** The inode of the socket the fd is now, from its link; empty when it is none or cannot be read. */
    public static OptionalLong fdInode(int pid, int fd) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "fd", Integer.toString(fd)))
                    .toString();
            return link.startsWith("socket:[") && link.endsWith("]")
                    ? OptionalLong.of(Long.parseLong(link, "socket:[".length(), link.length() - 1, 10))
                    : OptionalLong.empty();
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static SocketContext readTables(int pid, String inode) {
        Path net = Path.of("/proc", Integer.toString(pid), "net");
        for (Table t : INET_TABLES) {
            SocketContext found = findInet(net.resolve(t.file), t, inode);
            if (found != null) {
                return found;
            }
        }
        SocketContext unix = findUnix(net.resolve("unix"), inode);
        return unix != null ? unix : SocketContext.UNKNOWN;
    }

    /** Lines: "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...". */
    private static SocketContext findInet(Path table, Table t, String inode) {
        for (String line : lines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[9].equals(inode)) {
                int state = Integer.parseInt(f[3], 16);
                String local = endpoint(f[1], true);
                String remote = endpoint(f[2], false);
                return new SocketContext(t.family, t.type, t.protocol, t.protocol == 6 ? state : 7, local, remote);
            }
        }
        return null;
    }

    /** Lines: "Num RefCount Protocol Flags Type St Inode Path". */
    private static SocketContext findUnix(Path table, String inode) {
        for (String line : lines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 6 && f[6].equals(inode)) {
                return new SocketContext(SocketContext.AF_UNIX, Integer.parseInt(f[4], 16), 0, 0, null, null);
            }
        }
        return null;
    }

    /** "0100007F:1F90": the address as the kernel's u32 words printed in host order (little-endian here). */
    static String endpoint(String hex, boolean local) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        byte[] addr = new byte[parts[0].length() / 2];
        for (int w = 0; w < addr.length / 4; w++) {
            long word = Long.parseLong(parts[0].substring(w * 8, w * 8 + 8), 16);
            for (int k = 0; k < 4; k++) {
                addr[w * 4 + k] = (byte) (word >> (8 * k));
            }
        }
        if (port == 0 && (local ? Endpoints.isAny(addr) : true)) {
            return null;
        }
        return Endpoints.of(addr, port);
    }

    private static List<String> lines(Path p) {
        try {
            List<String> all = Files.readAllLines(p);
            return all.isEmpty() ? all : all.subList(1, all.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
