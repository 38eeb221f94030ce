package sockwatch.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.StreamPumper;

/**
 * A probe tool (bpftrace, strace, staprun) run as a child through commons-exec, line by line.
 *
 * The child is started under {@code setpriv --pdeathsig KILL} so that it dies with sockwatch even when sockwatch
 * is killed with SIGKILL and no shutdown hook runs: a probe must never outlive the tool that reads it. It runs in
 * its own session (setsid), so a Ctrl-C typed at sockwatch's terminal is sockwatch's alone to handle.
 * Stopping is polite first (SIGTERM: the tool detaches and flushes), then forced.
 */
public final class BackendProcess {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final int STDERR_LINES_KEPT = 20;
    static final int PIPE_CHUNK = 1 << 16;

    private final DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile Process process;

    private BackendProcess() {
    }

    /**
     * Starts {@code argv}; stdout lines go to {@code onLine}, stderr lines to {@code onError} (and are kept for
     * {@link #stderrTail()}). No shell and no quoting, but note that commons-exec trims white space around each
     * argument: fine for ours (our own probe text, numbers, paths), never pass user text that depends on it.
     */
    public static BackendProcess start(List<String> argv, Map<String, String> env, Consumer<String> onLine,
                                       Consumer<String> onError) throws IOException {
        return start(argv, env, "KILL", onLine, onError, () -> {
        });
    }

    public static BackendProcess start(List<String> argv, Map<String, String> env, Consumer<String> onLine,
                                       Consumer<String> onError, Runnable onBatchEnd) throws IOException {
        return start(argv, env, "KILL", onLine, onError, onBatchEnd);
    }

    public static BackendProcess start(List<String> argv, Map<String, String> env, String deathSignal,
                                       Consumer<String> onLine, Consumer<String> onError) throws IOException {
        return start(argv, env, deathSignal, onLine, onError, () -> {
        });
    }

    /**
     * As above, with the signal the child gets when sockwatch dies (KILL for a tool that cleans up by itself when
     * killed, bpftrace; TERM for a wrapper that must pass a polite stop on, stap's module unload), and
     * {@code onBatchEnd}, run after each chunk of stdout (up to {@value #PIPE_CHUNK} bytes, whatever one read
     * returned) has been handed out line by line, so a sink can write a burst of events at once.
     */
    public static BackendProcess start(List<String> argv, Map<String, String> env, String deathSignal,
                                       Consumer<String> onLine, Consumer<String> onError, Runnable onBatchEnd)
            throws IOException {
        BackendProcess bp = new BackendProcess();
        CommandLine cmd;
        if (Files.isExecutable(SETPRIV)) {
            cmd = new CommandLine(SETPRIV.toString());
            cmd.addArgument("--pdeathsig", false).addArgument(deathSignal, false).addArgument("--", false);
            if (Files.isExecutable(SETSID)) {
                // Its own session: a terminal's Ctrl-C reaches sockwatch only, which then stops the tool in order.
                // (setsid execs in place here, so the death signal set just before still applies.)
                cmd.addArgument(SETSID.toString(), false);
            }
            cmd.addArgument(argv.get(0), false);
        } else {
            cmd = new CommandLine(argv.get(0));
        }
        for (String a : argv.subList(1, argv.size())) {
            cmd.addArgument(a, false);
        }
        DefaultExecutor executor = DefaultExecutor.builder().get();
        // the executor hands its process to the destroyer as it starts: the one supported way to hold it
        executor.setProcessDestroyer(new org.apache.commons.exec.ProcessDestroyer() {
            @Override
            public boolean add(Process p) {
                bp.process = p;
                return true;
            }

            @Override
            public boolean remove(Process p) {
                return true;
            }

            @Override
            public int size() {
                return bp.process == null ? 0 : 1;
            }
        });
        executor.setExitValues(null);
        LogOutputStream stdout = new LogOutputStream(0, StandardCharsets.ISO_8859_1) {
            @Override
            protected void processLine(String line, int level) {
                onLine.accept(line);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                super.write(b, off, len);
                onBatchEnd.run();
            }
        };
        executor.setStreamHandler(new PumpStreamHandler(stdout, lines(line -> {
            bp.keep(line);
            onError.accept(line);
        })) {
            @Override
            protected Thread createPump(InputStream is, OutputStream os, boolean closeWhenExhausted) {
                // big reads: under load the probe's output arrives in large bursts
                Thread t = new Thread(new StreamPumper(is, os, closeWhenExhausted, PIPE_CHUNK), "sockwatch-backend-pipe");
                t.setDaemon(true);
                return t;
            }
        });
        Map<String, String> fullEnv = new java.util.HashMap<>(System.getenv());
        fullEnv.putAll(env);
        executor.execute(cmd, fullEnv, bp.result);
        return bp;
    }

    private static LogOutputStream lines(Consumer<String> sink) {
        return new LogOutputStream(0, StandardCharsets.ISO_8859_1) {
            @Override
            protected void processLine(String line, int level) {
                sink.accept(line);
            }
        };
    }

    private synchronized void keep(String line) {
        if (stderrTail.size() == STDERR_LINES_KEPT) {
            stderrTail.removeFirst();
        }
        stderrTail.addLast(line);
    }

    public synchronized List<String> stderrTail() {
        return List.copyOf(stderrTail);
    }

    public boolean isAlive() {
        return !result.hasResult();
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** Waits for the child to end and its output to be read; returns its exit code (-1 if it could not start). */
    public int waitFor() throws InterruptedException {
        result.waitFor();
        return process == null ? -1 : result.getExitValue();
    }

    public boolean waitFor(Duration timeout) throws InterruptedException {
        result.waitFor(timeout);
        return result.hasResult();
    }

    /**
     * Waits for {@code signal} (a marker the tool prints, such as "armed") while the tool runs: true once it is
     * seen, false when the tool ended without it, {@code timeout} passed, or {@code giveUp} says to stop.
     */
    public boolean awaitWhileAlive(CountDownLatch signal, Duration timeout, BooleanSupplier giveUp)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
            if (signal.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!isAlive()) {
                return signal.getCount() == 0;
            }
        }
        return false;
    }

    /** Asks the tool to finish (SIGTERM, as {@link #stop} sends first) without waiting for it. */
    public void signalStop() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.toHandle().destroy();
        }
    }

    /** SIGTERM, up to {@code grace} for the tool to detach and flush, then SIGKILL. Returns once it is gone. */
    public void stop(Duration grace) {
        Process p = process;
        try {
            if (p != null && p.isAlive()) {
                // SIGTERM through the handle: Process.destroy() would also close our ends of its pipes at once,
                // so the tool would die of SIGPIPE on its way out and what it still had to say (events still in
                // its buffers, end-of-run counts) would be lost without a word.
                p.toHandle().destroy();
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
            // Let the pumps deliver what the tool printed on its way out.
            result.waitFor(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            if (p != null) {
                p.destroyForcibly();
            }
            Thread.currentThread().interrupt();
        }
    }
}
