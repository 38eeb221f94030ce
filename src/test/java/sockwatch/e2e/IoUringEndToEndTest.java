package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import sockwatch.sys.IoUring;

/**
 * setsockopt through io_uring (IORING_OP_URING_CMD, SOCKET_URING_OP_SETSOCKOPT, Linux 6.7+), which no syscall
 * tracer sees: testapp/native/uring_setsockopt.c submits four requests in one io_uring_enter and prints each
 * completion ("res USER_DATA RESULT"), which is the truth the events are held against (strace shows only
 * io_uring_enter). bpftrace must show all four with values and results; strace must say what it cannot see.
 */
class IoUringEndToEndTest {
    private static final Path SOURCE = Path.of("testapp/native/uring_setsockopt.c");
    private static final Pattern RES = Pattern.compile("^res (\\d+) (-?\\d+)$", Pattern.MULTILINE);
    private static final Pattern DONE = Pattern.compile("^done (\\d+)$", Pattern.MULTILINE);
    /** The program's four requests, in user_data order: level, option, value. */
    private static final List<String> REQUESTS = List.of("SOL_TCP TCP_NODELAY 1", "SOL_SOCKET SO_KEEPALIVE 1",
            "SOL_TCP TCP_KEEPIDLE 30", "SOL_TCP null 16777216");

    @TempDir
    static Path dir;
    private static Path program;

    @BeforeAll
    static void build() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("gcc");
        Capabilities.require(IoUring.kernelHasSocketCommands(), "this kernel is older than 6.7: it has no io_uring"
                + " socket commands to see");
        program = dir.resolve("uring_setsockopt");
        Process p = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", program.toString(), SOURCE.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc: " + out);
    }

    /** The completions the program itself printed, in user_data order: "ret". */
    private static List<Integer> completions(String stdout) {
        List<Integer> res = new ArrayList<>(List.of(0, 0, 0, 0));
        Matcher m = RES.matcher(stdout);
        int n = 0;
        while (m.find()) {
            res.set(Integer.parseInt(m.group(1)) - 1, Integer.parseInt(m.group(2)));
            n++;
        }
        assertEquals(4, n, "the program saw four completions: " + stdout);
        return res;
    }

    private static List<JsonObject> events(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .filter(o -> o.has("ts")).toList();
    }

    private static String str(JsonObject o, String key) {
        return o.get(key) == null || o.get(key).isJsonNull() ? "null" : o.get(key).getAsString();
    }

    /** Four events, in submission order, as the program's requests and completions say, via io_uring. */
    private static void assertTheFourRequests(String stdout, long pid, boolean registered, String context) {
        List<JsonObject> events = events(stdout);
        List<String> seen = events.stream().map(e -> str(e, "level") + " " + str(e, "option") + " "
                + (e.get("value").isJsonPrimitive() && e.get("value").getAsJsonPrimitive().isNumber()
                ? e.get("value").getAsString() : Long.toString(Long.parseLong(str(e, "raw").substring(0, 8), 16))))
                .toList();
        assertEquals(REQUESTS, seen, context);
        List<Integer> truth = completions(stdout);
        assertEquals(truth, events.stream().map(e -> e.get("ret").getAsInt()).toList(), context);
        assertEquals(List.of(0, 0, 0, -92), truth, "the program's own results");
        assertEquals("ENOPROTOOPT", str(events.get(3), "errno"), context);
        Matcher done = DONE.matcher(stdout);
        assertTrue(done.find(), stdout);
        int fd = registered ? 0 : Integer.parseInt(done.group(1));
        for (JsonObject e : events) {
            assertEquals("io_uring", str(e, "via"), e.toString());
            assertEquals("64-bit", str(e, "abi"), e.toString());
            assertEquals("bpftrace", str(e, "backend"), e.toString());
            assertEquals(pid, e.get("pid").getAsLong(), e.toString());
            assertEquals(fd, e.get("fd").getAsInt(), e.toString());
            assertEquals(4, e.get("optlen").getAsInt(), e.toString());
            assertEquals("inet", str(e, "family"), e.toString());   // the request's own file, registered or not
            assertEquals("tcp", str(e, "proto"), e.toString());
            assertEquals(registered, e.get("registered_file").getAsBoolean(), e.toString());
        }
    }

    /** --count counts requests as it counts syscalls: the four, each once, via io_uring, with the kernel's result. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"fd", "registered"})
    void countModeCountsEveryRequest(String kind) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--json", "--count", "--", program.toString()));
        if (kind.equals("registered")) {
            argv.add("fixed");
        }
        SockwatchRun.Result r = SockwatchRun.run(120, argv.toArray(String[]::new));
        assertEquals(0, r.exit(), r.stderr());
        List<JsonObject> counts = r.stdout().lines().filter(l -> l.startsWith("{\"count\""))
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(List.of("SOL_SOCKET SO_KEEPALIVE 1 0 x1", "SOL_TCP TCP_NODELAY 1 0 x1",
                "SOL_TCP TCP_KEEPIDLE 30 0 x1", "SOL_TCP null 0x01000000 -92 x1"), counts.stream()
                .map(o -> str(o, "level") + " " + str(o, "option") + " " + str(o, "value") + " " + str(o, "ret")
                        + " x" + o.get("count").getAsLong()).toList(), r.stdout());
        assertTrue(counts.stream().allMatch(o -> str(o, "via").equals("io_uring")), r.stdout());
        assertEquals(List.of(0, 0, 0, -92), completions(r.stdout()), "the program's own results");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fd", "registered"})
    void launchModeSeesEveryRequestWithItsValueAndResult(String kind) throws Exception {
        List<String> args = new ArrayList<>(List.of("--json", "--", program.toString()));
        if (kind.equals("registered")) {
            args.add("fixed");
        }
        SockwatchRun.Result r = SockwatchRun.run(120, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.stderr());
        Matcher m = Pattern.compile("\\(PID (\\d+)\\)").matcher(r.stderr());
        assertTrue(m.find(), r.stderr());
        assertTheFourRequests(r.stdout(), Long.parseLong(m.group(1)), kind.equals("registered"),
                r.stdout() + r.stderr());
        assertTrue(r.stderr().contains("Summary: 4 events, 1 process"), r.stderr());
    }

    @Test
    void theTextSaysSo() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(120, "--", program.toString(), "fixed");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stdout().contains("is enabling socket option TCP_NODELAY (SOL_TCP) on registered file 0 (tcp,"
                + " not bound yet) [via io_uring] ... success"), r.stdout());
        assertTrue(r.stdout().contains("option 9999 (SOL_TCP) to 0x01000000 (4 bytes) on registered file 0 (tcp,"
                + " not bound yet) [via io_uring] ... failed: ENOPROTOOPT"), r.stdout());
    }

    /** -p of a running program that holds its ring: armed first, then the requests. */
    @Test
    void aWatchedPidsRequestsAreSeen() throws Exception {
        Process target = new ProcessBuilder(program.toString(), "wait").start();
        Process sw = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                    StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "the program waits: " + ready);
            sw = SockwatchRun.start("--json", "-p", Long.toString(target.pid()));
            BufferedReader err = new BufferedReader(new InputStreamReader(sw.getErrorStream(),
                    StandardCharsets.UTF_8));
            String line;
            StringBuilder before = new StringBuilder();
            while ((line = err.readLine()) != null && !line.startsWith("Watching setsockopt calls")) {
                before.append(line).append('\n');
            }
            assertTrue(line != null, "sockwatch armed: " + before);
            try (OutputStream in = target.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            String programOut = new String(target.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(target.waitFor(20, TimeUnit.SECONDS) && target.exitValue() == 0, programOut);
            SockwatchRun.Result r = SockwatchRun.finish(sw, 30);
            assertEquals(0, r.exit(), r.stderr());
            assertTheFourRequests(r.stdout() + "\n" + programOut, target.pid(), false, r.stdout() + r.stderr());
        } finally {
            target.destroyForcibly();
            if (sw != null) {
                sw.destroyForcibly();
                sw.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** strace sees only io_uring_enter: it must say so at the start (the PID holds a ring) and in the summary. */
    @Test
    void straceSaysWhatItCannotSee() throws Exception {
        Capabilities.requireStrace();
        Process target = new ProcessBuilder(program.toString(), "wait").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                    StandardCharsets.UTF_8));
            assertTrue(out.readLine().startsWith("ready "));
            long pid = target.pid();
            Process sw = SockwatchRun.start("--backend", "strace", "--json", "-p", Long.toString(pid));
            BufferedReader err = new BufferedReader(new InputStreamReader(sw.getErrorStream(),
                    StandardCharsets.UTF_8));
            StringBuilder stderr = new StringBuilder();
            String line;
            while ((line = err.readLine()) != null) {
                stderr.append(line).append('\n');
                if (line.startsWith("sockwatch: PID " + pid + " holds an io_uring instance")) {
                    break;
                }
            }
            assertTrue(line != null, "a notice at the start: " + stderr);
            assertEquals("sockwatch: PID " + pid + " holds an io_uring instance: options it sets through io_uring"
                    + " requests are not seen by strace (--backend bpftrace sees them)", line);
            try (OutputStream in = target.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(target.waitFor(20, TimeUnit.SECONDS) && target.exitValue() == 0);
            err.lines().forEach(l -> stderr.append(l).append('\n'));
            SockwatchRun.Result r = SockwatchRun.finish(sw, 30);
            assertEquals(0, r.exit(), stderr.toString());
            assertEquals(List.of(), events(r.stdout()), "strace saw none of the four");
            assertTrue(stderr.toString().contains("Nothing was seen. What this watch could not see:\n  - setsockopt"
                    + " through io_uring requests (Linux 6.7+), which strace cannot see: PID " + pid + " held an"
                    + " io_uring instance at the start\n"), stderr.toString());
        } finally {
            target.destroyForcibly();
        }
    }

    @Test
    void noIoUringLeavesThePartOutAndSaysSo() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--no-io-uring", "--", program.toString());
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of(), events(r.stdout()), "--no-io-uring: not watched, as asked");
        assertTrue(r.stderr().contains("  - setsockopt through io_uring (--no-io-uring)\n"), r.stderr());
    }
}
