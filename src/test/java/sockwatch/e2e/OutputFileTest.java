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

/** --output FILE: events in FILE (valid JSON lines, appended), the command's own stdout apart, no symlink followed. */
class OutputFileTest {
    private static final String PROGRAM = "import socket; s = socket.socket(); s.setsockopt(6, 1, 1); print('own stdout')";

    @TempDir
    Path dir;

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
            assertEquals(run, lines.size(), "appended, one event per run: " + lines);
            for (String l : lines) {
                assertEquals("TCP_NODELAY", JsonParser.parseString(l).getAsJsonObject().get("option").getAsString());
            }
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
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
