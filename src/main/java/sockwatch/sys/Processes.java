package sockwatch.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/** Facts about other processes, from /proc. */
public final class Processes {
    private Processes() {
    }

    public static boolean exists(long pid) {
        return pid > 0 && Files.isDirectory(Path.of("/proc", Long.toString(pid)));
    }

    /** The process name as raw bytes (hostile: print it through Printable), empty if the process is gone. */
    public static Optional<byte[]> comm(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "comm"));
            int n = b.length;
            if (n > 0 && b[n - 1] == '\n') {
                n--;
            }
            return Optional.of(java.util.Arrays.copyOf(b, n));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The thread group (process) a thread belongs to, from /proc/TID/status; empty if the thread is gone.
     * Read as Latin-1: the Name line holds the raw, possibly non-UTF-8 task name.
     */
    public static OptionalInt tgid(long tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(tid), "status"),
                    StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Tgid:")) {
                    return OptionalInt.of(Integer.parseInt(line.substring(5).strip()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not a status file we understand
        }
        return OptionalInt.empty();
    }
}
