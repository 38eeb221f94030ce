package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * --output FILE: events in FILE (valid JSON lines, appended), the command's own stdout apart, no symlink followed,
 * and log rotation followed.
 */
class OutputFileTest {
    private static final String PROGRAM = "import socket; s = socket.socket(); s.setsockopt(6, 1, 1); print('own stdout')";

    @TempDir
    Path dir;

    /**
     * --json ends with the summary as records: per process and option, each socket's final value grouped as in
     * the text (never one "final" for sockets that ended differently), then one record for the watch.
     */
    @Test
    void theJsonSummaryTellsEachSocketsFinalValue() throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
        Path file = dir.resolve("summary.jsonl");
        String program = "import socket\n"
                + "a, b, c = socket.socket(), socket.socket(), socket.socket()\n"
                + "for s in (a, b, c): s.setsockopt(6, 1, 1)\n"
                + "c.setsockopt(6, 1, 0)\n"
                + "print(a.fileno(), b.fileno(), c.fileno())\n";
        SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--output", file.toString(), "--", "python3", "-c",
                program);
        assertEquals(0, r.exit(), r.stderr());
        String[] fds = r.stdout().strip().split(" ");
        List<com.google.gson.JsonObject> objs = Files.readAllLines(file).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(4, objs.stream().filter(o -> o.has("ts")).count(), objs.toString());
        List<com.google.gson.JsonObject> options = objs.stream().filter(o -> o.has("summary")
                && o.get("summary").getAsString().equals("option")).toList();
        assertEquals(1, options.size(), objs.toString());
        com.google.gson.JsonObject o = options.get(0);
        assertEquals("TCP_NODELAY", o.get("option").getAsString());
        assertEquals("SOL_TCP", o.get("level").getAsString());
        assertEquals(4, o.get("calls").getAsInt());
        assertEquals("python3", o.get("comm").getAsString());
        assertTrue(o.has("cmdline") && o.has("netns"), o.toString());
        var finals = o.getAsJsonArray("finals");
        assertEquals(2, finals.size(), o.toString());
        assertEquals(1, finals.get(0).getAsJsonObject().get("value").getAsInt());
        assertEquals("[" + fds[0] + "," + fds[1] + "]", finals.get(0).getAsJsonObject().get("fds").toString());
        assertEquals(0, finals.get(1).getAsJsonObject().get("value").getAsInt());
        assertEquals("[" + fds[2] + "]", finals.get(1).getAsJsonObject().get("fds").toString());
        assertEquals("inet", finals.get(1).getAsJsonObject().get("family").getAsString(), "a lone fd with its socket");
        for (com.google.gson.JsonObject rec : objs) {   // a summary record never passes for another kind
            if (rec.has("summary")) {
                assertFalse(rec.has("ts") || rec.has("repeats") || rec.has("count"), rec.toString());
            }
        }
        com.google.gson.JsonObject watch = objs.get(objs.size() - 1);
        assertEquals("watch", watch.get("summary").getAsString());
        assertEquals(4, watch.get("events").getAsInt());
        assertEquals(0, watch.get("lost").getAsInt());
        assertTrue(watch.get("blind_spots").isJsonArray(), watch.toString());
    }

    @Test
    void eventsGoToTheFileAndTheCommandKeepsItsStdout() throws Exception {
        Capabilities.requireBpftrace();
        Path file = dir.resolve("events.jsonl");
        for (int run = 1; run <= 2; run++) {
            SockwatchRun.Result r = SockwatchRun.run(120, "--json", "--output", file.toString(), "--", "python3", "-c",
                    PROGRAM);
            assertEquals(0, r.exit(), r.stderr());
            assertEquals("own stdout\n", r.stdout(), "only the command's output on stdout");
            assertTrue(r.stderr().contains("Summary: 1 event, 1 process"), r.stderr());
            List<String> lines = Files.readAllLines(file);
            List<com.google.gson.JsonObject> objs = lines.stream()
                    .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
            // per run: its event, then its summary (one record for the option, one for the watch)
            assertEquals(3 * run, lines.size(), "appended, one event and its summary per run: " + lines);
            assertEquals(run, objs.stream().filter(o -> o.has("ts")).count(), lines.toString());
            for (com.google.gson.JsonObject o : objs) {
                if (!o.has("summary") || o.get("summary").getAsString().equals("option")) {
                    assertEquals("TCP_NODELAY", o.get("option").getAsString());
                }
            }
            assertEquals(run, objs.stream().filter(o -> o.has("summary") && o.get("summary").getAsString()
                    .equals("watch")).count(), lines.toString());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    /**
     * Every way logrotate rotates, while one sockwatch keeps writing real events: rename then create (its
     * default), copytruncate, rename without create. The program sets TCP_KEEPIDLE to 101, 102, ... each time the
     * test asks (a file go1, go2, ... appears), so each event says which step it belongs to.
     */
    @Test
    void logRotationIsFollowed() throws Exception {
        Capabilities.requireBpftrace();
        Path file = dir.resolve("events.jsonl");
        String program = "import os, socket, sys, time\n"
                + "s = socket.socket()\n"
                + "for i in range(1, 5):\n"
                + "    while not os.path.exists(os.path.join(sys.argv[1], 'go%d' % i)): time.sleep(0.02)\n"
                + "    s.setsockopt(6, 4, 100 + i)\n";
        Process p = SockwatchRun.start("--json", "--output", file.toString(), "--", "python3", "-c", program,
                dir.toString());
        try {
            step(1, file);
            assertEquals(List.of(101L), keepIdles(file));

            // logrotate's default: rename, then create a new (empty) file
            Files.move(file, dir.resolve("events.jsonl.1"));
            Files.createFile(file);
            step(2, file);
            assertEquals(List.of(101L), keepIdles(dir.resolve("events.jsonl.1")), "the renamed file keeps its own");
            assertEquals(List.of(102L), keepIdles(file), "the new event went to the new file");

            // copytruncate: copy, then truncate in place; O_APPEND puts the next event at the start, no NUL hole
            Files.copy(file, dir.resolve("events.jsonl.2"));
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            step(3, file);
            byte[] bytes = Files.readAllBytes(file);
            assertEquals('{', bytes[0], "the event is at the start of the truncated file");
            for (byte b : bytes) {
                assertTrue(b != 0, "no NUL bytes: " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }
            assertEquals(List.of(103L), keepIdles(file));

            // rename without create (nocreate): sockwatch makes the file again, 0600
            Files.move(file, dir.resolve("events.jsonl.3"));
            step(4, file);
            assertEquals(List.of(104L), keepIdles(file));
            assertEquals(List.of(103L), keepIdles(dir.resolve("events.jsonl.3")));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        } finally {
            for (int n = 1; n <= 4; n++) {   // a failed step must not leave the program waiting for good
                if (!Files.exists(dir.resolve("go" + n))) {
                    Files.createFile(dir.resolve("go" + n));
                }
            }
            SockwatchRun.Result r = SockwatchRun.finish(p, 60);
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.stderr().contains("Summary: 4 events, 1 process"), r.stderr());
        }
    }

    /**
     * Asks the program for event {@code n} and waits until FILE holds a line (sockwatch looks at the path at most
     * once a second, so the step waits that long first: events within a second of a rename may still land in the
     * renamed file, which logrotate's delaycompress keeps readable).
     */
    private void step(int n, Path file) throws Exception {
        Thread.sleep(1_100);
        Files.createFile(dir.resolve("go" + n));
        long end = System.nanoTime() + 60_000_000_000L;   // the first step includes arming the probe
        while (!Files.exists(file) || Files.size(file) == 0 || !Files.readString(file).endsWith("\n")) {
            assertTrue(System.nanoTime() < end, "no event " + n + " in " + file);
            Thread.sleep(20);
        }
    }

    private static List<Long> keepIdles(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> JsonParser.parseString(l).getAsJsonObject()).filter(o -> !o.has("summary"))
                .peek(o -> assertEquals("TCP_KEEPIDLE", o.get("option").getAsString()))
                .map(o -> o.get("value").getAsLong()).toList();
    }

    @Test
    void aSymlinkIsRefusedBeforeTheCommandRuns() throws Exception {
        Path target = dir.resolve("elsewhere");
        Path link = Files.createSymbolicLink(dir.resolve("events.jsonl"), target);
        Path marker = dir.resolve("ran");
        SockwatchRun.Result r = SockwatchRun.run(60, "--output", link.toString(), "--", "touch", marker.toString());
        assertEquals(2, r.exit(), r.stderr());
        assertEquals("sockwatch: --output " + link + ": cannot write there: it is a symbolic link, which sockwatch"
                + " does not follow (name the file itself)", r.stderr().strip());
        assertFalse(Files.exists(target), "nothing written through the link");
        assertFalse(Files.exists(marker), "the command never ran");
    }

    @Test
    void snapshotWritesTheFileToo() throws Exception {
        Capabilities.requireRoot();
        Path file = dir.resolve("snap.json");
        SockwatchRun.Result r = SockwatchRun.run(60, "snapshot", "--json", "--output", file.toString(), "-p",
                Long.toString(ProcessHandle.current().pid()));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("", r.stdout());
        assertTrue(Files.size(file) > 0);
        for (String l : Files.readAllLines(file)) {
            JsonParser.parseString(l);   // each line is JSON
        }
    }
}
