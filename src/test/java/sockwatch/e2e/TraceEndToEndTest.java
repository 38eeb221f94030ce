package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/** The whole trace path on the real kernel, as root, with bpftrace: what a sysadmin would run. */
class TraceEndToEndTest {
    /** Sets options of every value type at every level, then one that fails; prints its PID on stderr. */
    static final String PYTHON_CLIENT = String.join("\n",
            "import os, socket, struct, sys",
            "sys.stderr.write('pid %d\\n' % os.getpid())",
            "s = socket.socket()",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x10)",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 5))",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('qq', 2, 500000))",
            "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b'reno')",
            "try:",
            "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b'nosuch')",
            "except OSError:",
            "    pass");

    @BeforeEach
    void needsBpftrace() {
        Capabilities.requireBpftrace();
    }

    private static List<JsonObject> jsonLines(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .toList();
    }

    private static JsonObject find(List<JsonObject> events, String option) {
        return events.stream().filter(e -> !e.get("option").isJsonNull() && e.get("option").getAsString().equals(option))
                .findFirst().orElseThrow(() -> new AssertionError("no " + option + " event in " + events));
    }

    @Test
    void selfCheckPassesWithTheJavaTestApp() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(180, "self-check");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("PASS: bpftrace saw the Java test app"), r.stdout());
    }

    @Test
    void selfCheckPassesWithTheJythonTestApp() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(240, "self-check", "--jython");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("PASS: bpftrace saw the Jython test app"), r.stdout());
    }

    @Test
    void selfCheckAllPrintsATableOfEveryMode() throws Exception {
        Capabilities.requireStrace();
        SockwatchRun.Result r = SockwatchRun.run(300, "self-check", "--all");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        for (String mode : List.of("bpftrace", "strace", "snapshot")) {
            assertTrue(r.stdout().lines().anyMatch(l -> l.matches("\\s+" + mode + "\\s+PASS\\s+.*")), r.stdout());
        }
        assertTrue(r.stdout().contains("snapshot read TCP_NODELAY=1 (changed) on fd"), r.stdout());
    }

    @Test
    void launchModeSeesEveryCallLevelCorrectlyFromTheFirstSyscall() throws Exception {
        Capabilities.requireTool("python3");
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", "python3", "-c", PYTHON_CLIENT);
        assertEquals(0, r.exit(), r.stderr());
        int pid = Integer.parseInt(r.stderr().lines().filter(l -> l.startsWith("pid ")).findFirst()
                .orElseThrow().substring(4));
        List<JsonObject> events = jsonLines(r.stdout());
        assertEquals(8, events.size(), r.stdout());
        for (JsonObject e : events) {
            assertEquals(pid, e.get("pid").getAsInt());
            assertEquals("python3", e.get("comm").getAsString());
            assertEquals("bpftrace", e.get("backend").getAsString());
        }
        JsonObject nodelay = find(events, "TCP_NODELAY");
        assertEquals("SOL_TCP", nodelay.get("level").getAsString());
        assertEquals(1, nodelay.get("value").getAsInt());
        JsonObject tos = find(events, "IP_TOS");
        assertEquals("SOL_IP", tos.get("level").getAsString());
        assertEquals(0, tos.get("level_num").getAsInt());
        assertEquals(1, tos.get("optname").getAsInt());
        assertEquals(16, tos.get("value").getAsInt());
        assertEquals("SOL_SOCKET", find(events, "SO_KEEPALIVE").get("level").getAsString());
        assertEquals(60, find(events, "TCP_KEEPIDLE").get("value").getAsInt());
        JsonObject linger = find(events, "SO_LINGER").getAsJsonObject("value");
        assertEquals(1, linger.get("onoff").getAsInt());
        assertEquals(5, linger.get("linger").getAsInt());
        JsonObject timeo = find(events, "SO_RCVTIMEO").getAsJsonObject("value");
        assertEquals(2, timeo.get("sec").getAsInt());
        assertEquals(500000, timeo.get("usec").getAsInt());
        List<JsonObject> congestion = events.stream().filter(e -> "TCP_CONGESTION".equals(e.get("option").getAsString()))
                .toList();
        assertEquals("reno", congestion.get(0).get("value").getAsString());
        assertTrue(congestion.get(0).get("ok").getAsBoolean());
        assertEquals("nosuch", congestion.get(1).get("value").getAsString());
        assertEquals("ENOENT", congestion.get(1).get("errno").getAsString());
        assertFalse(congestion.get(1).get("ok").getAsBoolean());
        assertTrue(r.stderr().contains("Summary: 8 events, 1 process"), r.stderr());
        assertTrue(r.stderr().contains("TCP_CONGESTION (SOL_TCP)"), r.stderr());
    }

    @Test
    void optionAndLevelFiltersKeepOnlyWhatWasAsked() throws Exception {
        Capabilities.requireTool("python3");
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "-o", "IP_TOS", "-o", "tcp_keepidle", "--",
                "python3", "-c", PYTHON_CLIENT);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("IP_TOS", "TCP_KEEPIDLE"),
                jsonLines(r.stdout()).stream().map(e -> e.get("option").getAsString()).toList());
        SockwatchRun.Result byLevel = SockwatchRun.run(120, "--json", "--level", "SOL_SOCKET", "--",
                "python3", "-c", PYTHON_CLIENT);
        assertEquals(List.of("SO_KEEPALIVE", "SO_LINGER", "SO_RCVTIMEO"),
                jsonLines(byLevel.stdout()).stream().map(e -> e.get("option").getAsString()).toList());
    }

    @Test
    void tcpFilterDropsUdpAndUnixSockets() throws Exception {
        Capabilities.requireTool("python3");
        String script = "import socket\n"
                + "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)\n"
                + "x = socket.socket(socket.AF_UNIX); x.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)\n"
                + "t = socket.socket(); t.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n";
        SockwatchRun.Result all = SockwatchRun.run(120, "--json", "--", "python3", "-c", script);
        List<JsonObject> allEvents = jsonLines(all.stdout());
        assertEquals(List.of("udp", "stream", "tcp"), allEvents.stream().map(e -> e.get("proto").getAsString()).toList());
        assertEquals("unix", allEvents.get(1).get("family").getAsString());
        SockwatchRun.Result tcp = SockwatchRun.run(120, "--json", "--tcp", "--", "python3", "-c", script);
        assertEquals(List.of("TCP_NODELAY"),
                jsonLines(tcp.stdout()).stream().map(e -> e.get("option").getAsString()).toList());
    }

    /** Odd lengths and a bad pointer: decoded where the kernel accepts them, shown raw or as unreadable otherwise. */
    @Test
    void oddValueLengthsAreShownHonestly() throws Exception {
        Capabilities.requireTool("python3");
        String script = String.join("\n",
                "import socket, ctypes",
                "libc = ctypes.CDLL(None)",
                "s = socket.socket()",
                "buf = ctypes.create_string_buffer(b'\\x01' * 1024, 1024)",
                "for n in (0, 1, 3, 1024):",
                "    libc.setsockopt(s.fileno(), 6, 1, buf, n)",
                "libc.setsockopt(s.fileno(), 6, 1, ctypes.c_void_p(16), 4)");
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", "python3", "-c", script);
        List<JsonObject> e = jsonLines(r.stdout());
        assertEquals(5, e.size(), r.stdout());
        assertEquals(List.of(0, 1, 3, 1024, 4), e.stream().map(o -> o.get("optlen").getAsInt()).toList());
        assertTrue(e.get(0).get("value").isJsonNull());
        assertEquals("EINVAL", e.get(0).get("errno").getAsString());
        assertEquals("0x01", e.get(1).get("value").getAsString());
        assertEquals("0x010101", e.get(2).get("value").getAsString());
        assertEquals(0x01010101, e.get(3).get("value").getAsInt(), "the kernel reads the first int of a long value");
        assertTrue(e.get(3).get("truncated").getAsBoolean());
        assertEquals(128, e.get(3).get("raw").getAsString().length(), "64 bytes captured of 1024");
        assertTrue(e.get(4).get("value").isJsonNull(), "EFAULT: no value claimed");
        assertEquals("EFAULT", e.get(4).get("errno").getAsString());
        SockwatchRun.Result text = SockwatchRun.run(120, "--", "python3", "-c", script);
        assertTrue(text.stdout().contains("is setting socket option TCP_NODELAY (SOL_TCP) to an unreadable address on fd"),
                text.stdout());
    }

    /** In a private mount namespace without tracefs, sockwatch mounts it itself and says so. */
    @Test
    void mountsTracefsWhenItIsMissing() throws Exception {
        Capabilities.requireTool("unshare");
        List<String> sw = SockwatchRun.javaCommand("sockwatch.cli.Main", "--duration", "1", "-o", "TCP_NODELAY");
        String shell = "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null; "
                + "test -e /sys/kernel/tracing/events && exit 99; exec \"$@\"";
        List<String> cmd = new java.util.ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                shell, "sh"));
        cmd.addAll(sw);
        Process p = new ProcessBuilder(cmd).start();
        SockwatchRun.Result r = SockwatchRun.finish(p, 60);
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().startsWith("sockwatch: mounted tracefs at /sys/kernel/tracing (it was not mounted)"),
                r.stderr());
    }

    @Test
    void launchedCommandsExitStatusIsPassedOn() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(60, "--", "sh", "-c", "exit 7");
        assertEquals(7, r.exit(), r.stderr());
    }

    /** curl (not ours) sets TCP_NODELAY and TCP keepalive by default: check sockwatch sees exactly that. */
    @Test
    void realProgramCurlIsDecodedCorrectly() throws Exception {
        Capabilities.requireTool("curl");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> {
                try (Socket c = server.accept(); OutputStream out = c.getOutputStream()) {
                    c.getInputStream().read(new byte[4096]);
                    out.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on curl's side
                }
            });
            responder.start();
            SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", "curl", "-s", "-o", "/dev/null",
                    "http://127.0.0.1:" + server.getLocalPort() + "/");
            responder.join(10_000);
            assertEquals(0, r.exit(), r.stderr());
            List<JsonObject> events = jsonLines(r.stdout());
            assertTrue(events.stream().allMatch(e -> e.get("comm").getAsString().equals("curl")), r.stdout());
            assertEquals(1, find(events, "TCP_NODELAY").get("value").getAsInt());
            assertEquals(1, find(events, "SO_KEEPALIVE").get("value").getAsInt());
            assertEquals(60, find(events, "TCP_KEEPIDLE").get("value").getAsInt());
            assertEquals(60, find(events, "TCP_KEEPINTVL").get("value").getAsInt());
            assertTrue(events.stream().allMatch(e -> e.get("ok").getAsBoolean()), r.stdout());
            JsonObject nodelay = find(events, "TCP_NODELAY");
            assertEquals("inet", nodelay.get("family").getAsString());
            assertEquals("tcp", nodelay.get("proto").getAsString());
            // curl sets its options between socket() and connect(): the kernel's view is an unbound TCP socket.
            assertEquals("CLOSE", nodelay.get("state").getAsString());
            assertTrue(nodelay.get("local").isJsonNull() && nodelay.get("remote").isJsonNull(), nodelay.toString());
        }
    }

    /** -p watches one running process and nothing else, for as long as --duration says. */
    @Test
    void pidFilterSeesOnlyThatProcess() throws Exception {
        Capabilities.requireTool("python3");
        String loop = "import socket, time\ns = socket.socket()\nfor i in range(600):\n"
                + "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n    time.sleep(0.05)\n";
        Process watched = new ProcessBuilder("python3", "-c", loop).start();
        Process other = new ProcessBuilder("python3", "-c", loop).start();
        try {
            SockwatchRun.Result r = SockwatchRun.run(60, "--json", "--duration", "3", "-p",
                    Long.toString(watched.pid()));
            assertEquals(0, r.exit(), r.stderr());
            List<JsonObject> events = jsonLines(r.stdout());
            assertTrue(events.size() >= 10, "saw " + events.size() + " calls in 3 s: " + r.stderr());
            assertTrue(events.stream().allMatch(e -> e.get("pid").getAsLong() == watched.pid()), r.stdout());
            assertTrue(r.stderr().contains("Watching setsockopt calls of PID " + watched.pid() + " 'python3'"),
                    r.stderr());
            assertTrue(watched.isAlive() && other.isAlive(), "watched programs are unharmed");
        } finally {
            watched.destroy();
            other.destroy();
            watched.waitFor(5, TimeUnit.SECONDS);
            other.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void watchingAPidEndsWhenItExitsWithItsLastCallShown() throws Exception {
        // Toggles TCP_NODELAY until told to stop on stdin, then makes one last, different call and exits.
        String loop = "import socket, sys, threading, time\ns = socket.socket()\nstop = threading.Event()\n"
                + "threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()\n"
                + "i = 0\nwhile not stop.is_set():\n    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n"
                + "    i += 1\n    time.sleep(0.02)\ns.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 77)\n";
        Process watched = new ProcessBuilder("python3", "-c", loop).start();
        Process sw = SockwatchRun.start("--json", "-p", Long.toString(watched.pid()));
        try {
            java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return new String(sw.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            return "";
                        }
                    });
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(sw.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.contains("TCP_NODELAY"), "armed and seeing the loop: " + first);
            try (OutputStream stdin = watched.getOutputStream()) {
                stdin.write('\n');
            }
            assertTrue(watched.waitFor(10, TimeUnit.SECONDS), "the watched program ended");
            List<String> rest = out.lines().toList(); // ends only when sockwatch does
            assertTrue(sw.waitFor(10, TimeUnit.SECONDS), "sockwatch ended by itself after the watched PID exited");
            assertEquals(0, sw.exitValue(), err.join());
            assertTrue(err.join().contains("sockwatch: PID " + watched.pid() + " has exited"), err.join());
            assertTrue(err.join().contains("Ends when it and its descendants have exited, or Ctrl-C."), err.join());
            List<JsonObject> events = jsonLines(String.join("\n", rest));
            JsonObject last = events.get(events.size() - 1);
            assertEquals("TCP_KEEPIDLE", last.get("option").getAsString(), "the last call is shown: " + last);
            assertEquals(77, last.get("value").getAsInt(), last.toString());
        } finally {
            sw.destroyForcibly();
            watched.destroyForcibly();
            sw.waitFor(5, TimeUnit.SECONDS);
            watched.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
