package sockwatch.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sockwatch.snapshot.SocketFds.SocketFd;
import sockwatch.support.Capabilities;
import sockwatch.support.RunningTarget;
import sockwatch.support.SockwatchRun;

/**
 * `sockwatch snapshot` for real, as root: our test app, a server nobody here wrote (python3 -m http.server), a
 * process with thousands of sockets, and the ways a target can slip away. Each test also checks that the target
 * was not stopped and that its sockets still work afterwards.
 */
class SnapshotEndToEndTest {
    static final Pattern CLIENT = Pattern.compile(
            "sockwatch-testapp: pid (\\d+): set TCP_NODELAY=1 on client socket (\\S+) -> (\\S+)");

    @BeforeEach
    void needRoot() {
        Capabilities.requireRoot();
    }

    @Test
    void testAppShowsNodelayChangedOnTheClientAndDefaultElsewhere() throws Exception {
        try (RunningTarget app = RunningTarget.javaTestApp("--hold", "120")) {
            Matcher m = app.output().stream().map(CLIENT::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no client line: " + app.output()));
            String clientLocal = m.group(2);
            String serverAddr = m.group(3);
            List<String> fdsBefore = app.fdLinks();

            SockwatchRun.Result r = SockwatchRun.run(120, "snapshot", "-p", Long.toString(app.pid()), "--json");
            assertEquals(0, r.exit(), r.stderr());
            List<JsonObject> sockets = json(r);
            assertEquals(3, sockets.size(), r.stdout());
            for (JsonObject s : sockets) {
                assertEquals(app.pid(), s.get("pid").getAsLong());
                assertEquals("java", s.get("comm").getAsString());
                assertEquals("inet", s.get("family").getAsString());
                assertEquals("tcp", s.get("proto").getAsString());
            }
            JsonObject listener = only(sockets, "LISTEN", serverAddr, null);
            JsonObject client = only(sockets, "ESTABLISHED", clientLocal, serverAddr);
            JsonObject accepted = only(sockets, "ESTABLISHED", serverAddr, clientLocal);

            assertEquals(1, client.getAsJsonObject("options").get("TCP_NODELAY").getAsInt());
            assertTrue(names(client, "changed").contains("TCP_NODELAY"), client.toString());
            for (JsonObject other : List.of(listener, accepted)) {
                assertEquals(0, other.getAsJsonObject("options").get("TCP_NODELAY").getAsInt(), other.toString());
                assertFalse(names(other, "changed").contains("TCP_NODELAY"), other.toString());
            }
            // The JDK sets SO_REUSEADDR on every ServerSocket; the accepted socket inherits it.
            assertTrue(names(listener, "changed").contains("SO_REUSEADDR"), listener.toString());
            assertFalse(names(client, "changed").contains("SO_REUSEADDR"), client.toString());
            // Connection-derived values are shown but never called changed.
            assertTrue(names(client, "auto").contains("TCP_MAXSEG"), client.toString());

            SockwatchRun.Result text = SockwatchRun.run(120, "snapshot", "-p", Long.toString(app.pid()));
            assertEquals(0, text.exit(), text.stderr());
            // the header names the process by its title too (java's argv, cut to the first 64 characters)
            String header = text.stdout().lines().findFirst().orElseThrow();
            assertTrue(header.startsWith("PID " + app.pid() + " 'java' \"") && header.endsWith(": 3 sockets"), header);
            assertTrue(text.stdout().contains("      TCP_NODELAY=1 (changed)\n"), text.stdout());
            assertTrue(text.stdout().contains("      TCP_NODELAY=0 (default)\n"), text.stdout());
            assertTrue(text.stdout().matches("(?s).*ESTABLISHED +" + Pattern.quote(clientLocal) + " +"
                    + Pattern.quote(serverAddr) + "\n.*"), text.stdout());

            app.assertUnaffected(fdsBefore);
            try (Socket s = new Socket()) {
                int port = Integer.parseInt(serverAddr.substring(serverAddr.lastIndexOf(':') + 1));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000); // its listener still listens
            }
            // Reading changed nothing: a second snapshot shows the same options on the same sockets.
            SockwatchRun.Result again = SockwatchRun.run(120, "snapshot", "-p", Long.toString(app.pid()), "--json");
            assertEquals(options(sockets), options(json(again)));
        }
    }

    @Test
    void pythonHttpServerShowsReuseaddrOnItsListener() throws Exception {
        Capabilities.requireTool("python3");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> cmd = List.of("python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", Integer.toString(port));
        try (RunningTarget server = RunningTarget.start(cmd, "Serving HTTP")) {
            List<String> fdsBefore = server.fdLinks();
            SockwatchRun.Result r = SockwatchRun.run(120, "snapshot", "-p", Long.toString(server.pid()), "--json");
            assertEquals(0, r.exit(), r.stderr());
            JsonObject listener = only(json(r), "LISTEN", "127.0.0.1:" + port, null);
            // socketserver.TCPServer.allow_reuse_address = True, as http.server.HTTPServer has it.
            assertEquals(1, listener.getAsJsonObject("options").get("SO_REUSEADDR").getAsInt());
            assertTrue(names(listener, "changed").contains("SO_REUSEADDR"), listener.toString());
            // ... and it sets nothing else that a fresh socket would not have.
            assertEquals(List.of("SO_REUSEADDR"), names(listener, "changed"), listener.toString());
            assertEquals(0, listener.getAsJsonObject("options").get("TCP_NODELAY").getAsInt());

            server.assertUnaffected(fdsBefore);
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(10000);
            assertEquals(200, c.getResponseCode()); // it still serves
            c.disconnect();
        }
    }

    @Test
    void twoThousandSocketsAreAllListedWithTheirOptions() throws Exception {
        Capabilities.requireTool("python3");
        String comm = "swsnap" + ProcessHandle.current().pid();
        try (RunningTarget t = RunningTarget.manySockets("2000", "--comm", comm)) {
            int expected = Integer.parseInt(field(t.output(), "sockets"));
            List<String> fdsBefore = t.fdLinks();
            long listedByProc = fdsBefore.stream().filter(l -> l.contains("socket:[")).count();
            assertEquals(expected, listedByProc);

            SockwatchRun.Result r = SockwatchRun.run(300, "snapshot", "-c", comm, "--json");
            assertEquals(0, r.exit(), r.stderr());
            List<JsonObject> sockets = json(r);
            assertEquals(expected, sockets.size());
            assertEquals(sockets.size(), sockets.stream().map(s -> s.get("fd").getAsInt()).distinct().count());
            Map<String, Long> kinds = new TreeMap<>(sockets.stream().collect(Collectors.groupingBy(
                    s -> s.get("family").getAsString() + "/" + s.get("proto").getAsString() + "/"
                            + s.get("state").getAsString(), Collectors.counting())));
            int udp = Integer.parseInt(field(t.output(), "udp"));
            assertEquals(udp, kinds.get("inet/udp/UNCONNECTED"), kinds.toString());
            assertEquals(1, kinds.get("inet/tcp/LISTEN"), kinds.toString());
            int port6 = Integer.parseInt(field(t.output(), "tcp6-port"));
            Capabilities.require(port6 > 0, "no IPv6 loopback ([::1]) on this host");
            JsonObject v6 = only(sockets, "LISTEN", "[::1]:" + port6, null);
            assertEquals("inet6", v6.get("family").getAsString());
            assertEquals(1, v6.getAsJsonObject("options").get("IPV6_V6ONLY").getAsInt());
            // Defaults are measured: where net.ipv6.bindv6only=1, V6ONLY=1 is what a fresh socket has.
            boolean sysctlSaysV6only = Files.readString(Path.of("/proc/sys/net/ipv6/bindv6only")).trim().equals("1");
            assertEquals(sysctlSaysV6only ? List.of() : List.of("IPV6_V6ONLY"), names(v6, "changed"), v6.toString());
            for (JsonObject s : sockets) {
                String kind = s.get("proto").getAsString();
                List<String> changed = names(s, "changed");
                if (kind.equals("udp")) {
                    assertTrue(changed.contains("SO_BROADCAST"), s.toString());
                } else if (kind.equals("tcp") && s.get("state").getAsString().equals("ESTABLISHED")
                        && changed.contains("TCP_NODELAY")) {
                    assertEquals(1, s.getAsJsonObject("options").get("TCP_NODELAY").getAsInt());
                }
            }
            long clients = sockets.stream().filter(s -> names(s, "changed").contains("TCP_NODELAY")).count();
            assertEquals(kinds.get("inet/tcp/ESTABLISHED") / 2, clients, "every TCP client, and only they");
            long passcred = sockets.stream().filter(s -> names(s, "changed").contains("SO_PASSCRED")).count();
            assertTrue(passcred > 0 && kinds.getOrDefault("unix/stream/CONNECTED", 0L) == 2 * passcred, kinds.toString());

            t.assertUnaffected(fdsBefore);
            t.send("check");
            assertTrue(t.await("many-sockets: check").contains("ok"), t.output().toString());
        }
    }

    @Test
    void socketsClosedBetweenListingAndReadingAreSkippedWithANote() throws Exception {
        Capabilities.requireTool("python3");
        try (RunningTarget t = RunningTarget.manySockets("60")) {
            int udp = Integer.parseInt(field(t.output(), "udp"));
            List<String> notes = Collections.synchronizedList(new ArrayList<>());
            OptionPlan plan = OptionPlan.standard();
            ProcessSnapshotter snap = new ProcessSnapshotter(plan, new DefaultsProbe(plan, notes::add), notes::add);
            snap.snapshot(t.pid()); // loads JNA and its jar first, so it opens no fd below
            assertEquals(List.of(), notes);
            Set<String> ourFds = openFds();
            try (ProcessSnapshotter.Target target = snap.open(t.pid())) {
                List<SocketFd> listed = SocketFds.list(Path.of("/proc", Long.toString(t.pid())));
                t.send("close-udp");
                t.await("many-sockets: closed-udp");
                List<SocketSnapshot> read = snap.read(target, listed, java.util.function.Function.identity());
                assertEquals(listed.size() - udp, read.size());
                assertTrue(read.stream().noneMatch(s -> s.kind().protoName().equals("udp")));
            }
            assertEquals(udp, notes.stream().filter(n -> n.contains("was closed before it could be read; skipped"))
                    .count(), notes.toString());
            Set<String> left = openFds();
            left.removeAll(ourFds);
            assertEquals(Set.of(), left, "every duplicate and the pidfd are closed again");
        }
    }

    @Test
    void churningSocketsNeverBreakTheSnapshot() throws Exception {
        Capabilities.requireTool("python3");
        try (RunningTarget t = RunningTarget.manySockets("600", "--churn")) {
            for (int i = 0; i < 3; i++) {
                SockwatchRun.Result r = SockwatchRun.run(120, "snapshot", "-p", Long.toString(t.pid()), "--json");
                assertEquals(0, r.exit(), r.stderr());
                assertTrue(json(r).size() >= 590, "the steady sockets are all there");
                for (String line : r.stderr().split("\n")) {
                    assertTrue(line.isEmpty() || line.endsWith("; skipped"), r.stderr());
                }
            }
            assertNotEquals('T', t.state());
        }
    }

    @Test
    void aProcessThatExitsWhileBeingReadIsReportedAsGone() throws Exception {
        Capabilities.requireTool("python3");
        RunningTarget t = RunningTarget.manySockets("30");
        OptionPlan plan = OptionPlan.standard();
        ProcessSnapshotter snap = new ProcessSnapshotter(plan, new DefaultsProbe(plan, n -> { }), n -> { });
        try (ProcessSnapshotter.Target target = snap.open(t.pid())) {
            List<SocketFd> listed = SocketFds.list(Path.of("/proc", Long.toString(t.pid())));
            t.kill();
            SnapshotException e = assertThrows(SnapshotException.class, () -> snap.read(target, listed, java.util.function.Function.identity()));
            assertEquals(SnapshotException.Kind.EXITED, e.kind());
            assertEquals("PID " + t.pid() + " ('python3') exited during the snapshot", e.getMessage());
        }
    }

    @Test
    void aVanishedProcessIsANoSuchPidError() throws Exception {
        Capabilities.requireTool("python3");
        RunningTarget t = RunningTarget.manySockets("10");
        long pid = t.pid();
        t.kill();
        SockwatchRun.Result r = SockwatchRun.run(60, "snapshot", "-p", Long.toString(pid));
        assertEquals(2, r.exit());
        assertEquals("sockwatch: no process with PID " + pid + "\n", r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void aKernelThreadIsRefusedWithAReason() throws Exception {
        long kthread = -1;
        for (long pid = 2; pid < 400 && kthread < 0; pid++) {
            if (ProcStat.read(pid).map(ProcStat::kernelThread).orElse(false)) {
                kthread = pid;
            }
        }
        Capabilities.require(kthread > 0, "no kernel thread is visible in this PID namespace");
        SockwatchRun.Result r = SockwatchRun.run(60, "snapshot", "-p", Long.toString(kthread));
        assertEquals(2, r.exit());
        assertTrue(r.stderr().matches("sockwatch: PID " + kthread + " \\('.*'\\) is a kernel thread: kernel threads"
                + " have no file descriptors, so no sockets\n"), r.stderr());
    }

    @Test
    void aProcessWithoutSocketsSaysSo() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            SockwatchRun.Result r = SockwatchRun.run(60, "snapshot", "-p", Long.toString(sleeper.pid()));
            assertEquals(0, r.exit(), r.stderr());
            assertEquals("PID " + sleeper.pid() + " 'sleep' \"sleep 60\": no sockets\n", r.stdout());
        } finally {
            sleeper.destroyForcibly();
        }
    }

    /** A tuned sysctl in the target's own network namespace is a default there, not a change. */
    @Test
    void defaultsComeFromTheTargetsNetworkNamespace() throws Exception {
        Capabilities.requireTool("unshare");
        Capabilities.requireTool("python3");
        String script = String.join("\n",
                "import socket, sys",
                "open('/proc/sys/net/ipv4/tcp_keepalive_time', 'w').write('333')",
                "a = socket.socket(); a.bind(('0.0.0.0', 0)); a.listen()",
                "b = socket.socket(); b.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 7200)",
                "b.bind(('0.0.0.0', 0)); b.listen()",
                "print('netns: ports %d %d' % (a.getsockname()[1], b.getsockname()[1]), flush=True)",
                "print('netns: ready', flush=True)",
                "sys.stdin.read()");
        try (RunningTarget t = RunningTarget.start(List.of("unshare", "--net", "python3", "-c", script), "netns: ready")) {
            String[] ports = t.output().get(0).replaceAll(".*ports ", "").split(" ");
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
                    Files.readSymbolicLink(Path.of("/proc", Long.toString(t.pid()), "ns/net")), "its own namespace");
            SockwatchRun.Result r = SockwatchRun.run(120, "snapshot", "-p", Long.toString(t.pid()), "--json");
            assertEquals(0, r.exit(), r.stderr());
            assertEquals("", r.stderr());
            JsonObject plain = only(json(r), "LISTEN", "0.0.0.0:" + ports[0], null);
            JsonObject set = only(json(r), "LISTEN", "0.0.0.0:" + ports[1], null);
            assertEquals(333, plain.getAsJsonObject("options").get("TCP_KEEPIDLE").getAsInt());
            assertFalse(names(plain, "changed").contains("TCP_KEEPIDLE"), plain.toString());
            assertEquals(7200, set.getAsJsonObject("options").get("TCP_KEEPIDLE").getAsInt());
            assertTrue(names(set, "changed").contains("TCP_KEEPIDLE"), set.toString());
            // and each record says which namespace (so which 0.0.0.0) it is, its process by its argv
            String link = Files.readSymbolicLink(Path.of("/proc", Long.toString(t.pid()), "ns/net")).toString();
            assertEquals(link, "net:[" + plain.get("netns").getAsLong() + "]");
            assertEquals("-c", plain.getAsJsonArray("cmdline").get(1).getAsString());
            SockwatchRun.Result text = SockwatchRun.run(120, "snapshot", "-p", Long.toString(t.pid()));
            String header = text.stdout().lines().findFirst().orElseThrow();
            assertTrue(header.endsWith(" [netns " + plain.get("netns").getAsLong() + "]: 2 sockets"), header);
        }
    }

    @Test
    void withoutPtraceAccessItSaysWhatIsMissing() throws Exception {
        Capabilities.requireTool("setpriv");
        Capabilities.requireTool("python3");
        Path dir = nobodyClasspath();
        try (RunningTarget t = RunningTarget.manySockets("10")) {
            List<String> fdsBefore = t.fdLinks();
            List<String> cmd = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-Djna.tmpdir=" + dir.resolve("tmp"),
                    "-cp", dir.resolve("classes") + ":" + dir.resolve("lib/*"), "sockwatch.cli.Main",
                    "snapshot", "-p", Long.toString(t.pid()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("HOME", dir.toString());
            Process p = pb.start();
            SockwatchRun.Result r = SockwatchRun.finish(p, 120);
            assertEquals(3, r.exit(), r.stderr());
            assertEquals("sockwatch: not permitted to list the fds of PID " + t.pid() + " (/proc/" + t.pid()
                    + "/fd): run it as root (or with CAP_SYS_PTRACE)" + yamaNote() + "\n", r.stderr());
            assertEquals("", r.stdout());
            t.assertUnaffected(fdsBefore);
        }
    }

    private static String yamaNote() throws IOException {
        Path yama = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        if (!Files.exists(yama)) {
            return "";
        }
        int scope = Integer.parseInt(Files.readString(yama).trim());
        return scope >= 1 ? "; kernel.yama.ptrace_scope=" + scope + " also forbids it to ordinary users" : "";
    }

    /** Our classes and the two jars snapshot needs, where user nobody can read them (~/.m2 is root's). */
    private Path nobodyClasspath() throws IOException {
        Path dir = Files.createTempDirectory("sockwatch-nobody");
        Files.createDirectories(dir.resolve("lib"));
        Files.createDirectories(dir.resolve("tmp"));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (Files.isDirectory(p) && p.endsWith(Path.of("target", "classes"))) {
                try (var files = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Path to = dir.resolve("classes").resolve(p.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(f, to);
                        }
                    }
                }
            } else if (name.startsWith("picocli-") || name.startsWith("jna-")) {
                Files.copy(p, dir.resolve("lib").resolve(name));
            }
        }
        try (var all = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString(
                        f.equals(dir.resolve("tmp")) ? "rwxrwxrwx" : Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        cleanup.add(dir);
        return dir;
    }

    private final List<Path> cleanup = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void removeTemporaryFiles() throws IOException {
        for (Path dir : cleanup) {
            try (var all = Files.walk(dir)) {
                for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static List<JsonObject> json(SockwatchRun.Result r) {
        List<JsonObject> out = new ArrayList<>();
        for (String line : r.stdoutLines()) {
            out.add(JsonParser.parseString(line).getAsJsonObject());
        }
        return out;
    }

    private static JsonObject only(List<JsonObject> sockets, String state, String local, String remote) {
        List<JsonObject> m = sockets.stream().filter(s -> s.get("state").getAsString().equals(state)
                && s.get("local").getAsString().equals(local)
                && (remote == null ? s.get("remote").isJsonNull()
                : !s.get("remote").isJsonNull() && s.get("remote").getAsString().equals(remote))).toList();
        assertEquals(1, m.size(), state + " " + local + " -> " + remote + " in " + sockets);
        return m.get(0);
    }

    static List<String> names(JsonObject s, String field) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : s.getAsJsonArray(field)) {
            out.add(e.getAsString());
        }
        return out;
    }

    private static Map<Integer, JsonObject> options(List<JsonObject> sockets) {
        Map<Integer, JsonObject> out = new TreeMap<>();
        for (JsonObject s : sockets) {
            JsonObject o = s.getAsJsonObject("options").deepCopy();
            o.remove("TCP_QUICKACK"); // the delayed-ACK mode may move on its own
            out.put(s.get("fd").getAsInt(), o);
        }
        return out;
    }

    private static String field(List<String> output, String name) {
        for (String line : output) {
            Matcher m = Pattern.compile(" " + name + " (\\d+)").matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no '" + name + "' in " + output);
    }

    /**
     * This JVM's open fds, as "FD -> TARGET". Compared as sets, not counted: an fd that something else in this JVM
     * closes meanwhile (a finished process's pipes, closed by the JDK's reaper thread after waitFor returns) is
     * not one this test leaked.
     */
    private static Set<String> openFds() throws IOException {
        Path self = Path.of("/proc/self/fd").toRealPath();
        Set<String> out = new TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(self)) {
            for (Path fd : dir) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (!target.equals(self)) { // the listing's own fd
                        out.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed between readdir and readlink
                }
            }
        }
        return out;
    }
}
