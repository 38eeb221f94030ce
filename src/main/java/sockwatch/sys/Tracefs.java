package sockwatch.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The syscall tracepoints bpftrace attaches to are described in tracefs. Many hosts do not mount it; we mount it
 * where the kernel expects it (harmless, and what `bpftrace` itself would need anyway) or say what to run.
 */
public final class Tracefs {
    public static final Path MOUNT_POINT = Path.of("/sys/kernel/tracing");
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");

    private Tracefs() {
    }

    /** Returns the tracing folder, mounting tracefs if needed; throws with the command to run if that fails. */
    public static Path ensureMounted() throws IOException {
        if (Files.isDirectory(MOUNT_POINT.resolve("events"))) {
            return MOUNT_POINT;
        }
        if (Files.isDirectory(DEBUGFS_TRACING.resolve("events")) && !Files.isDirectory(MOUNT_POINT)) {
            return DEBUGFS_TRACING;
        }
        String error = mount();
        if (Files.isDirectory(MOUNT_POINT.resolve("events"))) {
            System.err.println("sockwatch: mounted tracefs at " + MOUNT_POINT + " (it was not mounted)");
            return MOUNT_POINT;
        }
        throw new IOException("tracefs is not mounted at " + MOUNT_POINT + " and mounting it failed"
                + (error.isBlank() ? "" : ": " + error.strip())
                + "; run as root: mount -t tracefs tracefs " + MOUNT_POINT);
    }

    /**
     * Older bpftrace (0.11) looks for tracepoints only under debugfs, at /sys/kernel/debug/tracing: mounts debugfs
     * there if it is not, or throws with the command to run.
     */
    public static void ensureDebugfsTracing() throws IOException {
        if (Files.isDirectory(DEBUGFS_TRACING.resolve("events"))) {
            return;
        }
        Path debugfs = DEBUGFS_TRACING.getParent();
        String error = mount("debugfs", debugfs);
        if (Files.isDirectory(DEBUGFS_TRACING.resolve("events"))) {
            System.err.println("sockwatch: mounted debugfs at " + debugfs + " (this bpftrace looks for tracepoints "
                    + "there)");
            return;
        }
        throw new IOException("this bpftrace looks for tracepoints in " + DEBUGFS_TRACING + ", and mounting debugfs"
                + " failed" + (error.isBlank() ? "" : ": " + error.strip()) + "; run as root: mount -t debugfs "
                + "debugfs " + debugfs);
    }

    private static String mount() {
        return mount("tracefs", MOUNT_POINT);
    }

    private static String mount(String type, Path where) {
        try {
            Process p = new ProcessBuilder("mount", "-t", type, type, where.toString())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "mount did not finish";
            }
            return out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    public static boolean hasSetsockoptTracepoints(Path tracing) {
        return Files.isDirectory(tracing.resolve("events/syscalls/sys_enter_setsockopt"))
                && Files.isDirectory(tracing.resolve("events/syscalls/sys_exit_setsockopt"));
    }
}
