package sockwatch.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
}
