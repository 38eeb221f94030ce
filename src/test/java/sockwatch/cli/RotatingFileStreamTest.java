package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream under --output FILE, alone: which file each write reaches around a rotation (OutputFileTest: with real events). */
class RotatingFileStreamTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();

    private RotatingFileStream open(Path file) throws Exception {
        return RotatingFileStream.open(file, new PrintStream(warnings, true, StandardCharsets.UTF_8));
    }

    private static void write(RotatingFileStream s, String text) throws Exception {
        s.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Within a second of the last look the old file still gets the writes; after it, the new path does. */
    @Test
    void aRenameIsFollowedAtTheNextLookAtThePath() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (RotatingFileStream s = open(file)) {
            Thread.sleep(1_100);
            write(s, "a\n");                      // looks at the path: unchanged
            Files.move(file, dir.resolve("out.jsonl.1"));
            write(s, "b\n");                      // within the second: the renamed file
            Thread.sleep(1_100);
            write(s, "c\n");                      // looks again: gone, so made anew
        }
        assertEquals("a\nb\n", Files.readString(dir.resolve("out.jsonl.1")));
        assertEquals("c\n", Files.readString(file));
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }

    /** Something other than a regular file at the path after a rotation: said once, and the writes go on. */
    @Test
    void anUnusablePathKeepsTheOldFileAndSaysSoOnce() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (RotatingFileStream s = open(file)) {
            Files.move(file, dir.resolve("out.jsonl.1"));
            Files.createDirectory(file);
            Thread.sleep(1_100);
            write(s, "a\n");
            Thread.sleep(1_100);
            write(s, "b\n");
        }
        assertEquals("a\nb\n", Files.readString(dir.resolve("out.jsonl.1")));
        assertEquals("sockwatch: --output " + file + " was rotated, but cannot be opened again (Is a directory):"
                + " the events go on into the old file\n", warnings.toString(StandardCharsets.UTF_8));
        try (var inDir = Files.list(file)) {
            assertEquals(0, inDir.count(), "nothing written into the directory");
        }
    }

    /** A symlink planted at the path is never followed, not even when reopening. */
    @Test
    void aSymlinkAtThePathIsNotFollowedOnReopen() throws Exception {
        Path file = dir.resolve("out.jsonl");
        Path target = dir.resolve("elsewhere");
        try (RotatingFileStream s = open(file)) {
            Files.move(file, dir.resolve("out.jsonl.1"));
            Files.createSymbolicLink(file, target);
            Thread.sleep(1_100);
            write(s, "a\n");
        }
        assertFalse(Files.exists(target), "nothing written through the link");
        assertEquals("a\n", Files.readString(dir.resolve("out.jsonl.1")));
        assertEquals("sockwatch: --output " + file + " was rotated, but cannot be opened again (it is a symbolic"
                + " link): the events go on into the old file\n", warnings.toString(StandardCharsets.UTF_8));
    }

    /** A FIFO at the path is refused before the open, which would otherwise wait for a reader for good. */
    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> org.junit.jupiter.api.Assertions.assertThrows(RotatingFileStream.NotRegularFileException.class,
                        () -> open(fifo)));
    }
}
