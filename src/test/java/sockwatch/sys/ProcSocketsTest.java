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
import sockwatch.support.Capabilities;

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

    /**
     * A stream of events reuses a socket's context for a short while (reading the tables for every call of a busy
     * program made strace wait on sockwatch), but never across sockets: when the fd number is taken over by
     * another socket (here python's dup2 onto it, at once, well inside the reuse window), the new socket is looked
     * up afresh, because the fd's link (its inode) is read every time.
     */
    @Test
    void recentContextsAreReusedPerSocketNeverAcrossAReusedFd() throws Exception {
        Capabilities.requireTool("python3");
        String script = String.join("\n",
                "import os, socket, sys",
                "a = socket.socket(); a.bind(('127.0.0.1', 0)); a.listen()",
                "print(a.fileno(), a.getsockname()[1], flush=True)",
                "sys.stdin.readline()",
                "b = socket.socket(); b.bind(('127.0.0.1', 0)); b.listen()",
                "os.dup2(b.fileno(), a.fileno())",
                "print(b.getsockname()[1], flush=True)",
                "sys.stdin.readline()");
        Process p = new ProcessBuilder("python3", "-c", script).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
             var in = new java.io.PrintWriter(p.getOutputStream(), true)) {
            int pid = (int) p.pid();
            String[] first = out.readLine().split(" ");
            int fd = Integer.parseInt(first[0]);
            SocketContext a = ProcSockets.resolveRecent(pid, fd);
            assertTrue(a.local().endsWith(":" + first[1]), a.local());
            assertTrue(a == ProcSockets.resolveRecent(pid, fd), "reused within the window");
            in.println();
            String second = out.readLine();
            SocketContext b = ProcSockets.resolveRecent(pid, fd);
            assertTrue(b.local().endsWith(":" + second),
                    "the new socket on fd " + fd + " (port " + second + "), not the old one: " + b.local());
            in.println();
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    @Test
    void nonSocketsAndClosedFds() throws Exception {
        assertEquals(SocketContext.NOT_A_SOCKET, ProcSockets.resolve(SELF, fileFd()));
        assertEquals(SocketContext.UNKNOWN, ProcSockets.resolve(SELF, 987654));
        assertEquals(SocketContext.UNKNOWN, ProcSockets.resolve(999999999, 3));
    }
}
