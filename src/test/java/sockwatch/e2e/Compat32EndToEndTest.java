package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * 32-bit (gcc -m32) programs under the default backend, bpftrace, against strace -f on the same program:
 * glibc's setsockopt (i386 glibc goes through socketcall), -static, socketcall(SYS_SETSOCKOPT) and syscall 366,
 * in launch mode, -p, -c NAME and for the whole system. testapp/native/setsockopt32.c makes 2 known calls.
 */
class Compat32EndToEndTest {
    private static final Path SOURCE = Path.of("testapp/native/setsockopt32.c");
    /** strace's line for one call (socketcall(SYS_SETSOCKOPT) too: strace shows it as setsockopt). */
    private static final Pattern STRACE = Pattern.compile(
            "setsockopt\\(\\d+, (\\w+), (\\w+), .*, (\\d+)\\) = (-?\\d+)");

    @TempDir
    static Path dir;
    private static Path dynamic;
    private static Path stat;

    @BeforeAll
    static void build32BitPrograms() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireStrace();
        Capabilities.requireTool("gcc");
        dynamic = dir.resolve("setsockopt32");
        stat = dir.resolve("setsockopt32s");
        String dyn = gcc(List.of("gcc", "-m32", "-O2", "-Wall", "-o", dynamic.toString(), SOURCE.toString()));
        Capabilities.require(dyn == null, "gcc -m32 cannot build a 32-bit program (test.sh installs gcc-multilib): "
                + dyn);
        String st = gcc(List.of("gcc", "-m32", "-static", "-O2", "-Wall", "-o", stat.toString(), SOURCE.toString()));
        Capabilities.require(st == null, "gcc -m32 -static cannot link (gcc-multilib's libc6-dev-i386): " + st);
    }

    /** null when it built, else gcc's complaint. */
    private static String gcc(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : out.strip();
    }

    private static Path program(String kind) {
        return kind.equals("static") ? stat : dynamic;
    }

    private static String mode(String kind) {
        return kind.equals("static") ? "glibc" : kind;
    }

    /** What strace -f says the program called: "level option optlen = ret", one per call. */
    private static List<String> straceTruth(String kind) throws Exception {
        Path log = dir.resolve("strace-" + kind + ".log");
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-o", log.toString(), "-e",
                "trace=setsockopt,socketcall", program(kind).toString(), mode(kind)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "strace run of " + kind);
        List<String> calls = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = STRACE.matcher(line);
            if (m.find()) {
                // strace says SO_RCVTIMEO_OLD where sockwatch says SO_RCVTIMEO: the same option, by the tables' alias
                List<sockwatch.decode.SockOption> named = sockwatch.decode.OptionTable.standard().byName(m.group(2));
                String option = named.isEmpty() ? m.group(2) : named.get(0).name();
                calls.add(m.group(1) + " " + option + " " + m.group(3) + " = " + m.group(4));
            }
        }
        assertEquals(2, calls.size(), "strace saw the program's two calls: " + Files.readString(log));
        return calls;
    }

    private static List<JsonObject> events(String stdout, long pid) {
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .filter(e -> pid < 0 || e.get("pid").getAsLong() == pid).toList();
    }

    private static List<String> asStrace(List<JsonObject> events) {
        return events.stream().map(e -> e.get("level").getAsString() + " " + e.get("option").getAsString() + " "
                + e.get("optlen").getAsInt() + " = " + e.get("ret").getAsInt()).toList();
    }

    /** The two calls, as a 32-bit program's, with the 8-byte timeval decoded; and the same calls as strace's. */
    private static void assertTheTwoCalls(List<JsonObject> events, String kind, String context) throws Exception {
        assertTheTwoCalls(events, kind, context, "bpftrace");
    }

    private static void assertTheTwoCalls(List<JsonObject> events, String kind, String context, String backend)
            throws Exception {
        assertEquals(straceTruth(kind), asStrace(events), context);
        for (JsonObject e : events) {
            assertEquals("32-bit", e.get("abi").getAsString(), e.toString());
            assertEquals("syscall", e.get("via").getAsString(), e.toString());
            assertEquals(backend, e.get("backend").getAsString(), e.toString());
        }
        assertEquals(1, events.get(0).get("value").getAsInt());
        JsonObject tv = events.get(1).getAsJsonObject("value");
        assertEquals(2, tv.get("sec").getAsInt(), events.get(1).toString());
        assertEquals(500000, tv.get("usec").getAsInt(), events.get(1).toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"glibc", "static", "socketcall", "syscall"})
    void launchModeSeesA32BitProgramsCallsAsStraceDoes(String kind) throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--", program(kind).toString(), mode(kind));
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains(", 32-bit programs too (the command is a 32-bit program)"), r.stderr());
        assertTheTwoCalls(events(r.stdout(), -1), kind, r.stdout() + r.stderr());
    }

    /** The strace backend: strace says the task runs in 32-bit mode, and the value is read with those layouts. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"glibc", "static", "socketcall", "syscall"})
    void straceBackendSeesA32BitProgramsCallsAs32Bit(String kind) throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(120, "--backend", "strace", "--json", "--", program(kind).toString(),
                mode(kind));
        assertEquals(0, r.exit(), r.stderr());
        assertTheTwoCalls(events(r.stdout(), -1), kind, r.stdout() + r.stderr(), "strace");
    }

    /** A 64-bit shell running the 32-bit program, then exec'ing a 64-bit one: per task, 32-bit only where it is. */
    @Test
    void straceBackendFollowsAProcessFrom32To64Bit() throws Exception {
        Capabilities.requireTool("python3");
        String script = "\"$1\" syscall && exec python3 -c 'import socket; socket.socket().setsockopt(6, 1, 1)'";
        SockwatchRun.Result r = SockwatchRun.run(120, "--backend", "strace", "--json", "--", "sh", "-c", script, "sh",
                dynamic.toString());
        assertEquals(0, r.exit(), r.stderr());
        List<JsonObject> all = events(r.stdout(), -1);
        assertEquals(3, all.size(), r.stdout());
        assertTheTwoCalls(all.subList(0, 2), "syscall", r.stdout(), "strace");
        assertEquals("64-bit", all.get(2).get("abi").getAsString(), all.get(2).toString());
        assertEquals("TCP_NODELAY", all.get(2).get("option").getAsString());
    }

    /** --compat32 for a 64-bit launcher: its 32-bit child is seen, and a 64-bit call is still shown once. */
    @Test
    void theFlagWatchesA64BitLaunchersChildrenAnd64BitCallsStayOnce() throws Exception {
        Capabilities.requireTool("python3");
        String py = "import socket; s = socket.socket(); s.setsockopt(6, 1, 1); s.setsockopt(1, 9, 1)";
        String script = "\"$1\" syscall && python3 -c \"$2\"";
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--compat32", "--", "sh", "-c", script, "sh",
                dynamic.toString(), py);
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains(", 32-bit programs too (--compat32)"), r.stderr());
        List<JsonObject> all = events(r.stdout(), -1);
        List<JsonObject> thirtyTwo = all.stream().filter(e -> e.get("abi").getAsString().equals("32-bit")).toList();
        List<String> sixtyFour = asStrace(all.stream().filter(e -> e.get("abi").getAsString().equals("64-bit"))
                .toList());
        assertTheTwoCalls(thirtyTwo, "syscall", r.stdout());
        assertEquals(List.of("SOL_TCP TCP_NODELAY 4 = 0", "SOL_SOCKET SO_KEEPALIVE 4 = 0"), sixtyFour, r.stdout());
        assertEquals(4, all.size(), r.stdout());
    }

    @Test
    void withoutTheProbeA32BitCommandIsNotSeen() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--no-compat32", "--", dynamic.toString(), "syscall");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of(), events(r.stdout(), -1), "--no-compat32: off, as asked");
        assertTrue(!r.stderr().contains("32-bit programs too"), r.stderr());
    }

    @Test
    void aWatchedPidThatIs32BitSwitchesItOn() throws Exception {
        watchARunningProgram("syscall", pid -> List.of("--json", "-p", Long.toString(pid)), true);
    }

    @Test
    void aNameWatchLooksAtEveryProcess() throws Exception {
        watchARunningProgram("socketcall", pid -> List.of("--json", "--duration", "6", "-c", "setsockopt32"), false);
    }

    @Test
    void theWholeSystem() throws Exception {
        watchARunningProgram("static", pid -> List.of("--json", "--duration", "6"), false);
    }

    /**
     * Starts the program waiting on stdin, then sockwatch (which finds it 32-bit and switches the probe on), lets
     * the program make its calls once sockwatch is armed, and compares with strace.
     */
    private void watchARunningProgram(String kind, java.util.function.LongFunction<List<String>> args,
            boolean endsWithPid) throws Exception {
        Process target = new ProcessBuilder(program(kind).toString(), mode(kind), "wait").start();
        Process sw = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "the program waits: " + ready);
            long pid = target.pid();
            sw = SockwatchRun.start(args.apply(pid).toArray(String[]::new));
            BufferedReader err = new BufferedReader(new InputStreamReader(sw.getErrorStream(),
                    StandardCharsets.UTF_8));
            Process s = sw;
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            StringBuilder stderr = new StringBuilder();
            String line;
            while ((line = err.readLine()) != null && !line.startsWith("Watching setsockopt calls")) {
                stderr.append(line).append('\n');
            }
            assertTrue(line != null, "sockwatch armed: " + stderr);
            String name = kind.equals("static") ? "setsockopt32s" : "setsockopt32";
            assertTrue(line.contains(", 32-bit programs too (PID " + pid + " '" + name + "' is a 32-bit program)")
                    || !endsWithPid && line.contains(", 32-bit programs too (PID "), line);
            CompletableFuture<String> restOfStderr = CompletableFuture.supplyAsync(() -> {
                StringBuilder b = new StringBuilder();
                err.lines().forEach(l -> b.append(l).append('\n'));
                return b.toString();
            });
            try (OutputStream in = target.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(target.waitFor(20, TimeUnit.SECONDS) && target.exitValue() == 0, "the program's calls worked");
            assertTrue(sw.waitFor(30, TimeUnit.SECONDS), "sockwatch ended (PID exited / duration)");
            String rest = restOfStderr.join();
            assertEquals(0, sw.exitValue(), rest);
            if (endsWithPid) {
                assertTrue(rest.contains("sockwatch: PID " + pid + " has exited"), rest);
            }
            assertTheTwoCalls(events(stdout.join(), pid), kind, stdout.join() + rest);
        } finally {
            target.destroyForcibly();
            if (sw != null) {
                sw.destroyForcibly();
                sw.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
