package sockwatch.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs sockwatch as a real separate process (real signals, real stdout), from the test class path. */
public final class SockwatchRun {
    private SockwatchRun() {
    }

    public record Result(int exit, String stdout, String stderr) {
        public List<String> stdoutLines() {
            return stdout.isEmpty() ? List.of() : Arrays.asList(stdout.split("\n"));
        }
    }

    public static List<String> javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static Process start(String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(javaCommand("sockwatch.cli.Main", args));
        // A launched command shares sockwatch's stdout with the events. Python under PYTHONUNBUFFERED (set on
        // these machines) writes a print() in pieces, and an event line can land between them, which breaks both
        // lines for the tests that read the program's own output there. Users keep them apart with --output.
        pb.environment().remove("PYTHONUNBUFFERED");
        return pb.start();
    }

    public static Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return finish(start(args), timeoutSeconds);
    }

    public static Result finish(Process p, long timeoutSeconds) throws InterruptedException {
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sockwatch did not end within " + timeoutSeconds + " s; stderr so far: "
                    + err.getNow(""));
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    /** All of a stream, read on another thread (so stdout and stderr can both fill without a deadlock). */
    public static CompletableFuture<String> read(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
