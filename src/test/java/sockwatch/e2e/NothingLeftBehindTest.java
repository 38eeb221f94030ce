package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sockwatch.support.Capabilities;
import sockwatch.support.SockwatchRun;

/**
 * Ending sockwatch by a signal, even SIGKILL where no hook runs, leaves no backend process (bpftrace, strace)
 * behind, and the program it watched keeps running, untraced and unstopped, and its setsockopt calls keep
 * succeeding.
 */
class NothingLeftBehindTest {
    private static final String LOOP = "import socket, sys, time\ns = socket.socket()\n"
            + "for i in range(1200):\n    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n"
            + "    print('ok %d' % i, flush=True)\n    time.sleep(0.05)\n";

    static List<Arguments> backendsAndSignals() {
        List<Arguments> all = new ArrayList<>();
        for (String backend : List.of("bpftrace", "strace")) {
            for (String signal : List.of("TERM", "INT", "KILL")) {
                all.add(Arguments.of(backend, signal));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} SIG{1}")
    @MethodSource("backendsAndSignals")
    void signalLeavesNoProbeAndAnUnharmedTarget(String backend, String signal) throws Exception {
        if (backend.equals("bpftrace")) {
            Capabilities.requireBpftrace();
        } else {
            Capabilities.requireStrace();
        }
        Capabilities.requireTool("python3");
        Process target = new ProcessBuilder("python3", "-c", LOOP).redirectErrorStream(true).start();
        BufferedReader targetOut = new BufferedReader(new InputStreamReader(target.getInputStream(),
                StandardCharsets.UTF_8));
        Process sockwatch = SockwatchRun.start("--backend", backend, "-p", Long.toString(target.pid()));
        try {
            BufferedReader events = new BufferedReader(new InputStreamReader(sockwatch.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = events.readLine();
            assertTrue(first != null && first.contains("TCP_NODELAY (SOL_TCP)"), "armed and seeing: " + first);
            List<ProcessHandle> children = sockwatch.toHandle().children().toList();
            assertFalse(children.isEmpty(), backend + " runs as sockwatch's child");

            new ProcessBuilder("kill", "-" + signal, Long.toString(sockwatch.pid())).start().waitFor();
            assertTrue(sockwatch.waitFor(10, TimeUnit.SECONDS), "sockwatch ended on SIG" + signal);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (children.stream().anyMatch(NothingLeftBehindTest::running) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(children.stream().noneMatch(NothingLeftBehindTest::running),
                    "no sockwatch child outlives it within 2 s of SIG" + signal);

            assertTrue(target.isAlive(), "the watched program is still running");
            assertEquals("S", state(target.pid()).substring(0, 1).replace("R", "S"), "and not stopped");
            assertEquals("0", tracerPid(target.pid()), "and no longer traced");
            String before = lastLine(targetOut);
            Thread.sleep(300);
            String after = lastLine(targetOut);
            assertTrue(after != null && !after.equals(before), "its setsockopt calls still succeed: " + after);
        } finally {
            sockwatch.destroyForcibly();
            target.destroy();
            target.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String lastLine(BufferedReader r) throws Exception {
        String line = null;
        while (r.ready()) {
            line = r.readLine();
        }
        return line;
    }

    /** TracerPid from /proc/PID/status: 0 when no ptrace tracer (strace) is attached. */
    static String tracerPid(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.startsWith("TracerPid:")).findFirst().orElseThrow().substring(10).strip();
    }

    /**
     * Still running: present and not a zombie. An orphaned child that has exited (its fds closed, so its BPF
     * programs detached and its ptrace attachments gone) stays a zombie until PID 1 reaps it, which on some
     * machines takes seconds; kill(pid, 0) and ProcessHandle.isAlive() count that as alive.
     */
    static boolean running(ProcessHandle p) {
        try {
            return !state(p.pid()).equals("Z");
        } catch (Exception e) {
            return false;
        }
    }

    /** The state letter from /proc/PID/stat (R running, S sleeping, T stopped, t traced). */
    private static String state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }
}
