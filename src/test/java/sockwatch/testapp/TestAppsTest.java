package sockwatch.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket-option test apps in testapp/ (compiled onto the test classpath by the pom, with
 * sockopt_testapp.py as a resource), run as child JVMs the way a sockwatch harness runs them.
 */
class TestAppsTest {

    static final String READY = "sockwatch-testapp: ready";
    static final Pattern SET_LINE = Pattern.compile(
            "sockwatch-testapp: pid (\\d+): set (\\S+) on client socket 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:\\d+");
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ Java app

    @Test
    void javaAppSetsNodelayPrintsItsPidAndExitsAfterHold() throws Exception {
        Result r = runUntilExit(java("SockoptTestApp", "--hold", "1", "--keepalive", "--linger", "3"));
        assertReadyRun(r, List.of("TCP_NODELAY=1", "SO_KEEPALIVE=1", "SO_LINGER={l_onoff=1,l_linger=3}"));
    }

    @Test
    void javaAppRejectsBadArgumentsWithOneLineAndExit2() throws Exception {
        assertUsageError(java("SockoptTestApp", "--bogus"), "unknown argument '--bogus'");
        assertUsageError(java("SockoptTestApp", "--keepidle", "x"), "--keepidle needs an integer");
        assertUsageError(java("SockoptTestApp", "--hold"), "--hold needs a value");
    }

    /** The point of the app: the kernel really sees these calls (skipped without strace). */
    @Test
    void javaAppSetsoptsAreVisibleToStrace() throws Exception {
        assumeTrue(commandWorks("strace", "-f", "-e", "trace=none", "true"), "strace not usable here");
        Path trace = tmp.resolve("strace.txt");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-e", "trace=setsockopt", "-o", trace.toString()));
        cmd.addAll(java("SockoptTestApp", "--hold", "0", "--tos", "0x10"));
        Result r = runUntilExit(cmd);
        assertEquals(0, r.exitCode, r.toString());
        String strace = Files.readString(trace);
        assertTrue(strace.matches("(?s).*setsockopt\\(\\d+, SOL_TCP, TCP_NODELAY, \\[1\\], 4\\) = 0.*"), strace);
        assertTrue(strace.matches("(?s).*setsockopt\\(\\d+, SOL_IP, IP_TOS, \\[16\\], 4\\) = 0.*"), strace);
    }

    // ------------------------------------------------------------------ Jython app

    @Test
    void jythonAppSetsNodelayPrintsItsPidAndExitsAfterHold() throws Exception {
        Result r = runUntilExit(java("SockoptTestAppJython", "--hold", "0", "--keepalive"));
        assertReadyRun(r, List.of("TCP_NODELAY=1", "SO_KEEPALIVE=1"));
    }

    @Test
    void jythonAppRejectsBadArgumentsWithOneLineAndExit2() throws Exception {
        assertUsageError(java("SockoptTestAppJython", "--bogus"), "unknown argument '--bogus'");
        assertUsageError(java("SockoptTestAppJython", "--tos", "16"), "--tos is not supported under Jython");
    }

    @Test
    void pythonScriptAlsoRunsUnderCPython() throws Exception {
        assumeTrue(commandWorks("python3", "--version"), "no python3");
        Path script = Path.of(getClass().getResource("/sockopt_testapp.py").toURI());
        Result r = runUntilExit(List.of("python3", script.toString(), "--hold", "0", "--keepidle", "30",
                "--tos", "16", "--cork", "--congestion", "reno"));
        assertReadyRun(r, List.of("TCP_NODELAY=1", "TCP_KEEPIDLE=30", "IP_TOS=16", "TCP_CORK=1",
                "TCP_CONGESTION=reno"));
    }

    // ------------------------------------------------------------------ helpers

    static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1"); // as the Jython app's //JAVA_OPTIONS: faster start
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    record Result(long pid, List<String> stdout, List<String> stderr, int exitCode) {
    }

    /**
     * Runs the command, waits for its exit, and returns what it printed. Stdout is read
     * line by line as it comes, like a harness waiting for the ready line would.
     */
    Result runUntilExit(List<String> cmd) throws Exception {
        Path err = Files.createTempFile(tmp, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process went away
            }
        });
        reader.start();
        try {
            if (!p.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("timed out: " + cmd + "\nstdout so far: " + lines
                        + "\nstderr: " + Files.readString(err));
            }
            reader.join(5000);
            return new Result(p.pid(), new ArrayList<>(lines), Files.readAllLines(err), p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    static void assertReadyRun(Result r, List<String> expectedOptions) {
        assertEquals(0, r.exitCode, r.toString());
        List<String> out = r.stdout;
        int ready = out.indexOf(READY);
        assertTrue(ready >= 0, "no ready line: " + r);
        assertEquals(out.size() - 1, ready, "ready must be the last line: " + r);
        assertTrue(ready >= 1 && out.get(ready - 1).matches("sockwatch-testapp: pid \\d+: sleeping .*"), r.toString());

        List<String> options = new ArrayList<>();
        for (String line : out.subList(0, ready)) {
            Matcher m = SET_LINE.matcher(line);
            if (m.matches()) {
                assertEquals(r.pid, Long.parseLong(m.group(1)), "printed pid vs child pid: " + line);
                options.add(m.group(2));
            }
        }
        assertEquals(expectedOptions, options, r.toString());
    }

    void assertUsageError(List<String> cmd, String expected) throws Exception {
        Result r = runUntilExit(cmd);
        assertEquals(2, r.exitCode, r.toString());
        assertEquals(List.of(), r.stdout, r.toString());
        assertEquals(1, r.stderr.size(), "exactly one error line: " + r);
        String line = r.stderr.get(0);
        assertTrue(line.startsWith("sockwatch-testapp: error: ") && line.contains(expected), line);
    }

    static boolean commandWorks(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
