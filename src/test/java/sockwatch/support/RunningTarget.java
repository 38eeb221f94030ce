package sockwatch.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sockwatch.snapshot.ProcStat;

/** A program the snapshot tests look at: started, waited for until it prints its ready line, killed after. */
public final class RunningTarget implements AutoCloseable {
    private static final Pattern CALLS =
            Pattern.compile("many-sockets: setsockopt calls (\\d+) failed (\\d+)(?: (.*))?");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Writer stdin;

    private RunningTarget(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // it ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    public static RunningTarget start(List<String> cmd, String readyLine) throws Exception {
        RunningTarget t = new RunningTarget(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        t.await(readyLine);
        return t;
    }

    /** Our Java test app (testapp/SockoptTestApp), run from the test class path. */
    public static RunningTarget javaTestApp(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "SockoptTestApp"));
        cmd.addAll(List.of(args));
        return start(cmd, "sockwatch-testapp: ready");
    }

    /** src/test/resources/snapshot/many_sockets.py under python3. */
    public static RunningTarget manySockets(String... args) throws Exception {
        Path script = Path.of(RunningTarget.class.getResource("/snapshot/many_sockets.py").toURI());
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
        cmd.addAll(List.of(args));
        return start(cmd, "many-sockets: ready");
    }

    public long pid() {
        return process.pid();
    }

    /** Every line printed so far. */
    public List<String> output() {
        return seen;
    }

    /** Waits (60 s at most) for a line that starts with the prefix, and returns it. */
    public String await(String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (line.startsWith(prefix)) {
                    return line;
                }
            } else if (!process.isAlive() && lines.isEmpty()) {
                throw new AssertionError("target exited (" + process.exitValue() + ") before '" + prefix + "': " + seen);
            }
        }
        throw new AssertionError("no '" + prefix + "' within 60 s: " + seen);
    }

    /** Sends one command line to its stdin. */
    public void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** R, S, ... from /proc/PID/stat; never T or t if nobody stopped it. */
    public char state() {
        return ProcStat.read(pid()).orElseThrow(() -> new AssertionError("target is gone")).state();
    }

    public List<String> fdLinks() throws IOException {
        List<String> out = new ArrayList<>();
        try (var dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid()), "fd"))) {
            for (Path p : dir) {
                out.add(p.getFileName() + " -> " + Files.readSymbolicLink(p));
            }
        }
        out.sort(null);
        return out;
    }

    /** The inodes of its sockets, from /proc/PID/fd. */
    public Set<Long> socketInodes() throws IOException {
        Set<Long> out = new HashSet<>();
        for (String link : fdLinks()) {
            int at = link.indexOf(" -> socket:[");
            if (at >= 0) {
                out.add(Long.parseLong(link.substring(at + 12, link.length() - 1)));
            }
        }
        return out;
    }

    /** many_sockets.py --setsockopt-loop: how many of its looping setsockopt calls succeeded and failed so far. */
    public record LoopCalls(long ok, long failed, String lastError) {
    }

    /** Asks a many_sockets.py --setsockopt-loop target for its counts (the "calls" command). */
    public LoopCalls setsockoptCalls() throws Exception {
        send("calls");
        String line = await("many-sockets: setsockopt calls ");
        Matcher m = CALLS.matcher(line);
        assertTrue(m.matches(), line);
        return new LoopCalls(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3));
    }

    /**
     * Whatever a snapshot did, the target is as it was: still running, not stopped (state T/t), not traced
     * (TracerPid 0), and the same fds on the same files (socket inodes) as in {@code fdsBefore}.
     */
    public void assertUnaffected(List<String> fdsBefore) throws Exception {
        assertTrue(alive(), "the target still runs");
        char state = state();
        assertTrue(state != 'T' && state != 't', "the target was stopped: state " + state);
        assertEquals("0", ProcFs.tracerPid(pid()), "the target is not traced");
        assertEquals(fdsBefore, fdLinks(), "the target's fds are exactly as before");
    }

    public boolean alive() {
        return process.isAlive();
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        kill();
    }
}
