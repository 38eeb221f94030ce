package sockwatch.probe.bpftrace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockwatch.event.EventSink;
import sockwatch.probe.BackendProcess;
import sockwatch.probe.BackendUnavailableException;
import sockwatch.probe.RunningTrace;
import sockwatch.probe.TraceBackend;
import sockwatch.probe.TraceRequest;
import sockwatch.sys.Executables;
import sockwatch.sys.IoUring;
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
    /**
     * Changes-only mode: how many (socket, option) pairs and repeat counters the probe's maps hold; counts-only
     * mode: how many (process, option, value, result) keys; batched: how many calls each 33.5 ms slot holds
     * (SOCKWATCH_BPFTRACE_MAP_KEYS; each key of a slot map takes about 300 bytes of kernel memory, four maps).
     */
    static final int CHANGES_KEYS_MAX = BpftraceSettings.mapKeys();

    /**
     * Batched, each CPU's budget of calls kept ($11): refilled by this much each 33.5 ms slot, 2048 a slot over all
     * CPUs (about 61,000 calls a second, within what bpftrace prints of its maps), at least 16 a CPU.
     */
    static int slotRefill(int cpus) {
        return Math.max(16, 2048 / Math.max(1, cpus));
    }

    /** ... up to this many ($12): a slot's map over the CPUs (a burst fits one slot), at most 65535 (16 bits). */
    static int slotBurst(int cpus) {
        return Math.min(65535, Math.max(slotRefill(cpus), CHANGES_KEYS_MAX / Math.max(1, cpus)));
    }

    /** The CPUs online (/sys/devices/system/cpu/online, e.g. "0-3,8"), where the probe runs; else the JVM's. */
    static int onlineCpus() {
        try {
            String list = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
            int n = 0;
            for (String part : list.split(",")) {
                String[] r = part.split("-");
                n += r.length == 2 ? Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1 : 1;
            }
            return n > 0 ? n : Runtime.getRuntime().availableProcessors();
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** How long a stopped bpftrace may take to print its END output and exit (SOCKWATCH_BPFTRACE_STOP_SECONDS). */
    static final Duration STOP_LIMIT = BpftraceSettings.stopLimit();
    /** A PID no process can have (pid_max is at most 2^22): the probe armed for doctor watches nothing. */
    private static final long INERT_PID = 1L << 30;
    /** The newest bpftrace that CI runs the probe on (compat/suites), for "a newer one works". */
    static final String CHECKED_NEWER = "0.17";
    private static final Map<Path, ProbeDialect> DIALECTS = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Duration armTimeout() {
        return BpftraceSettings.armLimit();   // SOCKWATCH_BPFTRACE_ARM_SECONDS: minutes under emulation
    }

    @Override
    public String armTimedOut() {
        return TraceBackend.super.armTimedOut() + " (on a slow or very busy machine, "
                + BpftraceSettings.ARM_SECONDS.name() + "=SECONDS waits longer)";
    }

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
        dialect();
        if (!Privileges.isRoot()) {
            throw new BackendUnavailableException("bpftrace needs root", "run sockwatch with sudo");
        }
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) {
            throw new BackendUnavailableException("this kernel has no BTF (/sys/kernel/btf/vmlinux), which the "
                    + "bpftrace probe uses to name the process", "use --backend strace");
        }
        ProbeDialect dialect = dialect();
        Path tracing;
        try {
            tracing = Tracefs.ensureMounted();
            if (!dialect.has(ProbeDialect.Feature.TRACEFS)) {
                Tracefs.ensureDebugfsTracing();
            }
        } catch (IOException e) {
            throw new BackendUnavailableException(e.getMessage(), null);
        }
        if (!Tracefs.hasSetsockoptTracepoints(tracing)) {
            throw new BackendUnavailableException("this kernel has no setsockopt syscall tracepoints ("
                    + tracing + "/events/syscalls; needs CONFIG_FTRACE_SYSCALLS)", "use --backend strace");
        }
        if (dialect.has(ProbeDialect.Feature.RECORD_OFFSETS)) {
            java.util.Optional<String> layout = TracepointLayout.problem(tracing);
            if (layout.isPresent()) {
                throw new BackendUnavailableException(layout.get(), "use --backend strace");
            }
        }
    }

    /**
     * Compiles, loads and attaches the probe for real, watching no process (a PID that cannot exist), and takes
     * it down again: what doctor reports, so that "available" means the probe ran here, not that bpftrace is
     * installed.
     *
     * @return which bpftrace armed it, and how fast
     */
    @Override
    public String verify() throws BackendUnavailableException {
        checkAvailable();
        long t0 = System.nanoTime();
        Parts parts = defaultParts(true);
        Running t = launch(INERT_PID, false, false, MODE_EVERY_CALL, parts.on(), sockwatch.probe.KernelFilter.ANY,
                EventSink.DISCARD, 0, true);
        try (t) {
            if (!t.awaitArmed(armTimeout())) {
                String why = t.errors();
                throw new BackendUnavailableException("bpftrace " + dialect().version() + " cannot run sockwatch's "
                        + "probe here: " + (why != null ? why : armTimedOut()), fixFor(why));
            }
            String armed = String.format(java.util.Locale.ROOT,
                    "bpftrace %s compiled and armed the probe here%s in %.2f s", dialect().version(),
                    parts.on().contains(ProbeDialect.Feature.IO_URING) ? " (with its io_uring part)" : "",
                    (System.nanoTime() - t0) / 1e9);
            if (parts.unseen() != null) {
                armed += "; without its io_uring part: " + parts.unseen();
            }
            t.close();
            return armed + "; " + verifyCompat32(parts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while compiling the probe", null);
        }
    }

    /**
     * Arms the probe with its 32-bit part too, which sockwatch switches on by itself where a 32-bit program is
     * watched: doctor says whether that part runs here, from a real compile, not from the version.
     */
    private String verifyCompat32(Parts parts) throws InterruptedException {
        try {
            checkCompat32();
        } catch (BackendUnavailableException e) {
            return "its 32-bit part (--compat32) cannot run here: " + e.oneLine();
        }
        long t0 = System.nanoTime();
        Set<ProbeDialect.Feature> with32 = EnumSet.of(ProbeDialect.Feature.COMPAT32);
        with32.addAll(parts.on());
        try (Running t = launch(INERT_PID, false, false, MODE_EVERY_CALL, with32, sockwatch.probe.KernelFilter.ANY,
                EventSink.DISCARD, 0, true)) {
            if (!t.awaitArmed(armTimeout())) {
                String why = t.errors();
                return "its 32-bit part (--compat32) did not compile here: " + (why != null ? why : armTimedOut());
            }
            return String.format(java.util.Locale.ROOT, "with its 32-bit part (--compat32) in %.2f s",
                    (System.nanoTime() - t0) / 1e9);
        } catch (BackendUnavailableException e) {
            return "its 32-bit part (--compat32) did not start here: " + e.oneLine();
        }
    }

    /** What to do instead, for a probe that bpftrace could not run. */
    static String fixFor(String failure) {
        String instead = "use --backend strace (for -p PID or -- COMMAND) or `sockwatch snapshot -p PID`";
        if (failure != null && blindToBtf(failure)) {
            return "this kernel has BTF, but this bpftrace found no kernel types in it and looked for kernel "
                    + "headers instead; bpftrace " + CHECKED_NEWER + " or newer reads them from BTF; or " + instead;
        }
        return "a newer bpftrace (" + CHECKED_NEWER + " or later works), or " + instead;
    }

    /**
     * bpftrace asked for kernel headers or knew no kernel struct although the kernel has BTF (checked before): it
     * could not read that BTF. bpftrace 0.11 on kernel 6.18 says only "'linux/types.h' file not found".
     */
    static boolean blindToBtf(String failure) {
        return failure.contains("BTF") || failure.contains("linux/types.h") || failure.contains("Unknown struct");
    }

    /** This machine's bpftrace, as a version and the probe's dialect for it; refuses one too old to run it. */
    static ProbeDialect dialect() throws BackendUnavailableException {
        Path bin = binary();
        ProbeDialect d = DIALECTS.get(bin);
        if (d != null) {
            return d;
        }
        String out;
        try {
            Process p = new ProcessBuilder(bin.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new BackendUnavailableException("could not run " + bin + " --version: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while asking bpftrace its version", null);
        }
        BpftraceVersion v = BpftraceVersion.parse(out).orElseThrow(() -> new BackendUnavailableException(
                "cannot tell which bpftrace this is: `" + bin + " --version` printed "
                        + "\"" + sockwatch.output.Printable.of(out.strip().getBytes(StandardCharsets.UTF_8)) + "\"", null));
        if (v.compareTo(ProbeDialect.OLDEST) < 0) {
            throw new BackendUnavailableException("bpftrace " + v + " is too old for sockwatch's probe, which "
                    + "needs bpftrace " + ProbeDialect.OLDEST.major() + "." + ProbeDialect.OLDEST.minor()
                    + " or newer (" + ProbeDialect.CHECKED + " are tested)", "install a newer bpftrace, or use "
                    + "--backend strace (for -p PID or -- COMMAND) or `sockwatch snapshot -p PID`");
        }
        d = new ProbeDialect(v);
        DIALECTS.put(bin, d);
        return d;
    }

    private static Path binary() throws BackendUnavailableException {
        return Executables.find("bpftrace").orElseThrow(() -> new BackendUnavailableException(
                "bpftrace is not installed", "install it: sockwatch setup --yes (or apt-get install "
                + "bpftrace on Debian/Ubuntu, dnf install bpftrace on Fedora/RHEL)"));
    }

    @Override
    public boolean countsRepeats() {
        return true;
    }

    @Override
    public RunningTrace start(TraceRequest request, EventSink sink) throws BackendUnavailableException {
        checkAvailable();
        if (request.compat32()) {
            checkCompat32();
        }
        // Every PID is filtered in the kernel: the first is the probe's root ($1), the others and the descendants
        // alive at the start are added by WatchAnnouncer once it is armed, what they fork later by the probe.
        List<Integer> roots = request.pids();
        int rootPid = roots.isEmpty() ? 0 : roots.get(0);
        boolean announce = roots.size() > 1 || (request.followChildren() && !roots.isEmpty());
        Parts parts = defaultParts(request.ioUring());
        Set<ProbeDialect.Feature> on = EnumSet.copyOf(parts.on());
        if (request.compat32()) {
            on.add(ProbeDialect.Feature.COMPAT32);
        }
        int mode = request.countsOnly() ? MODE_COUNTS : request.changesOnly() ? MODE_CHANGES : MODE_EVERY_CALL;
        Running r = launch(rootPid, request.followChildren(), request.tcpOnly(), mode, on,
                request.filter(), sink, announce ? ProcessHandle.current().pid() : 0,
                request.batched() && mode != MODE_COUNTS);
        if (parts.unseen() != null) {
            r.blindSpots.add("setsockopt through io_uring (" + parts.unseen() + ")");
        }
        if (announce) {
            r.announceOnceArmed(roots, request.followChildren());
        }
        return r;
    }

    /**
     * The optional parts a run has by default: io_uring where this kernel can set options through it (6.7+) and
     * asked for; unseen says why not where such calls could happen (null: none missed).
     */
    record Parts(Set<ProbeDialect.Feature> on, String unseen) {
    }

    static Parts defaultParts(boolean ioUringAsked) {
        if (!IoUring.kernelHasSocketCommands()) {
            return new Parts(EnumSet.noneOf(ProbeDialect.Feature.class), null); // no such calls before 6.7
        }
        if (!ioUringAsked) {
            return new Parts(EnumSet.noneOf(ProbeDialect.Feature.class), "--no-io-uring");
        }
        String problem = null;
        try {
            Path tracing = Tracefs.ensureMounted();
            if (!Files.isDirectory(tracing.resolve("events/io_uring/io_uring_submit_req"))
                    || !Files.isDirectory(tracing.resolve("events/io_uring/io_uring_complete"))) {
                problem = "this kernel has no io_uring_submit_req/io_uring_complete tracepoints";
            } else if (dialect().has(ProbeDialect.Feature.RECORD_OFFSETS)) {
                problem = TracepointLayout.uringProblem(tracing).orElse(null);
            }
        } catch (IOException | BackendUnavailableException e) {
            problem = e.getMessage();
        }
        return problem != null ? new Parts(EnumSet.noneOf(ProbeDialect.Feature.class), problem)
                : new Parts(EnumSet.of(ProbeDialect.Feature.IO_URING), null);
    }

    /** The 32-bit part's tracepoints exist and, where it reads one by offset, are laid out as it reads them. */
    private static void checkCompat32() throws BackendUnavailableException {
        Path tracing;
        try {
            tracing = Tracefs.ensureMounted();
        } catch (IOException e) {
            throw new BackendUnavailableException(e.getMessage(), null);
        }
        if (!Files.isDirectory(tracing.resolve("events/raw_syscalls/sys_enter"))) {
            throw new BackendUnavailableException("this kernel has no raw_syscalls tracepoints, through which bpftrace"
                    + " sees 32-bit programs", "--no-compat32, or --backend strace");
        }
        if (dialect().has(ProbeDialect.Feature.RECORD_OFFSETS)) {
            java.util.Optional<String> layout = TracepointLayout.rawProblem(tracing);
            if (layout.isPresent()) {
                throw new BackendUnavailableException(layout.get(), "--no-compat32, or --backend strace");
            }
        }
    }

    /** The probe's $4: what it prints (see setsockopt.bt). */
    static final int MODE_EVERY_CALL = 0;
    static final int MODE_CHANGES = 1;
    static final int MODE_COUNTS = 2;

    private Running launch(long rootPid, boolean follow, boolean tcpOnly, int mode,
                           Set<ProbeDialect.Feature> parts, sockwatch.probe.KernelFilter filter, EventSink sink,
                           long announcer, boolean batched)
            throws BackendUnavailableException {
        // optional parts: 32-bit callers (a probe on every syscall, only when asked: sockwatch.sys.Compat32
        // decides) and io_uring (defaultParts)
        ProbeDialect dialect = dialect().with(parts);
        List<String> argv = new java.util.ArrayList<>();
        argv.add(binary().toString());
        argv.addAll(dialect.flags());
        argv.addAll(List.of("-e", dialect.source(script()), Long.toString(rootPid), follow ? "1" : "0",
                tcpOnly ? "1" : "0", Integer.toString(mode), Long.toString(announcer)));
        argv.addAll(filter.parameters());   // $6-$9: numbers only
        argv.add(batched ? "1" : "0");      // $10
        int cpus = onlineCpus();
        argv.add(Integer.toString(slotRefill(cpus)));   // $11
        argv.add(Integer.toString(slotBurst(cpus)));    // $12
        argv.addAll(filter.moreNames());   // $13-$18: numbers only
        argv.addAll(filter.optionSet());   // $19-$27: numbers only
        // changes only: room for this many (socket, option) pairs to compare and count; beyond it new ones are
        // all shown. Counts only: room for this many keys (calls beyond them are counted in the total only, and
        // said). A process tree: room for this many watched tasks (one past it is reported, never silent).
        // batched: each of the four slot maps holds this many events (beyond them a slot's calls are counted
        // and reported lost)
        Map<String, String> env = dialect.environment(mode != MODE_EVERY_CALL || follow || announcer != 0 || batched
                ? CHANGES_KEYS_MAX : null);
        // bpftrace's ktime is CLOCK_MONOTONIC, like System.nanoTime() on Linux.
        Instant now = Instant.now();
        long wallMinusMono = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        BpftraceLineParser parser = new BpftraceLineParser(wallMinusMono).root((int) rootPid)
                .countKeys(CHANGES_KEYS_MAX);
        CountDownLatch armed = new CountDownLatch(1);
        CountDownLatch rootExited = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        java.util.function.Consumer<String> parse = line -> {
            switch (parser.accept(line, sink)) {
                case READY -> armed.countDown();
                case ROOT_EXITED -> rootExited.countDown();
                case END -> ended.countDown();
                default -> {
                }
            }
        };
        BatchedEvents batches = batched ? new BatchedEvents(sink::lost) : null;
        try {
            BackendProcess process = BackendProcess.start(argv, env,
                    batches == null ? parse : line -> batches.accept(line, parse),
                    line -> {
                    }, sink::endOfBatch);
            return new Running(process, dialect.version(), armed, rootExited, ended, sink);
        } catch (IOException e) {
            throw new BackendUnavailableException("could not start bpftrace: " + e.getMessage(), null);
        }
    }

    /** The probe's text as this machine's bpftrace needs it. */
    public static String probeText() throws BackendUnavailableException {
        return dialect().with(defaultParts(true).on()).source(script());   // as a run here has it
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
        private final BpftraceVersion version;
        private final CountDownLatch armed;
        private final CountDownLatch rootExited;
        private final CountDownLatch ended;
        private final EventSink sink;
        /** What this run's probe leaves out that could happen here (for the summary). */
        final List<String> blindSpots = new ArrayList<>();

        @Override
        public List<String> blindSpots() {
            return List.copyOf(blindSpots);
        }

        Running(BackendProcess process, BpftraceVersion version, CountDownLatch armed, CountDownLatch rootExited,
                CountDownLatch ended, EventSink sink) {
            this.process = process;
            this.version = version;
            this.armed = armed;
            this.rootExited = rootExited;
            this.ended = ended;
            this.sink = sink;
        }

        @Override
        public void drainAfterRootExit(Duration max) throws InterruptedException {
            // The exit marker comes after the root's last call on the same task, but per-CPU buffers are read
            // in turn: one more short wait lets bpftrace's next poll empty the others too.
            if (rootExited.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
                Thread.sleep(20);
            }
        }

        private List<Integer> announcedRoots;
        private boolean announceDescendants;

        /** Once armed: the further roots and the descendants alive by then join the watch (see $5). */
        void announceOnceArmed(List<Integer> roots, boolean descendants) {
            this.announcedRoots = roots;
            this.announceDescendants = descendants;
        }

        @Override
        public boolean awaitArmed(Duration timeout) throws InterruptedException {
            boolean ok = process.awaitWhileAlive(armed, timeout, () -> false);
            if (ok && announcedRoots != null) {
                WatchAnnouncer.announce(announcedRoots, List.of(announcedRoots.get(0)), announceDescendants);
                announcedRoots = null;
            }
            return ok;
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        /** bpftrace's errors; before it armed, also what to do instead (the user sees this one line). */
        @Override
        public String failure() {
            String errors = errors();
            return errors == null || armed.getCount() == 0 ? errors : errors + " (" + fixFor(errors) + ")";
        }

        String errors() {
            List<String> lines = process.stderrTail().stream()
                    .filter(l -> !l.contains(MEMLOCK_NOISE) && !l.isBlank()).toList();
            // bpftrace echoes the offending source line and underlines it; the errors themselves say enough
            List<String> errors = lines.stream().filter(l -> l.contains("ERROR") || l.contains("BTF")
                    || l.contains("error:")).toList();
            List<String> shown = errors.isEmpty() ? lines : errors;
            return shown.isEmpty() ? null : "bpftrace " + version + ": " + String.join(" / ", shown);
        }

        /**
         * Stops bpftrace the way Ctrl-C would, and waits for its END probe's marker: the repeat counts come
         * last, and bpftrace takes 0.4 s to exit on a quiet machine, several seconds on a busy or emulated one.
         * Only a bpftrace still silent after {@link #STOP_LIMIT} is killed, and that is said.
         */
        @Override
        public void close() {
            if (!process.isAlive() || ended.getCount() == 0) {
                process.stop(STOP_LIMIT);
                return;
            }
            // Signalled again each second: bpftrace 0.17 can miss one that lands just before it waits for events,
            // and then sleeps until the next event, which an idle probe may never see (doctor's sees none).
            boolean done = false;
            long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
            try {
                while (!done && process.isAlive() && System.nanoTime() < deadline) {
                    process.signalStop();
                    done = process.awaitWhileAlive(ended, Duration.ofSeconds(1), () -> false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.stop(Duration.ofSeconds(2));
            if (!done && ended.getCount() != 0) {
                sink.progress("bpftrace did not finish within " + STOP_LIMIT.toSeconds() + " s of being stopped"
                        + " and was killed: what it had not printed yet (with --changes-only the repeat counts, with"
                        + " --count every count) is lost");
            }
        }
    }
}
