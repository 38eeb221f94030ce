package sockwatch.sys;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * setsockopt without a syscall: io_uring's IORING_OP_URING_CMD with SOCKET_URING_OP_SETSOCKOPT (Linux 6.7).
 * strace sees only io_uring_enter and stap's syscall tap nothing, so sockwatch looks for processes that hold an
 * io_uring instance (an fd whose link reads {@code anon_inode:[io_uring]}) to say what such a watch misses.
 */
public final class IoUring {
    /** The first kernel with socket commands (6.7, as major*1000+minor). */
    public static final int SOCKET_COMMANDS_SINCE = 6007;
    private static final String LINK = "anon_inode:[io_uring]";

    private IoUring() {
    }

    /** This kernel can set socket options through io_uring. */
    public static boolean kernelHasSocketCommands() {
        return KernelFacts.version() >= SOCKET_COMMANDS_SINCE;
    }

    /** Those of pids that hold an io_uring instance now (a process gone or unreadable is left out). */
    public static List<Long> holders(Collection<Long> pids) {
        List<Long> out = new ArrayList<>();
        for (long pid : pids) {
            if (holds(Path.of("/proc", Long.toString(pid), "fd"))) {
                out.add(pid);
            }
        }
        return out;
    }

    static boolean holds(Path fdDir) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (LINK.equals(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed since the listing: not one
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
