package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import sockwatch.support.ProcFs;
import sockwatch.support.SockwatchRun;

/** The strace backend on the real kernel, as root: the same checks as with bpftrace, and the same answers. */
class StraceEndToEndTest {
    /** Every JSON field but the ones that differ between two runs of one program (pid is checked on its own). */
    private static final List<String> SAME_FIELDS = List.of("comm", "fd", "level", "level_num", "option", "optname",
            "value", "raw", "optlen", "truncated", "ret", "errno", "ok");

    @BeforeEach
    void needsStrace() {
        Capabilities.requireStrace();
    }

    private static List<JsonObject> jsonLines(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .toList();
    }

    private static JsonObject find(List<JsonObject> events, String option) {
        return events.stream()
                .filter(e -> !e.get("option").isJsonNull() && e.get("option").getAsString().equals(option)).findFirst().orElseThrow(() -> new AssertionError("no " + option + " event in " + events));
    }

    private static int printedPid(SockwatchRun.Result r) {
        return Integer.parseInt(r.stderr().lines().filter(l -> l.startsWith("pid ")).findFirst()
                .orElseThrow(() -> new AssertionError("no pid line: " + r.stderr())).substring(4));
    }

    @Test
    void selfCheckPassesWithTheJavaTestApp() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(180, "self-check", "--backend", "strace");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("PASS: strace saw the Java test app"), r.stdout());
    }

    @Test
    void selfCheckPassesWithTheJythonTestApp() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(240, "self-check", "--jython", "--backend", "strace");
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("PASS: strace saw the Jython test app"), r.stdout());
    }

    /** One program, both backends: every call with the same option, level, bytes, value and result. */
    @Test
    void launchModeGivesTheSameEventsAsBpftrace() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
        SockwatchRun.Result strace = SockwatchRun.run(120, "--backend", "strace", "--json", "--", "python3", "-c",
                TraceEndToEndTest.PYTHON_CLIENT);
        SockwatchRun.Result bpftrace = SockwatchRun.run(120, "--backend", "bpftrace", "--json", "--", "python3", "-c",
                TraceEndToEndTest.PYTHON_CLIENT);
        assertEquals(0, strace.exit(), strace.stderr());
        assertEquals(0, bpftrace.exit(), bpftrace.stderr());
        List<JsonObject> s = jsonLines(strace.stdout());
        List<JsonObject> b = jsonLines(bpftrace.stdout());
        assertEquals(8, s.size(), strace.stdout());
        assertEquals(b.size(), s.size(), "strace:\n" + strace.stdout() + "bpftrace:\n" + bpftrace.stdout());
        for (int i = 0; i < s.size(); i++) {
            for (String field : SAME_FIELDS) {
                assertEquals(b.get(i).get(field), s.get(i).get(field), "event " + i + " field " + field + ":\n"
                        + s.get(i) + "\n" + b.get(i));
            }
            assertEquals(printedPid(strace), s.get(i).get("pid").getAsInt());
            assertEquals(printedPid(bpftrace), b.get(i).get("pid").getAsInt());
            assertEquals("strace", s.get(i).get("backend").getAsString());
        }
        assertTrue(strace.stderr().contains("Summary: 8 events, 1 process"), strace.stderr());
    }

    /**
     * Structs strace prints without their padding (issue 12): the value is built from its fields, as the bytes
     * decoder shows it, and raw holds only the leading bytes strace showed (group_req's interface, fprog's len).
     */
    @Test
    void structsStracePrintsInPartShowTheirFields() throws Exception {
        Capabilities.requireTool("python3");
        String py = String.join("\n",
                "import ctypes, socket, struct, sys",
                "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "sin = struct.pack('<H', socket.AF_INET) + bytes(2) + socket.inet_aton('239.1.2.3')",
                "u.setsockopt(socket.IPPROTO_IP, 42, struct.pack('<I4x', 1) + sin.ljust(128, bytes(1)))",
                "insns = (ctypes.c_uint64 * 1)(0xffffffff00000006)",   // BPF_STMT(BPF_RET | BPF_K, -1)
                "u.setsockopt(socket.SOL_SOCKET, 26, struct.pack('<H6xQ', 1, ctypes.addressof(insns)))",
                "print('filter', hex(ctypes.addressof(insns)))",
                "sys.stdout.flush()");
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("sockwatch-strace-structs").resolve("ev.json");
        SockwatchRun.Result r = SockwatchRun.run(120, "--backend", "strace", "--json", "--output", file.toString(),
                "--", "python3", "-c", py);
        assertEquals(0, r.exit(), r.stderr());
        String filter = r.stdout().lines().filter(l -> l.startsWith("filter ")).findFirst()
                .orElseThrow(() -> new AssertionError(r.stdout())).substring(7);
        List<JsonObject> events = jsonLines(java.nio.file.Files.readString(file));
        JsonObject join = find(events, "MCAST_JOIN_GROUP");
        assertEquals(JsonParser.parseString("{\"interface\": 1, \"group\": \"239.1.2.3\"}"), join.get("value"));
        assertEquals("01000000", join.get("raw").getAsString());
        assertEquals(136, join.get("optlen").getAsInt());
        assertEquals(0, join.get("ret").getAsInt(), join.toString());
        JsonObject attach = find(events, "SO_ATTACH_FILTER");
        assertEquals(JsonParser.parseString("{\"len\": 1, \"filter\": \"" + filter + "\"}"), attach.get("value"));
        assertEquals("0100", attach.get("raw").getAsString());
        // the summary shows the values as text
        assertTrue(r.stderr().contains("final {interface=1, group=239.1.2.3}, fd 3"), r.stderr());
        assertTrue(r.stderr().contains("final {len=1, filter=" + filter + "}, fd 3"), r.stderr());
    }

    /** -p attaches to a running program and sees only it; on the way out it detaches and leaves it running. */
    @Test
    void attachesToARunningProcessAndLeavesItUntraced() throws Exception {
        Capabilities.requireTool("python3");
        String loop = "import socket, time\ns = socket.socket()\nfor i in range(600):\n"
                + "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n    time.sleep(0.05)\n";
        Process watched = new ProcessBuilder("python3", "-c", loop).start();
        Process other = new ProcessBuilder("python3", "-c", loop).start();
        try {
            SockwatchRun.Result r = SockwatchRun.run(60, "--backend", "strace", "--json", "--duration", "3", "-p",
                    Long.toString(watched.pid()));
            assertEquals(0, r.exit(), r.stderr());
            List<JsonObject> events = jsonLines(r.stdout());
            assertTrue(events.size() >= 10, "saw " + events.size() + " calls in 3 s: " + r.stderr());
            assertTrue(events.stream().allMatch(e -> e.get("pid").getAsLong() == watched.pid()
                    && e.get("comm").getAsString().equals("python3")), r.stdout());
            assertTrue(r.stderr().contains("Watching setsockopt calls of PID " + watched.pid() + " 'python3' and its "
                    + "descendants (0 processes now, and what they fork) with strace"), r.stderr());
            assertTrue(watched.isAlive() && other.isAlive(), "watched programs are unharmed");
            assertEquals("0", ProcFs.tracerPid(watched.pid()), "and no longer traced");
        } finally {
            watched.destroy();
            other.destroy();
            watched.waitFor(5, TimeUnit.SECONDS);
            other.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** strace ends once everything it traced has exited: for -p, a normal end with the summary. */
    @Test
    void watchEndsNormallyWhenTheWatchedProcessExits() throws Exception {
        Capabilities.requireTool("python3");
        String shortLoop = "import socket, sys, time\ns = socket.socket()\nfor i in range(40):\n"
                + "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n    time.sleep(0.1)\nsys.exit(3)\n";
        Process watched = new ProcessBuilder("python3", "-c", shortLoop).start();
        try {
            SockwatchRun.Result r = SockwatchRun.run(60, "--backend", "strace", "-p", Long.toString(watched.pid()));
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.stderr().contains("Summary: "), r.stderr());
            assertEquals(3, watched.waitFor(), "the program's own exit is untouched");
        } finally {
            watched.destroy();
        }
    }

    /**
     * A PID strace cannot attach to (here: one another tracer holds) fails to arm at once, with strace's reason,
     * and the PID it did attach to is let go again.
     */
    @Test
    void processThatCannotBeAttachedFailsFastWithStracesReason() throws Exception {
        Capabilities.requireTool("python3");
        String loop = "import time\nwhile True:\n    time.sleep(0.05)\n";
        Process held = new ProcessBuilder("python3", "-c", loop).start();
        Process free = new ProcessBuilder("python3", "-c", loop).start();
        Process otherTracer = new ProcessBuilder("strace", "-o", "/dev/null", "-p", Long.toString(held.pid()))
                .redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ProcFs.tracerPid(held.pid()).equals("0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            SockwatchRun.Result r = SockwatchRun.run(60, "--backend", "strace", "-p", Long.toString(free.pid()),
                    "-p", Long.toString(held.pid()));
            assertEquals(3, r.exit(), r.stderr());
            assertTrue(r.stderr().startsWith("sockwatch: strace could not arm its probe: ")
                    && r.stderr().contains("attach: ptrace(PTRACE_SEIZE, " + held.pid() + "): Operation not permitted"),
                    r.stderr());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "not the 60 s arming timeout");
            assertTrue(free.isAlive(), "the other program runs on");
            assertEquals("0", ProcFs.tracerPid(free.pid()), "and is no longer traced");
        } finally {
            otherTracer.destroy();
            otherTracer.waitFor(5, TimeUnit.SECONDS);
            held.destroy();
            free.destroy();
            held.waitFor(5, TimeUnit.SECONDS);
            free.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The socket as it was at each call (strace -yy), against what the program itself says of its sockets: before
     * bind, listening, connected, and a TCP socket's closed fd number taken by a UNIX socket.
     */
    @Test
    void eachCallShowsItsSocketAsItWasThen() throws Exception {
        Capabilities.requireTool("python3");
        String py = String.join("\n",
                "import socket, sys",
                "s = socket.socket()",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                "s.bind(('127.0.0.1', 0)); s.listen(1)",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)",
                "c = socket.socket(); c.connect(s.getsockname())",
                "c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                "print('server', '%s:%d' % s.getsockname(), 'client', '%s:%d' % c.getsockname(), 'fd', c.fileno())",
                "fd = c.fileno(); c.close()",
                "u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "assert u.fileno() == fd",
                "u.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)",
                "sys.stdout.flush()");
        // the events to a file: on a shared stdout the program's line and the JSON lines can interleave
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("sockwatch-strace-yy").resolve("ev.json");
        SockwatchRun.Result r = SockwatchRun.run(120, "--backend", "strace", "--json", "--output", file.toString(),
                "--", "python3", "-c", py);
        assertEquals(0, r.exit(), r.stderr());
        String[] said = r.stdout().lines().filter(l -> l.startsWith("server ")).findFirst()
                .orElseThrow(() -> new AssertionError(r.stdout())).split(" ");
        String server = said[1];
        String client = said[3];
        int fd = Integer.parseInt(said[5]);
        List<JsonObject> events = jsonLines(java.nio.file.Files.readString(file));
        java.nio.file.Files.delete(file);
        java.nio.file.Files.delete(file.getParent());
        JsonObject beforeBind = find(events, "SO_REUSEADDR");
        assertEquals("tcp", beforeBind.get("proto").getAsString(), beforeBind.toString());
        assertEquals("CLOSE", beforeBind.get("state").getAsString(), "not bound yet: " + beforeBind);
        assertTrue(beforeBind.get("local").isJsonNull() && beforeBind.get("remote").isJsonNull(), beforeBind.toString());
        JsonObject listening = find(events, "SO_KEEPALIVE");
        assertEquals(server, listening.get("local").getAsString(), listening.toString());
        assertTrue(listening.get("remote").isJsonNull(), listening.toString());
        assertTrue(listening.get("state").isJsonNull(), "-yy prints no state: " + listening);
        JsonObject connected = find(events, "TCP_NODELAY");
        assertEquals(fd, connected.get("fd").getAsInt());
        assertEquals("tcp", connected.get("proto").getAsString(), connected.toString());
        assertEquals(client, connected.get("local").getAsString(), connected.toString());
        assertEquals(server, connected.get("remote").getAsString(), connected.toString());
        JsonObject unix = find(events, "SO_SNDBUF");
        assertEquals(fd, unix.get("fd").getAsInt(), "the same fd number");
        assertEquals("unix", unix.get("family").getAsString(), unix.toString());
        assertEquals("stream", unix.get("proto").getAsString(), unix.toString());
        assertEquals(4, events.size(), r.stdout());

        SockwatchRun.Result text = SockwatchRun.run(120, "--backend", "strace", "--", "python3", "-c", py);
        assertEquals(0, text.exit(), text.stderr());
        List<String> lines = text.stdout().lines().filter(l -> l.contains(" socket option ")).toList();
        assertEquals(4, lines.size(), text.stdout());
        assertTrue(lines.get(0).contains("SO_REUSEADDR (SOL_SOCKET) on fd 3 (tcp, not bound yet)"), lines.get(0));
        assertTrue(lines.get(1).matches(".*SO_KEEPALIVE \\(SOL_SOCKET\\) on fd 3 \\(tcp 127\\.0\\.0\\.1:\\d+\\).*"),
                lines.get(1));
        assertTrue(lines.get(2).matches(".*on fd \\d+ \\(tcp 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:\\d+\\).*"),
                lines.get(2));
        assertTrue(lines.get(3).matches(".*on fd \\d+ \\(unix stream\\).*"), lines.get(3));
    }

    /** strace -yy's own line for a call, the truth the backend's JSON is held to. */
    @Test
    void theSocketIsWhatStraceYyItselfPrinted() throws Exception {
        Capabilities.requireTool("python3");
        String py = "import socket; s = socket.socket(socket.AF_INET6); s.bind(('::1', 0)); s.listen(1)\n"
                + "s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1); print('%s' % s.getsockname()[1])";
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("sockwatch-strace-yy").resolve("ev.json");
        SockwatchRun.Result r = SockwatchRun.run(120, "--backend", "strace", "--json", "--output", file.toString(),
                "--", "python3", "-c", py);
        assertEquals(0, r.exit(), r.stderr());
        String port = r.stdout().lines().filter(l -> l.matches("\\d+")).findFirst().orElseThrow();
        String events = java.nio.file.Files.readString(file);
        java.nio.file.Files.delete(file);
        java.nio.file.Files.delete(file.getParent());
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-yy", "-e", "signal=none", "-e",
                "trace=setsockopt", "-o", "/proc/self/fd/1",
                "python3", "-c", py).redirectErrorStream(false).start();
        String straced = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, straced);
        assertTrue(java.util.regex.Pattern.compile("setsockopt\\(3<TCPv6:\\[\\[::1\\]:\\d+\\]>, SOL_SOCKET, SO_KEEPALIVE")
                .matcher(straced).find(), straced);
        JsonObject e = find(jsonLines(events), "SO_KEEPALIVE");
        assertEquals("inet6", e.get("family").getAsString(), e.toString());
        assertEquals("tcp", e.get("proto").getAsString(), e.toString());
        assertEquals("[::1]:" + port, e.get("local").getAsString(), e.toString());
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
            SockwatchRun.Result r = SockwatchRun.run(120, "--backend", "strace", "--json", "--", "curl", "-s", "-o",
                    "/dev/null", "http://127.0.0.1:" + server.getLocalPort() + "/");
            responder.join(10_000);
            assertEquals(0, r.exit(), r.stderr());
            List<JsonObject> events = jsonLines(r.stdout());
            assertTrue(events.stream().allMatch(e -> e.get("comm").getAsString().equals("curl")
                    && e.get("backend").getAsString().equals("strace")), r.stdout());
            assertEquals(1, find(events, "TCP_NODELAY").get("value").getAsInt());
            assertEquals(1, find(events, "SO_KEEPALIVE").get("value").getAsInt());
            assertEquals(60, find(events, "TCP_KEEPIDLE").get("value").getAsInt());
            assertEquals(60, find(events, "TCP_KEEPINTVL").get("value").getAsInt());
            assertTrue(events.stream().allMatch(e -> e.get("ok").getAsBoolean()), r.stdout());
        }
    }
}
