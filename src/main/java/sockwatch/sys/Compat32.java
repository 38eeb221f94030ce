package sockwatch.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import sockwatch.output.Printable;

/**
 * Whether to watch 32-bit (ia32) programs' setsockopt calls. The bpftrace probe sees them only through
 * raw_syscalls, which runs on every syscall of the whole system, so it is switched on only where it can matter:
 * a watched process (-p and its descendants) or, when any process may be watched (the whole system, -c NAME),
 * any running process is a 32-bit program; or the launched COMMAND is one (through PATH and #!). --compat32 forces
 * it on (a 64-bit launcher that will start a 32-bit child), --no-compat32 off. x86-64 only: the probe uses its
 * ia32 syscall numbers and TS_COMPAT.
 */
public final class Compat32 {
    /** How long the /proc scan may take before it is given up (a hostile exe on a stuck FUSE mount). */
    private static final long SCAN_LIMIT_MS = 3000;

    /** What the user asked for: --compat32 (ON), --no-compat32 (OFF), neither (AUTO). */
    public enum Mode {
        AUTO, ON, OFF;

        /** From picocli's negatable --[no-]compat32: null when neither was given. */
        public static Mode of(Boolean flag) {
            return flag == null ? AUTO : flag ? ON : OFF;
        }
    }

    /**
     * @param watched whether the probe watches 32-bit calls
     * @param why     one line for the banner: why they are (or are not) watched
     */
    public record Decision(boolean watched, String why) {
        /** For the summary's "what this watch could not see": 32-bit programs' calls, if they were not watched. */
        public Optional<String> blindSpot() {
            return watched ? Optional.empty() : Optional.of("32-bit programs' calls (" + why
                    + (why.startsWith("--no-compat32") || why.contains("x86-64") ? "" : "; --compat32 watches them")
                    + ")");
        }
    }

    /** What the rule looks at, so tests can give it a made-up machine. */
    interface Host {
        boolean x86_64();

        /** Every process: PID to parent PID. */
        Map<Long, Long> parents();

        boolean is32Bit(long pid);

        String name(long pid);

        boolean is32BitCommand(String argv0);
    }

    private Compat32() {
    }

    /**
     * @param pids    -p PIDs (with their descendants); empty with an empty command: any process may be watched
     * @param command the COMMAND sockwatch will launch, or empty
     * @throws IllegalArgumentException --compat32 on a machine that is not x86-64 (a one-line reason)
     */
    public static Decision decide(Mode mode, List<Integer> pids, List<String> command) {
        FutureTask<Decision> scan = new FutureTask<>(() -> decide(LIVE, mode, pids, command));
        Thread t = new Thread(scan, "sockwatch-compat32-scan");
        t.setDaemon(true);
        t.start();
        try {
            return scan.get(SCAN_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            return new Decision(true, "watched to be safe: looking for 32-bit programs failed (" + e.getCause() + ")");
        } catch (TimeoutException e) {
            return new Decision(true, "watched to be safe: looking for 32-bit programs took over "
                    + SCAN_LIMIT_MS / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Decision(true, "watched to be safe: interrupted while looking for 32-bit programs");
        }
    }

    static Decision decide(Host host, Mode mode, List<Integer> pids, List<String> command) {
        if (!host.x86_64()) {
            if (mode == Mode.ON) {
                throw new IllegalArgumentException("--compat32: 32-bit programs' calls are watched on x86-64 only");
            }
            return new Decision(false, "32-bit programs are watched on x86-64 only");
        }
        if (mode != Mode.AUTO) {
            return new Decision(mode == Mode.ON, mode == Mode.ON ? "--compat32" : "--no-compat32");
        }
        if (!command.isEmpty()) {
            return host.is32BitCommand(command.get(0))
                    ? new Decision(true, "the command is a 32-bit program")
                    : new Decision(false, "the command is not a 32-bit program");
        }
        Map<Long, Long> parents = host.parents();
        Iterable<Long> candidates = pids.isEmpty() ? parents.keySet() : withDescendants(pids, parents);
        for (long pid : candidates) {
            if (host.is32Bit(pid)) {
                return new Decision(true, "PID " + pid + " '" + host.name(pid) + "' is a 32-bit program");
            }
        }
        return new Decision(false, pids.isEmpty() ? "no 32-bit program was running at the start"
                : "no watched process was a 32-bit program at the start");
    }

    /** The PIDs and every process below them, breadth first. */
    static List<Long> withDescendants(List<Integer> roots, Map<Long, Long> parents) {
        Map<Long, List<Long>> children = new HashMap<>();
        parents.forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid));
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>();
        roots.forEach(r -> todo.add((long) r));
        while (!todo.isEmpty()) {
            long p = todo.poll();
            if (seen.add(p)) {
                out.add(p);
                todo.addAll(children.getOrDefault(p, List.of()));
            }
        }
        return out;
    }

    private static final Host LIVE = new Host() {
        @Override
        public boolean x86_64() {
            String arch = System.getProperty("os.arch", "");
            return arch.equals("amd64") || arch.equals("x86_64");
        }

        @Override
        public Map<Long, Long> parents() {
            Map<Long, Long> out = new HashMap<>();
            try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path p : proc) {
                    parent(p).ifPresent(ppid -> out.put(Long.parseLong(p.getFileName().toString()), ppid));
                }
            } catch (IOException | RuntimeException e) {
                // what was read so far
            }
            return out;
        }

        /** The parent from /proc/PID/stat (after the last ')': comm may hold anything); empty if gone. */
        private Optional<Long> parent(Path dir) {
            try {
                String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Optional.of(Long.parseLong(f[1]));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        @Override
        public boolean is32Bit(long pid) {
            return ExecutableAbi.is32BitProcess(pid);
        }

        @Override
        public String name(long pid) {
            return Processes.comm(pid).map(Printable::of).orElse("?");
        }

        @Override
        public boolean is32BitCommand(String argv0) {
            return ExecutableAbi.is32BitCommand(argv0);
        }
    };
}
