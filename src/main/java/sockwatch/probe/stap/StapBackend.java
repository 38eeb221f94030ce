package sockwatch.probe.stap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import sockwatch.event.EventSink;
import sockwatch.probe.BackendProcess;
import sockwatch.probe.BackendUnavailableException;
import sockwatch.probe.RunningTrace;
import sockwatch.probe.TraceBackend;
import sockwatch.probe.TraceRequest;
import sockwatch.sys.Executables;

/**
 * Sees setsockopt with SystemTap: stap compiles stap/sockwatch.stp (shipped in the jar) into a kernel module and
 * runs it, or, with a module built elsewhere by `sockwatch stap-compile`, staprun loads that one.
 *
 * stap and staprun run under a tiny constant shell that turns sockwatch's death (pdeathsig TERM) into a SIGTERM
 * for them: staprun is set-uid, and the kernel clears a parent-death signal across a set-uid exec, so without
 * the shell a killed sockwatch would leave stapio running and the module loaded until its next write failed.
 * On SIGTERM stap/stapio run the tap's end and unload the module.
 */
public final class StapBackend implements TraceBackend {
    private static final String FORWARD_TERM = String.join("\n",
            "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT HUP",
            "\"$@\" &",
            "child=$!",
            "while :; do wait \"$child\"; rc=$?; kill -0 \"$child\" 2>/dev/null || exit $rc; done");
    /** stapio hands out the buffers in turn: after the root's exit marker, give the others one more round. */
    private static final long DRAIN_AFTER_EXIT_MS = 300;

    private final Path module;
    private final StapDiagnosis diagnosis;

    /** Compiles the tap on this machine (needs stap and the kernel headers). */
    public StapBackend() {
        this(null);
    }

    /** @param module a module from `sockwatch stap-compile` for this kernel; null to compile here */
    public StapBackend(Path module) {
        this(module, StapDiagnosis.ofThisHost());
    }

    StapBackend(Path module, StapDiagnosis diagnosis) {
        this.module = module;
        this.diagnosis = diagnosis;
    }

    @Override
    public String name() {
        return "stap";
    }

    @Override
    public String description() {
        return "SystemTap kernel module on the setsockopt syscall (no debuginfo); or a module from stap-compile";
    }

    @Override
    public Duration armTimeout() {
        // A first compile runs stap's passes 1-4 (tracepoint queries included): a minute or more.
        return module != null ? Duration.ofSeconds(120) : Duration.ofMinutes(10);
    }

    @Override
    public void checkAvailable() throws BackendUnavailableException {
        StapDiagnosis.Mode mode = module != null ? StapDiagnosis.Mode.RUN_MODULE : StapDiagnosis.Mode.COMPILE_AND_RUN;
        List<StapDiagnosis.Finding> findings = diagnosis.check(mode, null);
        if (!findings.isEmpty()) {
            throw new BackendUnavailableException(findings.get(0).reason(), findings.get(0).fix());
        }
        if (module != null) {
            String fix = "build one for this kernel: sockwatch stap-compile --kernel " + diagnosis.release();
            if (!Files.isRegularFile(module)) {
                throw new BackendUnavailableException("no module file " + module, fix);
            }
            String builtFor = moduleFile().kernelRelease();
            if (builtFor != null && !builtFor.equals(diagnosis.release())) {
                throw new BackendUnavailableException("the module " + module + " was built for kernel " + builtFor
                        + ", and this one is " + diagnosis.release(), fix);
            }
        }
    }

    private StapModuleFile moduleFile() throws BackendUnavailableException {
        try {
            return StapModuleFile.read(module);
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot read the module " + module + ": " + e.getMessage(), null);
        }
    }

    @Override
    public RunningTrace start(TraceRequest request, EventSink sink) throws BackendUnavailableException {
        checkAvailable();
        Path work = null;
        try {
            List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", FORWARD_TERM, "sockwatch-stap"));
            work = Files.createTempDirectory("sockwatch-stap");
            if (module != null) {
                argv.addAll(StapCommands.runModule(Executables.find("staprun").orElseThrow(), loadable(work), request));
            } else {
                Path tap = StapTap.SYSCALL.writeTo(work);
                argv.addAll(StapCommands.run(Executables.find("stap").orElseThrow(), tap, request));
                sink.progress("sockwatch: stap is compiling its tap for kernel " + diagnosis.release()
                        + " (the first time takes a minute or more; later runs come from stap's cache)");
            }
            StapLineParser parser = new StapLineParser();
            CountDownLatch armed = new CountDownLatch(1);
            CountDownLatch rootExited = new CountDownLatch(1);
            AtomicReference<String> firstError = new AtomicReference<>();
            AtomicReference<String> lastPass = new AtomicReference<>();
            BackendProcess process = BackendProcess.start(argv, Map.of(), "TERM",
                    line -> {
                        switch (parser.accept(line, sink)) {
                            case READY -> armed.countDown();
                            case ROOT_EXITED -> rootExited.countDown();
                            default -> {
                            }
                        }
                    },
                    line -> stderr(line, sink, firstError, lastPass));
            return new Running(process, armed, rootExited, firstError, lastPass, work);
        } catch (IOException e) {
            deleteQuietly(work);
            throw new BackendUnavailableException("could not start stap: " + e.getMessage(), null);
        }
    }

    /**
     * staprun takes the module's name from the file name: a renamed file (kf.ko holding module "sockwatch") is
     * loaded from a copy under its real name.
     */
    private Path loadable(Path work) throws IOException, BackendUnavailableException {
        String name = moduleFile().name();
        if (name == null || module.getFileName().toString().equals(name + ".ko")) {
            return module;
        }
        return Files.copy(module, work.resolve(name + ".ko"));
    }

    private static void stderr(String line, EventSink sink, AtomicReference<String> firstError,
                               AtomicReference<String> lastPass) {
        // Kept apart from the stderr tail: a compiler can print pages after its first, telling, error.
        if (line.contains("error:") && !line.startsWith("Pass ")) {
            firstError.compareAndSet(null, line);
        }
        String progress = StapStderr.progress(line);
        if (progress != null) {
            lastPass.set(progress.substring("sockwatch: ".length()));
            sink.progress(progress);
            return;
        }
        long lost = StapStderr.lost(line);
        if (lost > 0) {
            sink.lost(lost);
        }
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private static final class Running implements RunningTrace {
        private final BackendProcess process;
        private final CountDownLatch armed;
        private final CountDownLatch rootExited;
        private final AtomicReference<String> firstError;
        private final AtomicReference<String> lastPass;
        private final Path work;

        Running(BackendProcess process, CountDownLatch armed, CountDownLatch rootExited,
                AtomicReference<String> firstError, AtomicReference<String> lastPass, Path work) {
            this.process = process;
            this.armed = armed;
            this.rootExited = rootExited;
            this.firstError = firstError;
            this.lastPass = lastPass;
            this.work = work;
        }

        @Override
        public boolean awaitArmed(Duration timeout) throws InterruptedException {
            return process.awaitWhileAlive(armed, timeout, () -> false);
        }

        @Override
        public void drainAfterRootExit(Duration max) throws InterruptedException {
            if (rootExited.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
                Thread.sleep(DRAIN_AFTER_EXIT_MS);
            }
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
                    .filter(l -> !StapStderr.noise(l) && StapStderr.progress(l) == null).toList();
            String error = firstError.get();
            StapDiagnosis.Finding compile = error == null ? null : StapDiagnosis.compileFailure(List.of(error));
            if (compile != null) {
                return compile.reason() + " (" + compile.fix() + ")";
            }
            if (lines.isEmpty() && process.isAlive() && armed.getCount() > 0) {
                // Arming timed out with stap still at work: say how far it got (pass 2 is the slow one).
                return "stap was still compiling" + (lastPass.get() != null ? "; last finished: " + lastPass.get() : "");
            }
            return lines.isEmpty() ? null : "stap: " + String.join(" / ", lines);
        }

        @Override
        public void close() {
            // stapio runs the tap's end probes and unloads the module: give it time, more under emulation.
            process.stop(Duration.ofSeconds(20));
            deleteQuietly(work);
        }
    }
}
