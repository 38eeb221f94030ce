package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/** --count on the real kernel: a program making a known number of calls gets exactly those counts. */
class CountEndToEndTest {
    /**
     * 5 TCP_NODELAY 0 as python3, then, renamed to "swcount", 1000 TCP_NODELAY 1, 3 failing calls (option 9999:
     * ENOPROTOOPT) and SO_RCVBUF 65536 on the TCP socket and on a unix one: 1010 calls.
     */
    static final String CALLS = String.join("\n",
            "import ctypes, socket",
            "s = socket.socket()",
            "u = socket.socket(socket.AF_UNIX)",
            "for i in range(5):",
            "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)",
            "ctypes.CDLL(None).prctl(15, b'swcount', 0, 0, 0)",
            "for i in range(1000):",
            "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
            "for i in range(3):",
            "    try:",
            "        s.setsockopt(socket.SOL_SOCKET, 9999, 1)",
            "    except OSError:",
            "        pass",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)",
            "u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)");

    @BeforeEach
    void needsBpftrace() {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
    }

    private record Counts(List<String> rows, JsonObject total, List<JsonObject> records) {
    }

    private static Counts count(String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--json", "--count"));
        args.addAll(List.of(options));
        args.addAll(List.of("--", "python3", "-c", CALLS));
        SockwatchRun.Result r = SockwatchRun.run(120, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.stderr());
        List<JsonObject> lines = r.stdout().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertTrue(lines.stream().noneMatch(o -> o.has("ts")), "no call printed: " + r.stdout());
        List<JsonObject> records = lines.stream().filter(o -> o.has("count")).toList();
        List<JsonObject> totals = lines.stream().filter(o -> o.has("counted")).toList();
        assertEquals(1, totals.size(), r.stdout());
        assertEquals(lines.get(lines.size() - 1), totals.get(0), "the total comes last");
        List<String> rows = records.stream().map(o -> o.get("comm").getAsString() + " "
                + (o.get("option").isJsonNull() ? o.get("optname").getAsString() : o.get("option").getAsString())
                + "=" + o.get("value") + " " + (o.get("ok").getAsBoolean() ? "ok" : o.get("errno").getAsString())
                + " x" + o.get("count").getAsLong()).toList();
        return new Counts(rows, totals.get(0), records);
    }

    @Test
    void everyCallIsCountedExactlyByOptionValueAndResult() throws Exception {
        Counts c = count();
        // the name is the one the process had at its first counted call
        assertEquals(List.of("python3 TCP_NODELAY=1 ok x1000", "python3 TCP_NODELAY=0 ok x5",
                "python3 9999=\"0x01000000\" ENOPROTOOPT x3", "python3 SO_RCVBUF=65536 ok x2"), c.rows());
        assertEquals(1010, c.total().get("counted").getAsLong());
        assertEquals(0, c.total().get("without_value").getAsLong());
        assertEquals("bpftrace", c.total().get("backend").getAsString());
    }

    @Test
    void aNameIsFilteredInTheKernel() throws Exception {
        Counts c = count("-c", "swcount");
        assertEquals(List.of("swcount TCP_NODELAY=1 ok x1000", "swcount 9999=\"0x01000000\" ENOPROTOOPT x3",
                "swcount SO_RCVBUF=65536 ok x2"), c.rows());
        assertEquals(1005, c.total().get("counted").getAsLong());
    }

    /** Two to four names go to the kernel too (@names): what it counts is only theirs. */
    @Test
    void severalNamesAreFilteredInTheKernel() throws Exception {
        Counts c = count("-c", "swcount", "-c", "no-such-name");
        assertEquals(List.of("swcount TCP_NODELAY=1 ok x1000", "swcount 9999=\"0x01000000\" ENOPROTOOPT x3",
                "swcount SO_RCVBUF=65536 ok x2"), c.rows());
        assertEquals(1005, c.total().get("counted").getAsLong(), "counted in the kernel: swcount's calls only");
        Counts both = count("-c", "python3", "-c", "swcount", "-c", "no-such-name");
        assertEquals(1010, both.total().get("counted").getAsLong(), "before and after the rename");
    }

    @Test
    void anOptionIsFilteredInTheKernel() throws Exception {
        Counts c = count("-o", "TCP_NODELAY");
        assertEquals(List.of("python3 TCP_NODELAY=1 ok x1000", "python3 TCP_NODELAY=0 ok x5"), c.rows());
        assertEquals(1005, c.total().get("counted").getAsLong());
    }

    /** Two to eight options, or levels, go to the kernel as a set (@opts): what it counts is only theirs. */
    @Test
    void severalOptionsOrLevelsAreFilteredInTheKernel() throws Exception {
        Counts c = count("-o", "TCP_NODELAY", "-o", "SO_RCVBUF", "-o", "SO_KEEPALIVE");
        // (the name is the one at its first counted call: before the rename)
        assertEquals(List.of("python3 TCP_NODELAY=1 ok x1000", "python3 TCP_NODELAY=0 ok x5",
                "python3 SO_RCVBUF=65536 ok x2"), c.rows());
        assertEquals(1007, c.total().get("counted").getAsLong(), "counted in the kernel: those options only");
        Counts levels = count("--level", "SOL_SOCKET", "--level", "SOL_IP");
        assertEquals(List.of("swcount 9999=\"0x01000000\" ENOPROTOOPT x3", "swcount SO_RCVBUF=65536 ok x2"),
                levels.rows());
        assertEquals(5, levels.total().get("counted").getAsLong(), "counted in the kernel: those levels only");
        Counts none = count("-o", "TCP_NODELAY", "--level", "SOL_SOCKET");
        assertEquals(List.of(), none.rows());
        assertEquals(0, none.total().get("counted").getAsLong(), "an option at a level not asked for: nothing");
    }

    @Test
    void tcpOnlyLeavesOutTheUnixSocket() throws Exception {
        Counts c = count("--tcp", "--level", "SOL_SOCKET");
        // (its first counted call came after the rename)
        assertEquals(List.of("swcount 9999=\"0x01000000\" ENOPROTOOPT x3", "swcount SO_RCVBUF=65536 ok x1"),
                c.rows());
        assertEquals(4, c.total().get("counted").getAsLong());
    }

    @Test
    void theTextTableGoesToStdout() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(120, "--count", "--", "python3", "-c", CALLS);
        assertEquals(0, r.exit(), r.stderr());
        List<String> lines = r.stdout().lines().toList();
        assertEquals("Counted in the kernel by bpftrace: 1010 calls, 1 process", lines.get(0), r.stdout());
        assertTrue(lines.get(1).matches("  PID \\d+ 'python3':"), r.stdout());
        assertTrue(lines.get(2).matches("    TCP_NODELAY \\(SOL_TCP\\) +on +ok +1000x"), r.stdout());
        assertEquals(6, lines.size(), r.stdout());
        assertTrue(r.stderr().contains("counting only"), r.stderr());
    }

    @Test
    void theCountsGoToTheOutputFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("counts.jsonl");
        SockwatchRun.Result r = SockwatchRun.run(120, "--count", "--json", "--output", file.toString(), "--",
                "python3", "-c", CALLS);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("", r.stdout());
        List<JsonObject> lines = java.nio.file.Files.readAllLines(file).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(List.of(1000L, 5L, 3L, 2L), lines.stream().filter(o -> o.has("count"))
                .map(o -> o.get("count").getAsLong()).toList(), lines.toString());
        assertEquals(1010, lines.get(lines.size() - 1).get("counted").getAsLong());
    }

    @Test
    void backendsThatCannotCountInTheKernelAreRefusedInOneLine() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(60, "--count", "--backend", "strace", "--", "true");
        assertEquals(3, r.exit(), r.stderr());
        assertEquals("sockwatch: --count needs a backend that counts calls in the kernel (bpftrace); strace cannot",
                r.stderr().strip());
        assertEquals("", r.stdout());
    }

    /** Starts sockwatch, waits for its banner (the probe is armed), and returns it with the stderr read so far. */
    private static Process armed(StringBuilder err, String... args) throws Exception {
        Process p = SockwatchRun.start(args);
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            err.append(line).append('\n');
            if (line.startsWith("Watching")) {
                break;
            }
        }
        Thread reader = new Thread(() -> r.lines().forEach(l -> err.append(l).append('\n')));
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static List<JsonObject> json(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        return out.lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    @Test
    void aRunningProcessIsCountedUntilItExits() throws Exception {
        java.nio.file.Path go = java.nio.file.Files.createTempDirectory("swcount").resolve("go");
        Process target = new ProcessBuilder("python3", "-c", "import os, time\nwhile not os.path.exists('" + go
                + "'):\n    time.sleep(0.05)\n" + CALLS).start();
        try {
            StringBuilder err = new StringBuilder();
            Process sw = armed(err, "--json", "--count", "-p", Long.toString(target.pid()));
            java.nio.file.Files.createFile(go);
            List<JsonObject> out = json(sw);
            assertEquals(0, sw.exitValue(), err.toString());
            assertEquals(List.of(1000L, 5L, 3L, 2L), out.stream().filter(o -> o.has("count"))
                    .map(o -> o.get("count").getAsLong()).toList(), out.toString());
            assertEquals(1010, out.get(out.size() - 1).get("counted").getAsLong());
        } finally {
            target.destroyForcibly();
        }
    }

    @Test
    void aWatchWithADurationCountsWhatRanMeanwhile() throws Exception {
        StringBuilder err = new StringBuilder();
        Process sw = armed(err, "--json", "--count", "--duration", "4", "-c", "swcount");
        Process target = new ProcessBuilder("python3", "-c", CALLS).start();
        assertTrue(target.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        List<JsonObject> out = json(sw);
        assertEquals(0, sw.exitValue(), err.toString());
        assertEquals(List.of(1000L, 3L, 2L), out.stream().filter(o -> o.has("count") && o.get("pid").getAsLong()
                == target.pid()).map(o -> o.get("count").getAsLong()).toList(), out.toString());
    }
}
