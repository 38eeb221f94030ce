package sockwatch.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import sockwatch.sys.Processes;

/** Which processes `snapshot -c NAME` and `--all` mean: every user-space process, never sockwatch itself. */
public final class Targets {
    /** The kernel keeps the first 15 bytes of a process name (TASK_COMM_LEN - 1). */
    static final int COMM_MAX = 15;

    private Targets() {
    }

    /** Every process whose name is {@code name} (compared as the kernel stores it: at most 15 bytes). */
    public static List<Long> named(String name) {
        byte[] want = commBytes(name);
        List<Long> out = new ArrayList<>();
        for (long pid : userProcesses()) {
            Optional<byte[]> comm = Processes.comm(pid);
            if (comm.isPresent() && Arrays.equals(comm.get(), want)) {
                out.add(pid);
            }
        }
        return out;
    }

    /** Every user-space process but ourselves, by PID. */
    public static List<Long> userProcesses() {
        long self = ProcessHandle.current().pid();
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                long pid;
                try {
                    pid = Long.parseLong(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != self && ProcStat.read(pid).map(s -> !s.kernelThread()).orElse(false)) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    static byte[] commBytes(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return b.length > COMM_MAX ? Arrays.copyOf(b, COMM_MAX) : b;
    }
}
