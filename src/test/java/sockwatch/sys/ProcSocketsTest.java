package sockwatch.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import sockwatch.event.SocketContext;

class ProcSocketsTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void procNetAddressesAreDecoded() {
        assertEquals("127.0.0.1:8080", ProcSockets.endpoint("0100007F:1F90", true));
        assertNull(ProcSockets.endpoint("00000000:0000", true));
        assertNull(ProcSockets.endpoint("00000000:0000", false));
        assertEquals("0.0.0.0:22", ProcSockets.endpoint("00000000:0016", true));
        assertEquals("[::1]:53", ProcSockets.endpoint("00000000000000000000000001000000:0035", true));
    }

    /** Our own sockets, found through /proc like a strace event's would be. */
    @Test
    void resolvesALiveConnectedSocketAndAListener() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            int listenerPort = server.getLocalPort();
            // The JVM may use dual-stack IPv6 sockets (127.0.0.1 then shows as [::ffff:127.0.0.1]): match ports.
            boolean sawClient = false;
            boolean sawListener = false;
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : fds.toList()) {
                    SocketContext c = ProcSockets.resolve(SELF, Integer.parseInt(fd.getFileName().toString()));
                    if (c.isTcp() && c.local() != null && c.local().endsWith(":" + client.getLocalPort())) {
                        assertTrue(c.remote().contains("127.0.0.1") && c.remote().endsWith(":" + listenerPort),
                                c.remote());
                        assertEquals(1, c.state(), "ESTABLISHED");
                        sawClient = true;
                    }
                    if (c.isTcp() && c.state() == 10 && c.local().endsWith(":" + listenerPort)) {
                        sawListener = true;
                    }
                }
            }
            assertTrue(sawClient, "client socket found");
            assertTrue(sawListener, "listener found");
        }
    }

    /** An fd of ours that is certainly not a socket: the jar or classes dir the JVM opened is enough. */
    private static int fileFd() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("/") && !link.startsWith("/dev/")) {
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                } catch (java.io.IOException e) {
                    // closed meanwhile
                }
            }
        }
        throw new AssertionError("no file fd found");
    }

    /** The fd number of our socket listening on this port, from /proc/self/fd and the tables. */
    private static int listenerFd(int port) throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                int n = Integer.parseInt(fd.getFileName().toString());
                SocketContext c = ProcSockets.resolve(SELF, n);
                if (c.isTcp() && c.state() == 10 && c.local() != null && c.local().endsWith(":" + port)) {
                    return n;
                }
            }
        }
        throw new AssertionError("no listener on port " + port);
    }

    /**
     * A stream of events reuses a socket's context for a short while (reading the tables for every call of a busy
     * program made strace wait on sockwatch), but never across sockets: a new socket that got the closed one's fd
     * number is looked up afresh, because the fd's link (its inode) is read every time.
     */
    @Test
    void recentContextsAreReusedPerSocketNeverAcrossAReusedFd() throws Exception {
        int fd;
        int firstPort;
        try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            firstPort = first.getLocalPort();
            fd = listenerFd(firstPort);
            SocketContext a = ProcSockets.resolveRecent(SELF, fd);
            assertTrue(a.local().endsWith(":" + firstPort), a.local());
            assertTrue(a == ProcSockets.resolveRecent(SELF, fd), "reused within the window");
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket second = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (listenerFd(second.getLocalPort()) != fd) {
                    continue;   // the JVM gave the new socket another fd number: try again
                }
                SocketContext b = ProcSockets.resolveRecent(SELF, fd);
                assertTrue(b.local().endsWith(":" + second.getLocalPort()),
                        "the new socket on fd " + fd + ", not the old one on port " + firstPort + ": " + b.local());
                return;
            }
        }
        throw new AssertionError("no new socket got fd " + fd + " back in 20 tries");
    }

    @Test
    void nonSocketsAndClosedFds() throws Exception {
        assertEquals(SocketContext.NOT_A_SOCKET, ProcSockets.resolve(SELF, fileFd()));
        assertEquals(SocketContext.UNKNOWN, ProcSockets.resolve(SELF, 987654));
        assertEquals(SocketContext.UNKNOWN, ProcSockets.resolve(999999999, 3));
    }
}
