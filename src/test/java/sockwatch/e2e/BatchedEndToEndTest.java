package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * Every call through the probe's batches (the default) on the real kernel: all of them, in time order across
 * threads, each thread's values in the order it set them, the exit after the last one; the same as --no-batch.
 */
class BatchedEndToEndTest {
    /** Two threads alternate TCP_NODELAY on sockets of their own, 3000 calls each, then the process exits. */
    static final String TWO_THREADS = String.join("\n",
            "import socket, threading",
            "def storm():",
            "    s = socket.socket()",
            "    for i in range(3000):",
            "        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)",
            "ts = [threading.Thread(target=storm) for _ in range(2)]",
            "for t in ts: t.start()",
            "for t in ts: t.join()",
            "socket.socket().setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)");

    @BeforeEach
    void needsBpftrace() {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
    }

    private static List<JsonObject> events(SockwatchRun.Result r) {
        return r.stdout().lines().filter(l -> l.startsWith("{\"ts\""))
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    @Test
    void everyCallArrivesInTimeOrderWithEachThreadsValuesInItsOrder() throws Exception {
        SockwatchRun.Result r = SockwatchRun.run(180, "--backend", "bpftrace", "--json", "--", "python3", "-c",
                TWO_THREADS);
        assertEquals(0, r.exit(), r.stderr());
        assertFalse(r.stderr().contains("LOST"), r.stderr());
        List<JsonObject> events = events(r);
        assertEquals(6001, events.size(), r.stderr());
        Instant last = Instant.MIN;
        Map<Integer, List<Integer>> byThread = new TreeMap<>();
        for (JsonObject e : events) {
            Instant ts = Instant.parse(e.get("ts").getAsString());
            assertFalse(ts.isBefore(last), "in time order: " + ts + " after " + last);
            last = ts;
            if (e.get("option").getAsString().equals("TCP_NODELAY")) {
                byThread.computeIfAbsent(e.get("tid").getAsInt(), t -> new ArrayList<>()).add(e.get("value").getAsInt());
            }
        }
        assertEquals(2, byThread.size(), byThread.keySet().toString());
        for (List<Integer> values : byThread.values()) {
            assertEquals(3000, values.size());
            for (int i = 0; i < values.size(); i++) {
                assertEquals(i % 2, values.get(i), "the thread's call " + i);
            }
        }
        // the process's exit is held until its last batch is out: the last call is there, and the summary counts it
        assertEquals("SO_KEEPALIVE", events.get(events.size() - 1).get("option").getAsString());
        assertTrue(r.stderr().contains("Summary: 6001 events, 1 process"), r.stderr());
    }

    @Test
    void noBatchShowsTheSameCalls() throws Exception {
        SockwatchRun.Result batched = SockwatchRun.run(180, "--backend", "bpftrace", "--json", "--", "python3", "-c",
                TWO_THREADS);
        SockwatchRun.Result each = SockwatchRun.run(180, "--backend", "bpftrace", "--json", "--no-batch", "--",
                "python3", "-c", TWO_THREADS);
        assertEquals(0, each.exit(), each.stderr());
        assertEquals(0, batched.exit(), batched.stderr());
        assertEquals(shape(events(batched)), shape(events(each)));
    }

    @Test
    void callsASlotHadNoRoomForAreReportedLostToTheLastOne() throws Exception {
        // slots of 64 calls (SOCKWATCH_BPFTRACE_MAP_KEYS; 16384 by default): 20000 calls in well under a second
        // overflow them; what arrives and what is reported lost must add up to every call the program made
        String storm = "import socket\ns = socket.socket()\nfor i in range(20000):\n"
                + "    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n";
        ProcessBuilder pb = new ProcessBuilder(SockwatchRun.javaCommand("sockwatch.cli.Main", "--backend",
                "bpftrace", "--json", "--", "python3", "-c", storm));
        pb.environment().put("SOCKWATCH_BPFTRACE_MAP_KEYS", "64");
        SockwatchRun.Result r = SockwatchRun.finish(pb.start(), 180);
        assertEquals(0, r.exit(), r.stderr());
        long shown = events(r).size();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Summary: (\\d+) events?, [^,]*, (\\d+) LOST by the"
                + " backend").matcher(r.stderr());
        assertTrue(m.find(), r.stderr());
        assertEquals(shown, Long.parseLong(m.group(1)), r.stderr());
        long lost = Long.parseLong(m.group(2));
        assertTrue(lost > 0 && shown > 0, "some lost, some shown: " + shown + " + " + lost);
        assertEquals(20000, shown + lost, r.stderr());
        assertTrue(r.stderr().contains("sockwatch: the backend LOST"), "said while it ran: " + r.stderr());
    }

    /**
     * An idle watch prints nothing: the probe passes over the 33.5 ms slots in which no call was made and no watched
     * process exited (it used to print three lines for each, 30 times a second). The probe, as doctor --probe
     * prints it for this bpftrace, watches a program that sleeps, makes one call, sleeps and exits: about 70 slots
     * go by, and only the call's and the exit's are drained before bpftrace is stopped.
     */
    @Test
    void idleSlotsArePassedOverAndTheCallAndExitStillDrained() throws Exception {
        SockwatchRun.Result probe = SockwatchRun.run(60, "doctor", "--probe");
        assertEquals(0, probe.exit(), probe.stderr());
        Process app = new ProcessBuilder("python3", "-c", "import socket, sys, time\nsys.stdin.readline()\n"
                + "time.sleep(1.2)\nsocket.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n"
                + "time.sleep(1.2)\n").start();
        // batched ($10 = 1) with the budget of the probe header's by-hand example; one call never reaches it
        ProcessBuilder pb = new ProcessBuilder("bpftrace", "-B", "line", "--no-warnings", "-e", probe.stdout(),
                Long.toString(app.pid()), "0", "0", "0", "0", "0", "0", "0", "0", "1", "1024", "8192")
                .redirectErrorStream(true);
        pb.environment().put("BPFTRACE_MAP_KEYS_MAX", "16384");   // 0.17's name
        pb.environment().put("BPFTRACE_MAX_MAP_KEYS", "16384");   // 0.19's and later
        Process bt = pb.start();
        List<String> lines = new ArrayList<>();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(bt.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.equals("SW1 READY")) {
                    app.getOutputStream().write('\n');   // the program starts its sleeps once the probe is armed
                    app.getOutputStream().flush();
                }
                if (line.startsWith("SW1 EXIT ")) {
                    Thread.sleep(300);   // the exit's slot is drained two slots (67 ms) later
                    new ProcessBuilder("kill", "-INT", Long.toString(bt.pid())).start().waitFor();
                }
            }
        } finally {
            bt.destroyForcibly();
            app.destroyForcibly();
        }
        // END prints the four slots not drained yet (then @made and SW1 END): the watch's own output is before them
        int made = firstStartingWith(lines, "@made: ");
        List<String> seen = lines.subList(0, Math.max(made, 0)).stream()
                .filter(l -> l.startsWith("SW1 ") || l.startsWith("@")).toList();
        int exit = firstStartingWith(seen, "SW1 EXIT ");
        assertTrue(exit > 0 && made > 0 && lines.contains("SW1 END"), String.join("\n", lines));
        List<String> drains = seen.stream().filter(l -> l.startsWith("SW1 DRAINED ")).toList();
        assertTrue(seen.subList(0, exit).stream()
                .anyMatch(l -> l.startsWith("@e") && l.contains(", 25769803777,")),
                "the call (SOL_TCP 6, TCP_NODELAY 1) was drained before the exit came: " + seen);
        assertEquals(2 + 4, drains.size(), "only the call's and the exit's slots, then END's four: " + seen);
        // READY, SEEN, the call with its slot's count and drain, the exit with its slot's count and drain, END's
        // four counts and drains: nothing while idle
        assertEquals(2 + 3 + 3 + 4 * 2, seen.size(), "nothing printed while idle: " + seen);
    }

    /** The index of the first line that starts with {@code prefix}, or -1. */
    private static int firstStartingWith(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** What a call was, without what differs between two runs (times, PIDs, ports). */
    private static List<String> shape(List<JsonObject> events) {
        Map<String, Integer> seen = new TreeMap<>();
        for (JsonObject e : events) {
            seen.merge(e.get("option").getAsString() + "=" + e.get("value") + " " + e.get("proto").getAsString()
                    + " ok=" + e.get("ok").getAsBoolean(), 1, Integer::sum);
        }
        return seen.entrySet().stream().map(x -> x.getKey() + " x" + x.getValue()).toList();
    }
}
