package sockwatch.probe.bpftrace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockwatch.event.EventSink;
import sockwatch.probe.BackendProcess;
import sockwatch.probe.BackendUnavailableException;
import sockwatch.probe.RunningTrace;
import sockwatch.probe.TraceBackend;
import sockwatch.probe.TraceRequest;
import sockwatch.sys.Executables;
import sockwatch.sys.Privileges;
import sockwatch.sys.Tracefs;

/**
 * Sees setsockopt through the syscall tracepoints with bpftrace (setsockopt.bt, shipped inside the jar).
 * The program text is our own constant resource, passed with -e; filters reach it only as numeric positional
 * parameters.
 */
public final class BpftraceBackend implements TraceBackend {
    static final String SCRIPT_RESOURCE = "/sockwatch/probe/bpftrace/setsockopt.bt";
    /** bpftrace prints this at every start when it cannot raise RLIMIT_MEMLOCK; harmless on current kernels. */
    private static final String MEMLOCK_NOISE = "couldn't set RLIMIT_MEMLOCK";
    /** Changes-only mode: how many (socket, option) pairs and repeat counters the probe's maps hold. */
    static final int CHANGES_KEYS_MAX = 16384;

    @Override
    public String name() {
        return "bpftrace";
    }

    @Override
    public String description() {
        return "BPF on the setsockopt syscall tracepoints; watches the whole system or given processes";
    }

    @Override
    public void checkAvailable() throws BackendUnavailableException {
        binary();
        if (!Privileges.isRoot()) {
            throw new BackendUnavailableException("bpftrace needs root", "run sockwatch with sudo");
        }
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
            throw new BackendUnavailableException("this kernel has no BTF (/sys/kernel/btf/vmlinux), which the "
                    + "bpftrace probe uses to name the process", "use --backend strace");
        }
        Path tracing;
        try {
            tracing = Tracefs.ensureMounted();
        } catch (IOException e) {
            throw new BackendUnavailableException(e.getMessage(), null);
        }
        if (!Tracefs.hasSetsockoptTracepoints(tracing)) {
            throw new BackendUnavailableException("this kernel has no setsockopt syscall tracepoints ("
                    + tracing + "/events/syscalls; needs CONFIG_FTRACE_SYSCALLS)", "use --backend strace");
        }
        java.util.Optional<String> layout = TracepointLayout.problem(tracing);
        if (layout.isPresent()) {
            throw new BackendUnavailableException(layout.get(), "use --backend strace");
        }
    }

    private static Path binary() throws BackendUnavailableException {
        return Executables.find("bpftrace").orElseThrow(() -> new BackendUnavailableException(
                "bpftrace is not installed", "install it: apt-get install bpftrace (Debian/Ubuntu), "
                + "dnf install bpftrace (Fedora/RHEL)"));
    }

    @Override
    public boolean countsRepeats() {
        return true;
    }

    @Override
    public RunningTrace start(TraceRequest request, EventSink sink) throws BackendUnavailableException {
        checkAvailable();
        String program = script();
        // One PID is filtered in the kernel (cheap); several are filtered in Java by the caller.
        int rootPid = request.pids().size() == 1 ? request.pids().get(0) : 0;
        List<String> argv = List.of(binary().toString(), "-B", "line", "-e", program,
                Integer.toString(rootPid), request.followChildren() ? "1" : "0", request.tcpOnly() ? "1" : "0",
                request.changesOnly() ? "1" : "0");
        Map<String, String> env = new java.util.HashMap<>(Map.of("BPFTRACE_STRLEN", "64",
                "BPFTRACE_PERF_RB_PAGES", "256"));
        if (request.changesOnly()) {
            // room for this many (socket, option) pairs to compare and count; beyond it new ones are all shown
            env.put("BPFTRACE_MAP_KEYS_MAX", Integer.toString(CHANGES_KEYS_MAX));
        }
        // bpftrace's ktime is CLOCK_MONOTONIC, like System.nanoTime() on Linux.
        Instant now = Instant.now();
        long wallMinusMono = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        BpftraceLineParser parser = new BpftraceLineParser(wallMinusMono);
        CountDownLatch armed = new CountDownLatch(1);
        CountDownLatch rootExited = new CountDownLatch(1);
        try {
            BackendProcess process = BackendProcess.start(argv, env,
                    line -> {
                        switch (parser.accept(line, sink)) {
                            case READY -> armed.countDown();
                            case ROOT_EXITED -> rootExited.countDown();
                            default -> {
                            }
                        }
                    },
                    line -> {
                    }, sink::endOfBatch);
            return new Running(process, armed, rootExited);
        } catch (IOException e) {
            throw new BackendUnavailableException("could not start bpftrace: " + e.getMessage(), null);
        }
    }

    static String script() {
        try (InputStream in = BpftraceBackend.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("probe script missing from the build: " + SCRIPT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Running implements RunningTrace {
        private final BackendProcess process;
        private final CountDownLatch armed;
        private final CountDownLatch rootExited;

        Running(BackendProcess process, CountDownLatch armed, CountDownLatch rootExited) {
            this.process = process;
            this.armed = armed;
            this.rootExited = rootExited;
        }

        @Override
        public void drainAfterRootExit(Duration max) throws InterruptedException {
            // The exit marker comes after the root's last call on the same task, but per-CPU buffers are read
            // in turn: one more short wait lets bpftrace's next poll empty the others too.
            if (rootExited.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
                Thread.sleep(20);
            }
        }

        @Override
        public boolean awaitArmed(Duration timeout) throws InterruptedException {
            return process.awaitWhileAlive(armed, timeout, () -> false);
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        @Override
        public String failure() {
            List<String> lines = process.stderrTail().stream()
                    .filter(l -> !l.contains(MEMLOCK_NOISE) && !l.isBlank()).toList();
            return lines.isEmpty() ? null : "bpftrace: " + String.join(" / ", lines);
        }

        @Override
        public void close() {
            process.stop(Duration.ofSeconds(2));
        }
    }
}
