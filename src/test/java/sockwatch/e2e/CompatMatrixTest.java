package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import sockwatch.support.Capabilities;

/**
 * The compatibility matrix: for each Debian suite in compat/suites, sockwatch (this build's classes) runs in a
 * chroot of that suite (compat/chroot-run.sh) with the suite's own JDK, bpftrace and python3, against this kernel.
 * Each suite's line says what to expect of bpftrace there: {@code expect=works} or {@code expect=refused}. The
 * doctor must say so, and what the trace then does must match the doctor: available means self-check, launch,
 * {@code -p} and {@code --changes-only} all see level-correct events; NOT available means each is refused with one
 * line and exit 3. Snapshot needs no bpftrace and must work everywhere.
 */
class CompatMatrixTest {
    private static final Path REPO = Path.of(System.getenv().getOrDefault("SOCKWATCH_REPO",
            System.getProperty("user.dir"))).toAbsolutePath();
    private static final long BUILD_TIMEOUT_S = 20 * 60;
    private static final Pattern DOCTOR_ROW = Pattern.compile("^\\s+bpftrace\\s+(available|NOT available)\\s+(.*)$");
    private static final Pattern TRACE_AVAILABLE = Pattern.compile("^\\s+(stap|bpftrace|strace)\\s+available\\s.*");
    private static final Pattern MOUNT_NOTE = Pattern.compile("^sockwatch: mounted \\w+ at \\S+ \\(.*\\)$");
    private static final Pattern VERSION = Pattern.compile("v?(\\d+\\.\\d+(?:\\.\\d+)?)");

    /** Suite name to what it took: build seconds, then each step's seconds, printed at the end. */
    private static final Map<String, Map<String, Double>> TIMES = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Suite name to each step's pass or FAIL, and the doctor's verdict, for the table at the end. */
    private static final Map<String, Map<String, String>> OUTCOMES = new ConcurrentHashMap<>();

    /** One line of compat/suites. */
    record Suite(String name, String expect, List<String> packages) {
        boolean works() {
            return expect.equals("works");
        }
    }

    static List<Suite> suites() throws IOException {
        List<Suite> out = new ArrayList<>();
        for (String line : Files.readAllLines(REPO.resolve("compat/suites"))) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] cols = t.split("\\s+");
            String expect = null;
            List<String> pkgs = new ArrayList<>();
            for (int i = 1; i < cols.length; i++) {
                if (cols[i].startsWith("expect=")) {
                    expect = cols[i].substring("expect=".length());
                } else {
                    pkgs.add(cols[i]);
                }
            }
            assertTrue("works".equals(expect) || "refused".equals(expect),
                    "compat/suites: '" + cols[0] + "' needs expect=works or expect=refused: " + line);
            out.add(new Suite(cols[0], expect, pkgs));
        }
        assertTrue(!out.isEmpty(), "compat/suites lists no suite");
        return out;
    }

    @TestFactory
    Stream<DynamicNode> matrix() throws IOException {
        Capabilities.requireRoot();
        for (String tool : List.of("debootstrap", "unshare", "chroot", "flock")) {
            Capabilities.requireTool(tool);
        }
        List<Suite> suites = suites();
        System.out.println("compat: TEST_CLASSPATH=" + String.join(File.pathSeparator, classPath()));
        System.out.println("compat: bound into each chroot at the same paths: " + bindDirs());
        // Every chroot is built at once, a thread each (a build is mostly download), while the first suite's tests
        // wait for theirs. Not the common pool: with 2 CPUs or fewer it is one thread, and builds would queue.
        ExecutorService builders = Executors.newFixedThreadPool(suites.size(), r -> {
            Thread t = new Thread(r, "compat-build");
            t.setDaemon(true);
            return t;
        });
        Map<String, CompletableFuture<Result>> builds = new LinkedHashMap<>();
        for (Suite s : suites) {
            builds.put(s.name(), CompletableFuture.supplyAsync(() -> {
                try {
                    return run(List.of(REPO.resolve("compat/build-chroot.sh").toString(), s.name()), BUILD_TIMEOUT_S);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, builders));
        }
        builders.shutdown(); // its threads end with their builds
        return suites.stream().map(s -> dynamicContainer(s.name() + " (expect=" + s.expect() + ")",
                new SuiteRun(s, builds.get(s.name())).tests()));
    }

    /** The matrix at a glance: each suite's expectation, doctor's verdict, each step's outcome and the times. */
    @AfterAll
    static void printMatrix() {
        if (TIMES.isEmpty()) {
            return;
        }
        List<String> steps = List.of("chroot", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        StringBuilder b = new StringBuilder(String.format("CompatMatrixTest:%n  %-10s %-15s %-18s", "SUITE", "EXPECT",
                "DOCTOR: bpftrace"));
        steps.forEach(k -> b.append(String.format(" %-6s", k)));
        b.append(String.format(" %8s %8s%n", "build s", "tests s"));
        for (String suite : List.copyOf(TIMES.keySet())) { // in compat/suites order
            Map<String, Double> t = TIMES.get(suite);
            Map<String, String> o = OUTCOMES.getOrDefault(suite, Map.of());
            // the steps, less the time the first one spent waiting for the build
            double tests = steps.stream().mapToDouble(k -> t.getOrDefault(k, 0.0)).sum() - t.getOrDefault("wait", 0.0);
            b.append(String.format("  %-10s %-15s %-18s", suite, o.getOrDefault("expect", "?"),
                    o.getOrDefault("doctor", "?")));
            steps.forEach(k -> b.append(String.format(" %-6s", o.getOrDefault(k, "-"))));
            b.append(String.format(" %8.1f %8.1f%n", t.getOrDefault("build", 0.0), tests));
        }
        System.out.print(b);
    }

    /** One suite's tests, in order; the doctor's verdict is read once and held against every trace after it. */
    static final class SuiteRun {
        private final Suite suite;
        private final CompletableFuture<Result> build;
        private final Map<String, Double> times = Collections.synchronizedMap(new LinkedHashMap<>());
        private Result built;
        private String versions;
        private Verdict verdict;
        private String doctorFailure;

        SuiteRun(Suite suite, CompletableFuture<Result> build) {
            this.suite = suite;
            this.build = build;
            TIMES.put(suite.name(), times);
            OUTCOMES.computeIfAbsent(suite.name(), k -> Collections.synchronizedMap(new LinkedHashMap<>()))
                    .put("expect", "expect=" + suite.expect());
        }

        Stream<DynamicNode> tests() {
            return Stream.of(
                    step("chroot", "chroot: build, java, bpftrace and python3 versions", this::chroot),
                    step("a", "a. doctor says bpftrace is " + (suite.works() ? "available" : "NOT available"),
                            this::doctor),
                    step("b", "b. self-check --backend bpftrace", this::selfCheck),
                    step("c", "c. --json -- python3 (IP_TOS, TCP_NODELAY, SO_KEEPALIVE)", this::launch),
                    step("d", "d. -p PID of a running python3", this::pid),
                    step("e", "e. --changes-only: 50 identical calls", this::changesOnly),
                    step("f", "f. snapshot -p PID", this::snapshot),
                    step("g", "g. a static 32-bit program: socketcall and syscall 366", this::thirtyTwoBit),
                    step("h", "h. setsockopt through io_uring (4 requests, one fails)", this::ioUring),
                    step("i", "i. --count: 50 identical calls and 2 failing ones", this::count),
                    step("j", "j. batched (the default) and --no-batch: 2 threads x 500 calls, in time order",
                            this::batches));
        }

        private DynamicNode step(String key, String name, Executable body) {
            return dynamicTest(name, () -> {
                long t0 = System.nanoTime();
                String outcome = "FAIL";
                try {
                    body.execute();
                    outcome = "pass";
                } catch (AssertionError e) { // surefire names dynamic tests matrix()[1][3]: say which, up front
                    AssertionError named = new AssertionError("[" + suite.name() + "] " + name + ": " + e.getMessage());
                    named.setStackTrace(e.getStackTrace());
                    throw named;
                } finally {
                    times.put(key, (System.nanoTime() - t0) / 1e9);
                    System.out.printf("compat %s: %s: %s in %.1f s%n", suite.name(), name, outcome, times.get(key));
                    OUTCOMES.computeIfAbsent(suite.name(), k -> Collections.synchronizedMap(new LinkedHashMap<>()))
                            .put(key, outcome);
                }
            });
        }

        /** The chroot is built (compat/build-chroot.sh) and has the suite's java, bpftrace and python3. */
        private void chroot() throws Exception {
            ensureBuilt();
            Result v = inChroot(60, "sh", "-c", "java -version 2>&1 | head -1; bpftrace --version; python3 --version");
            assertEquals(0, v.exit(), v.describe());
            versions = v.stdout().strip().replace('\n', ';');
            System.out.println("compat " + suite.name() + ": " + versions);
        }

        private void ensureBuilt() throws Exception {
            if (built == null) {
                long t0 = System.nanoTime();
                try {
                    built = build.get(BUILD_TIMEOUT_S + 60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("building the " + suite.name() + " chroot: " + e.getCause(), e.getCause());
                }
                times.put("build", built.seconds());
                times.put("wait", (System.nanoTime() - t0) / 1e9);
                System.out.println("compat " + suite.name() + ": chroot ready after " + String.format("%.1f", built.seconds())
                        + " s (waited " + String.format("%.1f", (System.nanoTime() - t0) / 1e9) + " s): "
                        + built.stdout().strip());
            }
            assertEquals(0, built.exit(), "the " + suite.name() + " chroot did not build:\n" + built.describe());
        }

        /** a. doctor's bpftrace row: available, or NOT available with a reason; it must be what the suite expects. */
        private void doctor() throws Exception {
            Verdict v = verdict();
            if (suite.works()) {
                assertTrue(v.available(), "compat/suites expects bpftrace to work on " + suite.name() + ", but doctor says"
                        + " NOT available: " + v.reason() + "\n" + v.run().describe());
                // The 32-bit part is one of the tagged differences (raw_syscalls by offset or by field): it compiled too.
                assertTrue(v.reason().contains("; with its 32-bit part (--compat32) in "), "doctor did not say the"
                        + " probe's 32-bit part compiled on " + suite.name() + ": " + v.reason() + "\n"
                        + v.run().describe());
            } else {
                assertTrue(!v.available(), "compat/suites expects bpftrace to be refused on " + suite.name() + ", but"
                        + " doctor says available\n" + v.run().describe());
                assertNamesTheVersionFound(v.reason(), v.run());
            }
        }

        private Verdict verdict() throws Exception {
            if (doctorFailure != null) {
                throw new AssertionError("no verdict from doctor (see step a): " + doctorFailure.lines().findFirst()
                        .orElse(""));
            }
            if (verdict == null) {
                ensureBuilt();
                Result r = sockwatch(120, "doctor");
                try {
                    Matcher row = r.stdout().lines().map(DOCTOR_ROW::matcher).filter(Matcher::matches).findFirst()
                            .orElseThrow(() -> new AssertionError("doctor printed no bpftrace row\n" + r.describe()));
                    // 0 when some trace backend can run here, 3 when none can (this chroot has no strace or stap).
                    boolean anyTrace = r.stdout().lines().anyMatch(l -> TRACE_AVAILABLE.matcher(l).matches());
                    assertEquals(anyTrace ? 0 : 3, r.exit(), "doctor's exit: 0 if a trace backend is available, else 3\n"
                            + r.describe());
                    verdict = new Verdict(row.group(1).equals("available"), row.group(2), r);
                } catch (AssertionError e) {
                    doctorFailure = e.getMessage();
                    throw e;
                }
                OUTCOMES.get(suite.name()).put("doctor", verdict.available() ? "available" : "NOT available");
                System.out.println("compat " + suite.name() + ": doctor says bpftrace "
                        + (verdict.available() ? "available: " : "NOT available: ") + verdict.reason());
            }
            return verdict;
        }

        private String bpftraceVersion() throws Exception {
            Result r = inChroot(60, "bpftrace", "--version");
            Matcher m = VERSION.matcher(r.stdout());
            assertTrue(r.exit() == 0 && m.find(), "bpftrace --version\n" + r.describe());
            return m.group(1);
        }

        /** A refusal names the bpftrace version found here, the oldest that works (a second version) and strace. */
        private void assertNamesTheVersionFound(String line, Result r) throws Exception {
            String found = bpftraceVersion();
            assertTrue(line.contains(found), "the reason names the bpftrace found (" + found + "): " + line + "\n"
                    + r.describe());
            assertTrue(VERSION.matcher(line.replace(found, "")).find(), "the reason names the oldest bpftrace that"
                    + " works: " + line + "\n" + r.describe());
            assertTrue(line.contains("strace"), "the reason names an alternative (strace): " + line + "\n"
                    + r.describe());
        }

        /** What doctor said bpftrace does here: the trace must do exactly that. */
        private String doctorSaid() throws Exception {
            Verdict v = verdict();
            return "doctor said bpftrace " + (v.available() ? "available" : "NOT available: " + v.reason())
                    + " on " + suite.name() + " (" + versions + ")";
        }

        /** Doctor said NOT available: the run was refused, one line on stderr, exit 3, nothing launched. */
        private void assertRefused(Result r) throws Exception {
            String said = doctorSaid();
            assertEquals(3, r.exit(), said + ", so this must be refused with exit 3\n" + r.describe());
            // Notes of what sockwatch did first (mounting tracefs or debugfs) may come before the one error line.
            List<String> lines = r.stderr().lines().filter(l -> !l.isBlank() && !MOUNT_NOTE.matcher(l).matches())
                    .toList();
            assertEquals(1, lines.size(), said + ", so the refusal is one line\n" + r.describe());
            assertTrue(lines.get(0).startsWith("sockwatch: "), r.describe());
            assertNamesTheVersionFound(lines.get(0), r);
            assertEquals("", r.stdout(), "nothing traced, nothing launched\n" + r.describe());
        }

        /** b. */
        private void selfCheck() throws Exception {
            Result r = sockwatch(300, "self-check", "--backend", "bpftrace");
            if (verdict().available()) {
                assertEquals(0, r.exit(), doctorSaid() + ", so self-check must pass\n" + r.describe());
                assertTrue(r.stdout().contains("PASS: bpftrace saw the Java test app"), r.describe());
            } else {
                assertEquals(3, r.exit(), doctorSaid() + ", so self-check must say it cannot run here\n" + r.describe());
                String failLine = r.stdout().lines().filter(l -> l.startsWith("FAIL: ")).findFirst()
                        .orElseThrow(() -> new AssertionError("no FAIL line\n" + r.describe()));
                String found = bpftraceVersion();
                assertTrue(failLine.contains("bpftrace " + found), "the FAIL line names the bpftrace found (" + found
                        + ")\n" + r.describe());
            }
        }

        /** c. Launch mode: three options whose optnames collide (IP_TOS and TCP_NODELAY are both 1), level-correct. */
        private void launch() throws Exception {
            String program = String.join("\n",
                    "import os, socket, sys",
                    "sys.stderr.write('pid %d\\n' % os.getpid())",
                    "s = socket.socket()",
                    "s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 16)",
                    "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                    "s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)");
            Result r = sockwatch(180, "--backend", "bpftrace", "--json", "--", "python3", "-c", program);
            if (!verdict().available()) {
                assertRefused(r);
                return;
            }
            assertEquals(0, r.exit(), doctorSaid() + ", so the launch must trace\n" + r.describe());
            long pid = Long.parseLong(r.stderr().lines().filter(l -> l.startsWith("pid ")).findFirst()
                    .orElseThrow(() -> new AssertionError("python3 did not run\n" + r.describe())).substring(4));
            assertThreeOptions(jsonEvents(r), pid, r);
            assertTrue(r.stderr().contains("Summary: 3 events, 1 process"), r.describe());
        }

        /** d. -p: armed first (its "Watching" line), then the program sets its options, then exits; -p ends too. */
        private void pid() throws Exception {
            String program = String.join("\n",
                    "import os, socket, sys",
                    "s = socket.socket()",
                    "print('ready %d' % os.getpid(), flush=True)",
                    "sys.stdin.readline()",
                    "s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 16)",
                    "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                    "s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)",
                    "print('set', flush=True)",
                    "sys.stdin.readline()");
            try (Running target = start(chrootCommand("python3", "-c", program))) {
                long pid = Long.parseLong(target.awaitStdout("ready ", 60).substring(6));
                try (Running sw = start(sockwatchCommand("--backend", "bpftrace", "--json", "--duration", "120", "-p",
                        Long.toString(pid)))) {
                    String watching = sw.awaitStderr("Watching setsockopt calls of PID " + pid, 120);
                    if (watching == null) { // it ended before arming
                        Result r = sw.finish(30);
                        if (!verdict().available()) {
                            assertRefused(r);
                            return;
                        }
                        fail(doctorSaid() + ", so -p must arm\n" + r.describe());
                    }
                    assertTrue(verdict().available(), doctorSaid() + ", but -p armed: " + watching);
                    long armed = System.nanoTime();
                    target.send("go");
                    target.awaitStdout("set", 30);
                    target.send("exit");
                    assertTrue(target.process.waitFor(30, TimeUnit.SECONDS), "the watched program ended");
                    long exited = System.nanoTime();
                    Result r = sw.finish(60);
                    System.out.printf("compat %s: -p armed after %.1f s; the PID exited %.1f s later; sockwatch ended"
                            + " %.1f s after that%s%n", suite.name(), (armed - sw.t0) / 1e9, (exited - armed) / 1e9,
                            (System.nanoTime() - exited) / 1e9, System.nanoTime() - exited > 10e9
                                    ? "; its stderr:\n" + r.stderr() : "");
                    assertEquals(0, r.exit(), "-p ends by itself, 0, when its PID exits\n" + r.describe());
                    assertTrue(r.stderr().contains("sockwatch: PID " + pid + " has exited"), r.describe());
                    assertThreeOptions(jsonEvents(r), pid, r);
                }
            }
        }

        /**
         * i. --count: 50 TCP_NODELAY 1 calls and 2 failing ones (option 9999), counted exactly, nothing printed per
         * call; then with two names and two options, which the kernel filters as sets.
         */
        private void count() throws Exception {
            String program = "import socket\ns = socket.socket()\nfor i in range(50):\n"
                    + "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n"
                    + "for i in range(2):\n    try:\n        s.setsockopt(socket.SOL_SOCKET, 9999, 1)\n"
                    + "    except OSError:\n        pass\n";
            Result r = sockwatch(180, "--backend", "bpftrace", "--json", "--count", "--", "python3", "-c", program);
            if (!verdict().available()) {
                assertRefused(r);
                return;
            }
            assertEquals(0, r.exit(), doctorSaid() + ", so --count must count\n" + r.describe());
            List<JsonObject> lines = jsonLines(r);
            assertTrue(lines.stream().noneMatch(o -> o.has("ts")), "no call printed\n" + r.describe());
            List<JsonObject> counts = lines.stream().filter(o -> o.has("count")).toList();
            assertEquals(2, counts.size(), r.describe());
            assertOption(counts.get(0), "SOL_TCP", 6, "TCP_NODELAY", 1, r);
            assertEquals(1, counts.get(0).get("value").getAsInt(), r.describe());
            assertEquals(50, counts.get(0).get("count").getAsLong(), "exactly 50\n" + r.describe());
            assertEquals("ENOPROTOOPT", counts.get(1).get("errno").getAsString(), r.describe());
            assertEquals(2, counts.get(1).get("count").getAsLong(), r.describe());
            JsonObject total = lines.get(lines.size() - 1);
            assertEquals(52, total.get("counted").getAsLong(), r.describe());
            assertEquals(0, total.get("without_value").getAsLong(), r.describe());
            // names and options as sets in the kernel (@names, @opts: compiled only when given): the failing
            // option 9999 is not counted at all
            Result f = sockwatch(180, "--backend", "bpftrace", "--json", "--count", "-c", "python3", "-c", "nosuch",
                    "-o", "TCP_NODELAY", "-o", "SO_KEEPALIVE", "--", "python3", "-c", program);
            assertEquals(0, f.exit(), "--count with two names and two options\n" + f.describe());
            List<JsonObject> filtered = jsonLines(f);
            assertEquals(1, filtered.stream().filter(o -> o.has("count")).count(), f.describe());
            assertEquals(50, filtered.get(filtered.size() - 1).get("counted").getAsLong(),
                    "counted in the kernel: TCP_NODELAY's 50 only\n" + f.describe());
        }

        /**
         * j. Two threads alternate TCP_NODELAY 500 times each: batched (the default: slots sorted by kernel time)
         * and --no-batch (a printf per call) both show all 1000 calls, each thread's in its order, time-ordered.
         */
        private void batches() throws Exception {
            String program = "import socket, threading\ndef storm():\n    s = socket.socket()\n"
                    + "    for i in range(500):\n        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n"
                    + "ts = [threading.Thread(target=storm) for _ in range(2)]\nfor t in ts: t.start()\n"
                    + "for t in ts: t.join()\n";
            for (String mode : List.of("batched", "--no-batch")) {
                Result r = mode.equals("--no-batch")
                        ? sockwatch(180, "--backend", "bpftrace", "--json", "--no-batch", "--", "python3", "-c", program)
                        : sockwatch(180, "--backend", "bpftrace", "--json", "--", "python3", "-c", program);
                if (!verdict().available()) {
                    assertRefused(r);
                    return;
                }
                assertEquals(0, r.exit(), doctorSaid() + ", so " + mode + " must trace\n" + r.describe());
                List<JsonObject> events = jsonLines(r).stream().filter(o -> o.has("ts")).toList();
                assertEquals(1000, events.size(), mode + "\n" + r.describe());
                java.util.Map<Integer, Integer> next = new java.util.HashMap<>();
                String last = "";
                for (JsonObject e : events) {
                    String ts = e.get("ts").getAsString();
                    assertTrue(java.time.Instant.parse(ts).compareTo(java.time.Instant.parse(last.isEmpty() ? ts : last))
                            >= 0, mode + ": in time order, " + ts + " after " + last + "\n" + r.describe());
                    last = ts;
                    int tid = e.get("tid").getAsInt();
                    int i = next.merge(tid, 1, Integer::sum) - 1;
                    assertEquals(i % 2, e.get("value").getAsInt(), mode + ": thread " + tid + "'s call " + i + "\n"
                            + r.describe());
                }
                assertEquals(2, next.size(), mode + "\n" + r.describe());
            }
        }

        /** e. 50 identical TCP_NODELAY 1 calls on one socket: one event shown and exactly 49 repeats counted. */
        private void changesOnly() throws Exception {
            String program = "import socket\ns = socket.socket()\nfor i in range(50):\n"
                    + "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n";
            Result r = sockwatch(180, "--backend", "bpftrace", "--json", "--changes-only", "--", "python3", "-c",
                    program);
            if (!verdict().available()) {
                assertRefused(r);
                return;
            }
            assertEquals(0, r.exit(), doctorSaid() + ", so --changes-only must trace\n" + r.describe());
            List<JsonObject> lines = jsonLines(r);
            List<JsonObject> events = lines.stream().filter(o -> o.has("ts")).toList();
            List<JsonObject> repeats = lines.stream().filter(o -> o.has("repeats")).toList();
            assertEquals(1, events.size(), "one event shown\n" + r.describe());
            assertEquals(1, repeats.size(), "one repeat record\n" + r.describe());
            JsonObject e = events.get(0);
            JsonObject rep = repeats.get(0);
            assertOption(e, "SOL_TCP", 6, "TCP_NODELAY", 1, r);
            assertEquals(1, e.get("value").getAsInt(), r.describe());
            assertEquals(49, rep.get("repeats").getAsLong(), "exactly 49 repeats\n" + r.describe());
            assertOption(rep, "SOL_TCP", 6, "TCP_NODELAY", 1, r);
            assertEquals(e.get("pid").getAsLong(), rep.get("pid").getAsLong(), r.describe());
            assertEquals(e.get("fd").getAsInt(), rep.get("fd").getAsInt(), r.describe());
            assertTrue(r.stderr().contains("Summary: 1 event (changes only), 49 repeats counted in the kernel and not"
                    + " shown, 1 process"), r.describe());
            assertTrue(r.stderr().contains("set 50x (49 repeats not shown), final on"), r.describe());
        }

        /** f. snapshot reads TCP_NODELAY=1 (changed) from a running python3's socket, with no bpftrace involved. */
        private void snapshot() throws Exception {
            String program = String.join("\n",
                    "import os, socket, sys",
                    "s = socket.socket()",
                    "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                    "print('ready %d %d' % (os.getpid(), s.fileno()), flush=True)",
                    "sys.stdin.readline()");
            try (Running target = start(chrootCommand("python3", "-c", program))) {
                String[] ready = target.awaitStdout("ready ", 60).split(" ");
                long pid = Long.parseLong(ready[1]);
                int fd = Integer.parseInt(ready[2]);
                Result r = sockwatch(120, "snapshot", "-p", Long.toString(pid), "--json");
                assertEquals(0, r.exit(), "snapshot needs no bpftrace: it must work on every suite\n" + r.describe());
                assertEquals("", r.stderr(), "nothing on stderr (no JNA or JDK warning)\n" + r.describe());
                List<JsonObject> sockets = jsonLines(r);
                assertEquals(1, sockets.size(), "python3 holds one socket\n" + r.describe());
                JsonObject s = sockets.get(0);
                assertEquals(pid, s.get("pid").getAsLong(), r.describe());
                assertEquals(fd, s.get("fd").getAsInt(), r.describe());
                assertEquals("inet", s.get("family").getAsString(), r.describe());
                assertEquals("tcp", s.get("proto").getAsString(), r.describe());
                JsonObject options = s.getAsJsonObject("options");
                assertEquals(1, options.get("TCP_NODELAY").getAsInt(), r.describe());
                assertEquals(0, options.get("SO_KEEPALIVE").getAsInt(), r.describe());
                assertTrue(s.getAsJsonArray("changed").contains(new com.google.gson.JsonPrimitive("TCP_NODELAY")),
                        r.describe());
                assertTrue(target.process.isAlive(), "the target runs on");
            }
        }

        /**
         * g. testapp/native/setsockopt32.c, built -m32 -static on the host (it needs no library in the chroot),
         * launched: both 32-bit entries seen by this bpftrace's text of the probe's 32-bit part, with the 32-bit
         * layouts (SO_RCVTIMEO, 20, is an 8-byte timeval).
         */
        private void thirtyTwoBit() throws Exception {
            Path program = static32();
            for (String entry : List.of("socketcall", "syscall")) {
                Result r = run(chrootCommand(List.of(program.getParent()), sockwatchArgs("--backend", "bpftrace",
                        "--json", "--", program.toString(), entry)), 180);
                if (!verdict().available()) {
                    assertRefused(r);
                    return;
                }
                assertEquals(0, r.exit(), doctorSaid() + ", so a 32-bit program must be traced\n" + r.describe());
                assertTrue(r.stderr().contains(", 32-bit programs too (the command is a 32-bit program)"),
                        r.describe());
                // the program's own "done 3" shares stdout with the events
                List<JsonObject> events = r.stdout().lines().filter(l -> l.startsWith("{"))
                        .map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> o.has("ts")).toList();
                assertEquals(2, events.size(), entry + ": the program's two calls\n" + r.describe());
                assertOption(events.get(0), "SOL_TCP", 6, "TCP_NODELAY", 1, r);
                assertOption(events.get(1), "SOL_SOCKET", 1, "SO_RCVTIMEO", 20, r);
                assertEquals(1, events.get(0).get("value").getAsInt(), r.describe());
                JsonObject tv = events.get(1).getAsJsonObject("value");
                assertEquals(List.of(2, 500000, 8), List.of(tv.get("sec").getAsInt(), tv.get("usec").getAsInt(),
                        events.get(1).get("optlen").getAsInt()), r.describe());
                for (JsonObject e : events) {
                    assertEquals("32-bit", str(e.get("abi")), r.describe());
                    assertEquals("setsockopt32s", str(e.get("comm")), r.describe());
                }
            }
        }

        /**
         * h. testapp/native/uring_setsockopt.c (static) launched: its four io_uring requests seen by this
         * bpftrace's text of the probe's io_uring part, values and results as the program's own completions say.
         */
        private void ioUring() throws Exception {
            Path program = staticProgram("uring_setsockopt.c", "uring_setsockopt");
            Result r = run(chrootCommand(List.of(program.getParent()), sockwatchArgs("--backend", "bpftrace",
                    "--json", "--", program.toString())), 180);
            if (!verdict().available()) {
                assertRefused(r);
                return;
            }
            assertEquals(0, r.exit(), doctorSaid() + ", so io_uring requests must be traced\n" + r.describe());
            List<JsonObject> events = r.stdout().lines().filter(l -> l.startsWith("{"))
                    .map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> o.has("ts")).toList();
            assertEquals(List.of("TCP_NODELAY", "SO_KEEPALIVE", "TCP_KEEPIDLE", "null"), events.stream()
                    .map(e -> str(e.get("option")) == null ? "null" : str(e.get("option"))).toList(), r.describe());
            assertEquals(List.of(0, 0, 0, -92), events.stream().map(e -> e.get("ret").getAsInt()).toList(),
                    r.describe());
            assertTrue(r.stdout().contains("res 4 -92\n"), "the program's own completion\n" + r.describe());
            assertOption(events.get(0), "SOL_TCP", 6, "TCP_NODELAY", 1, r);
            assertEquals(30, events.get(2).get("value").getAsInt(), r.describe());
            for (JsonObject e : events) {
                assertEquals("io_uring", str(e.get("via")), r.describe());
                assertEquals("tcp", str(e.get("proto")), r.describe());
            }
        }

        /** IP_TOS=16 (SOL_IP), TCP_NODELAY=1 (SOL_TCP), SO_KEEPALIVE=1 (SOL_SOCKET), in order, by pid, all ok. */
        private void assertThreeOptions(List<JsonObject> events, long pid, Result r) {
            assertEquals(List.of("IP_TOS", "TCP_NODELAY", "SO_KEEPALIVE"),
                    events.stream().map(e -> e.get("option").isJsonNull() ? "null" : e.get("option").getAsString())
                            .toList(), r.describe());
            assertOption(events.get(0), "SOL_IP", 0, "IP_TOS", 1, r);
            assertOption(events.get(1), "SOL_TCP", 6, "TCP_NODELAY", 1, r);
            assertOption(events.get(2), "SOL_SOCKET", 1, "SO_KEEPALIVE", 9, r);
            assertEquals(List.of(16, 1, 1), events.stream().map(e -> e.get("value").getAsInt()).toList(), r.describe());
            assertEquals(List.of("10000000", "01000000", "01000000"),
                    events.stream().map(e -> e.get("raw").getAsString()).toList(), r.describe());
            for (JsonObject e : events) {
                assertEquals(pid, e.get("pid").getAsLong(), r.describe());
                assertEquals("python3", e.get("comm").getAsString(), r.describe());
                assertEquals(events.get(0).get("fd").getAsInt(), e.get("fd").getAsInt(), "one socket\n" + r.describe());
                assertEquals(4, e.get("optlen").getAsInt(), r.describe());
                assertEquals("inet", str(e.get("family")), r.describe());
                assertEquals("tcp", str(e.get("proto")), r.describe());
            }
        }

        private void assertOption(JsonObject e, String level, int levelNum, String option, int optname, Result r) {
            String at = e + "\n" + r.describe();
            assertEquals(level, str(e.get("level")), at);
            assertEquals(levelNum, e.get("level_num").getAsInt(), at);
            assertEquals(option, str(e.get("option")), at);
            assertEquals(optname, e.get("optname").getAsInt(), at);
            assertEquals(0, e.get("ret").getAsInt(), at);
            assertTrue(e.get("errno").isJsonNull(), at);
            assertTrue(e.get("ok").getAsBoolean(), at);
            assertEquals("bpftrace", str(e.get("backend")), at);
        }

        private static String str(JsonElement e) {
            return e == null || e.isJsonNull() ? null : e.getAsString();
        }

        private static List<JsonObject> jsonLines(Result r) {
            List<JsonObject> out = new ArrayList<>();
            for (String l : r.stdout().lines().toList()) {
                try {
                    out.add(JsonParser.parseString(l).getAsJsonObject());
                } catch (RuntimeException e) {
                    throw new AssertionError("not a JSON line: " + l + "\n" + r.describe(), e);
                }
            }
            return out;
        }

        private static List<JsonObject> jsonEvents(Result r) {
            return jsonLines(r).stream().filter(o -> o.has("ts")).toList();
        }

        // --- running things in the chroot

        private Result sockwatch(long timeoutSeconds, String... args) throws Exception {
            return run(sockwatchCommand(args), timeoutSeconds);
        }

        private Result inChroot(long timeoutSeconds, String... cmd) throws Exception {
            return run(chrootCommand(cmd), timeoutSeconds);
        }

        /** The chroot's own java, on this build's class path (bound into the chroot at the same paths). */
        private List<String> sockwatchCommand(String... args) {
            return chrootCommand(List.of(), sockwatchArgs(args));
        }

        private static String[] sockwatchArgs(String... args) {
            // the JVM options of scripts/sockwatch.java's //JAVA_OPTIONS that matter here (JNA on JDK 24+: no warning)
            List<String> cmd = new ArrayList<>(List.of("java", "--enable-native-access=ALL-UNNAMED",
                    "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp",
                    String.join(File.pathSeparator, classPath()), "sockwatch.cli.Main"));
            cmd.addAll(List.of(args));
            return cmd.toArray(String[]::new);
        }

        private List<String> chrootCommand(String... cmd) {
            return chrootCommand(List.of(), cmd);
        }

        /** cmd in the chroot, with the class path's directories and these further ones bound at the same paths. */
        private List<String> chrootCommand(List<Path> moreBinds, String... cmd) {
            List<String> out = new ArrayList<>(List.of(REPO.resolve("compat/chroot-run.sh").toString(), suite.name()));
            for (Path dir : Stream.concat(bindDirs().stream(), moreBinds.stream()).toList()) {
                out.add("--bind");
                out.add(dir.toString());
            }
            out.add("--");
            out.addAll(List.of(cmd));
            return out;
        }
    }

    private static final Map<String, Path> PROGRAMS = new ConcurrentHashMap<>();

    /** testapp/native/setsockopt32.c built once, -m32 -static. */
    static Path static32() throws Exception {
        return staticProgram("setsockopt32.c", "setsockopt32s", "-m32");
    }

    /**
     * A test program of testapp/native built once, -static (it needs no library in the chroot), in this
     * checkout's target/compat-programs (not a shared folder).
     */
    static synchronized Path staticProgram(String source, String name, String... flags) throws Exception {
        Path built = PROGRAMS.get(name);
        if (built == null) {
            Path dir = REPO.resolve("target/compat-programs");
            Files.createDirectories(dir);
            built = dir.resolve(name);
            List<String> cmd = new ArrayList<>(List.of("gcc"));
            cmd.addAll(List.of(flags));
            cmd.addAll(List.of("-static", "-O2", "-Wall", "-o", built.toString(),
                    REPO.resolve("testapp/native").resolve(source).toString()));
            Result r = run(cmd, 120);
            assertEquals(0, r.exit(), String.join(" ", cmd) + " (test.sh installs gcc-multilib for -m32)\n"
                    + r.describe());
            PROGRAMS.put(name, built);
        }
        return built;
    }

    /** doctor's bpftrace row. */
    record Verdict(boolean available, String reason, Result run) {
    }

    /** This JVM's class path, absolute (surefire puts the real entries in java.class.path). */
    static List<String> classPath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                out.add(Path.of(e).toAbsolutePath().normalize().toString());
            }
        }
        return out;
    }

    /** The directories that hold the class path (each jar's directory, each class directory), none inside another. */
    static List<Path> bindDirs() {
        TreeSet<Path> dirs = new TreeSet<>();
        for (String e : classPath()) {
            Path p = Path.of(e);
            Path dir = Files.isDirectory(p) ? p : p.getParent();
            if (dir != null && Files.isDirectory(dir)) {
                dirs.add(dir);
            }
        }
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) { // sorted: a parent comes before what is inside it
            if (out.stream().noneMatch(d::startsWith)) {
                out.add(d);
            }
        }
        return out;
    }

    /** A finished command: what ran, its exit code, stdout and stderr, and how long it took. */
    record Result(List<String> command, int exit, String stdout, String stderr, double seconds) {
        String describe() {
            return "command: " + shown(command)
                    + "\nexit: " + exit + String.format(" (%.1f s)", seconds)
                    + "\nstdout:\n" + indent(stdout) + "stderr:\n" + indent(stderr);
        }
    }

    /** A command as a shell would take it, with the class path and its --bind list abbreviated. */
    static String shown(List<String> command) {
        String cp = String.join(File.pathSeparator, classPath());
        List<String> words = new ArrayList<>();
        boolean binds = false;
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).equals("--bind") && i + 1 < command.size()) {
                if (!binds) {
                    words.add("--bind DIR (each class path directory)");
                    binds = true;
                }
                i++;
            } else {
                words.add(command.get(i).equals(cp) ? "$TEST_CLASSPATH" : quote(command.get(i)));
            }
        }
        return String.join(" ", words);
    }

    static String quote(String s) {
        return s.matches("[\\w@%+=:,./-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static String indent(String s) {
        return s.isEmpty() ? "  (empty)\n" : s.lines().map(l -> "  | " + l + "\n").reduce("", String::concat);
    }

    static Result run(List<String> cmd, long timeoutSeconds) throws Exception {
        try (Running r = start(cmd)) {
            return r.finish(timeoutSeconds);
        }
    }

    static Running start(List<String> cmd) throws IOException {
        return new Running(cmd, new ProcessBuilder(cmd).start());
    }

    /**
     * A started command, its stdout and stderr read line by line as they come. Closing it ends it and everything it
     * started (chroot-run.sh execs the command, so the process is the command itself, e.g. sockwatch's JVM): SIGTERM
     * first so sockwatch stops its bpftrace, then SIGKILL for whatever is left.
     */
    static final class Running implements AutoCloseable {
        final List<String> command;
        final Process process;
        final long t0 = System.nanoTime();
        private final Stream2 out;
        private final Stream2 err;

        Running(List<String> command, Process process) {
            this.command = command;
            this.process = process;
            this.out = new Stream2(process.getInputStream());
            this.err = new Stream2(process.getErrorStream());
        }

        /** Waits for a stdout line starting with prefix; fails (showing everything) if it does not come. */
        String awaitStdout(String prefix, long timeoutSeconds) throws Exception {
            String line = out.awaitMatching(l -> l.startsWith(prefix), timeoutSeconds);
            if (line == null) {
                throw new AssertionError("no stdout line '" + prefix + "...' within " + timeoutSeconds + " s\n"
                        + snapshot().describe());
            }
            return line;
        }

        /** A stderr line containing text, or null if the process ended (or the time ran out) without one. */
        String awaitStderr(String text, long timeoutSeconds) throws Exception {
            return err.awaitMatching(l -> l.contains(text), timeoutSeconds);
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        Result finish(long timeoutSeconds) throws Exception {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                close();
                throw new AssertionError("did not end within " + timeoutSeconds + " s (killed)\n" + snapshot().describe());
            }
            out.thread.join(10_000);
            err.thread.join(10_000);
            return snapshot();
        }

        private Result snapshot() {
            return new Result(command, process.isAlive() ? -1 : process.exitValue(), out.text(), err.text(),
                    (System.nanoTime() - t0) / 1e9);
        }

        @Override
        public void close() throws InterruptedException {
            if (!process.isAlive()) {
                return;
            }
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                tree.addAll(process.descendants().toList());
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : tree) {
                h.destroyForcibly();
            }
        }
    }

    /** One output stream, read by its own thread: every line kept, and offered to whoever waits for one. */
    static final class Stream2 {
        private final StringBuffer all = new StringBuffer();
        private final BlockingQueue<String> fresh = new LinkedBlockingQueue<>();
        private final Thread thread;
        private static final String EOF = new String("EOF");

        Stream2(InputStream in) {
            thread = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        all.append(l).append('\n');
                        fresh.add(l);
                    }
                } catch (IOException ignored) {
                    // it ended
                } finally {
                    fresh.add(EOF);
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            return all.toString();
        }

        String awaitMatching(java.util.function.Predicate<String> wanted, long timeoutSeconds)
                throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                String l = fresh.poll(100, TimeUnit.MILLISECONDS);
                if (l == EOF) {
                    fresh.add(EOF);
                    return null;
                }
                if (l != null && wanted.test(l)) {
                    return l;
                }
            }
            return null;
        }
    }
}
