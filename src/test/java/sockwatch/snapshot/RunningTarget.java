package sockwatch.snapshot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A program the snapshot tests look at: started, waited for until it prints its ready line, killed after. */
final class RunningTarget implements AutoCloseable {
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

    static RunningTarget start(List<String> cmd, String readyLine) throws Exception {
        RunningTarget t = new RunningTarget(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        t.await(readyLine);
        return t;
    }

    /** Our Java test app (testapp/SockoptTestApp), run from the test class path. */
    static RunningTarget javaTestApp(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "SockoptTestApp"));
        cmd.addAll(List.of(args));
        return start(cmd, "sockwatch-testapp: ready");
    }

    /** src/test/resources/snapshot/many_sockets.py under python3. */
    static RunningTarget manySockets(String... args) throws Exception {
        Path script = Path.of(RunningTarget.class.getResource("/snapshot/many_sockets.py").toURI());
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
        cmd.addAll(List.of(args));
        return start(cmd, "many-sockets: ready");
    }

    long pid() {
        return process.pid();
    }

    /** Every line printed so far. */
    List<String> output() {
        return seen;
    }

    /** Waits (60 s at most) for a line that starts with the prefix, and returns it. */
    String await(String prefix) throws Exception {
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
    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** R, S, ... from /proc/PID/stat; never T or t if nobody stopped it. */
    char state() {
        return ProcStat.read(pid()).orElseThrow(() -> new AssertionError("target is gone")).state();
    }

    List<String> fdLinks() throws IOException {
        List<String> out = new ArrayList<>();
        try (var dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid()), "fd"))) {
            for (Path p : dir) {
                out.add(p.getFileName() + " -> " + Files.readSymbolicLink(p));
            }
        }
        out.sort(null);
        return out;
    }

    boolean alive() {
        return process.isAlive();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        kill();
    }
}
