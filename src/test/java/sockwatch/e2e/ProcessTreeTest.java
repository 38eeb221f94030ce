package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * Issue 11: a watch covers the whole process tree. -p PID sees the calls of the descendants alive at the start
 * and of those forked later (testapp/trees/forking_server.py: 8 calls, all by children; strace -f counts the same
 * 8), --no-children sees none of them and says why, and a launched command that leaves a daemon behind is
 * watched until the daemon is gone, keeping the command's exit status. Both backends that can run here.
 */
class ProcessTreeTest {
    private static final Path SERVER = Path.of("testapp/trees/forking_server.py").toAbsolutePath();
    /** Forks a daemon (the child outlives the shell) that sets TCP_NODELAY a second later, then exits 3. */
    private static final String DAEMONIZING = "( sleep 1; python3 -c 'import socket; s = socket.socket(); "
            + "s.setsockopt(6, 1, 1)'; sleep 0.5 ) </dev/null >/dev/null 2>&1 & exit 3";

    @TempDir
    Path tmp;

    private static void require(String backend) {
        Capabilities.requireRoot();
        Capabilities.requireTool(backend);
        Capabilities.requireTool("python3");
    }

    private static List<JsonObject> json(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .toList();
    }

    /** Runs the server, watches its PID with these extra arguments, and lets it make its calls once armed. */
    private SockwatchRun.Result watchServer(String backend, String... extra) throws Exception {
        Path go = tmp.resolve("go");
        Process server = new ProcessBuilder("python3", SERVER.toString(), go.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
        try {
            assertEquals("ready", serverOut.readLine());
            List<String> args = new java.util.ArrayList<>(List.of("--backend", backend, "--json", "--duration",
                    "60", "-p", Long.toString(server.pid())));
            args.addAll(List.of(extra));
            Process sw = SockwatchRun.start(args.toArray(String[]::new));
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(sw.getInputStream()));
            BufferedReader err = new BufferedReader(new InputStreamReader(sw.getErrorStream(), StandardCharsets.UTF_8));
            StringBuilder stderr = new StringBuilder();
            String line;
            while ((line = err.readLine()) != null) {
                stderr.append(line).append('\n');
                if (line.startsWith("Watching setsockopt calls")) {
                    break;
                }
            }
            Files.createFile(go);
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> readAll(sw.getErrorStream()));
            assertEquals("calls 8", serverOut.readLine());
            assertTrue(sw.waitFor(60, TimeUnit.SECONDS), "sockwatch ends once the server and its children have exited: "
                    + stderr);
            return new SockwatchRun.Result(sw.exitValue(), out.join(), stderr + rest.join());
        } finally {
            server.destroyForcibly();
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bpftrace", "strace"})
    void pidCoversTheDescendantsAliveAtTheStartAndThoseForkedLater(String backend) throws Exception {
        require(backend);
        SockwatchRun.Result r = watchServer(backend);
        assertEquals(0, r.exit(), r.stderr());
        List<JsonObject> events = json(r.stdout());
        assertEquals(8, events.size(), r.stdout() + r.stderr());
        assertEquals(4, events.stream().map(e -> e.get("pid").getAsInt()).distinct().count(), r.stdout());
        assertEquals(4, events.stream().filter(e -> e.get("option").getAsString().equals("TCP_NODELAY")).count());
        assertTrue(r.stderr().contains("and its descendants (1 process now, and what they fork)"), r.stderr());
        assertTrue(r.stderr().contains("has exited, and so has every process below it"), r.stderr());
        assertTrue(r.stderr().contains("Summary: 8 events, 4 processes"), r.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bpftrace", "strace"})
    void noChildrenSeesNoneOfThemAndSaysWhy(String backend) throws Exception {
        require(backend);
        SockwatchRun.Result r = watchServer(backend, "--no-children");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of(), json(r.stdout()));
        assertTrue(r.stderr().contains("alone (--no-children)"), r.stderr());
        assertTrue(r.stderr().contains("Summary: 0 events, 0 processes\nNothing was seen. What this watch could not"
                + " see:\n  - descendants of the watched PIDs (--no-children)"), r.stderr());
    }

    /** The ground truth for the server: strace -f counts the same 8 calls, all made by children. */
    @org.junit.jupiter.api.Test
    void straceDashFCountsEightCallsByChildren() throws Exception {
        require("strace");
        Path go = tmp.resolve("go");
        Files.createFile(go);
        Path log = tmp.resolve("strace.log");
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=setsockopt", "-o", log.toString(),
                "python3", SERVER.toString(), go.toString()).redirectErrorStream(true).start();
        assertEquals("ready\ncalls 8\n", readAll(p.getInputStream()));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        List<String> calls = Files.readAllLines(log).stream().filter(l -> l.contains("setsockopt(")).toList();
        assertEquals(8, calls.size(), String.join("\n", calls));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bpftrace", "strace"})
    void launchModeFollowsADaemonPastItsParentAndKeepsTheCommandsStatus(String backend) throws Exception {
        require(backend);
        SockwatchRun.Result r = SockwatchRun.run(90, "--backend", backend, "--json", "--", "/bin/sh", "-c",
                DAEMONIZING);
        assertEquals(3, r.exit(), "the command's own exit status: " + r.stderr());
        List<JsonObject> events = json(r.stdout());
        assertEquals(1, events.size(), r.stdout() + r.stderr());
        assertEquals("TCP_NODELAY", events.get(0).get("option").getAsString());
        assertTrue(r.stderr().contains("exited with status 3, but "), r.stderr());
        assertTrue(r.stderr().contains("live on"), r.stderr());
        assertTrue(r.stderr().contains("Summary: 1 event, 1 process"), r.stderr());
    }
}
