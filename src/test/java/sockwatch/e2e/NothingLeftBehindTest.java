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
import sockwatch.support.ProcFs;
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

    /** The same loop, writing its progress (the number of calls so far) over the file named by its argument. */
    private static final String LOOP_TO_FILE = "import os, socket, sys, time\ns = socket.socket()\n"
            + "for i in range(1200):\n    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, i % 2)\n"
            + "    open(sys.argv[1] + '.new', 'w').write('ok %d' % i)\n    os.replace(sys.argv[1] + '.new', sys.argv[1])\n"
            + "    time.sleep(0.05)\n";

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
            while (children.stream().anyMatch(ProcFs::running) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(children.stream().noneMatch(ProcFs::running),
                    "no sockwatch child outlives it within 2 s of SIG" + signal);

            assertTrue(target.isAlive(), "the watched program is still running");
            assertEquals("S", ProcFs.state(target.pid()).substring(0, 1).replace("R", "S"), "and not stopped");
            assertEquals("0", ProcFs.tracerPid(target.pid()), "and no longer traced");
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

    static List<Arguments> modesAndSignals() {
        List<Arguments> all = new ArrayList<>();
        for (String mode : List.of("system-wide", "launch")) {
            for (String signal : List.of("TERM", "INT", "KILL")) {
                all.add(Arguments.of(mode, signal));
            }
        }
        return all;
    }

    /**
     * bpftrace in the other two modes: watching the whole system (by name), and a command sockwatch launched. Also
     * checks the kernel side: within 1 s, none of the BPF programs this run loaded is still loaded.
     */
    @ParameterizedTest(name = "bpftrace {0} SIG{1}")
    @MethodSource("modesAndSignals")
    void otherModesLeaveNoProbeLoaded(String mode, String signal) throws Exception {
        Capabilities.requireBpftrace();
        Capabilities.requireTool("python3");
        Capabilities.requireTool("bpftool");
        java.util.Set<String> before = bpfPrograms();
        Process target = null;
        Process sockwatch;
        BufferedReader targetOut;
        Path progress = Files.createTempDirectory("sockwatch-test-").resolve("progress");
        if (mode.equals("launch")) {
            // The launched loop reports to a file: the JVM closes its pipe from sockwatch once sockwatch is gone,
            // and a program writing to a closed pipe would die of that, not of anything sockwatch did.
            sockwatch = SockwatchRun.start("--backend", "bpftrace", "--", "python3", "-c", LOOP_TO_FILE,
                    progress.toString());
            targetOut = new BufferedReader(new InputStreamReader(sockwatch.getInputStream(), StandardCharsets.UTF_8));
        } else {
            target = new ProcessBuilder("python3", "-c", LOOP).redirectErrorStream(true).start();
            targetOut = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
            sockwatch = SockwatchRun.start("--backend", "bpftrace", "-c", "python3");
        }
        BufferedReader events = mode.equals("launch") ? targetOut
                : new BufferedReader(new InputStreamReader(sockwatch.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line;
            do {
                line = events.readLine();
            } while (line != null && !line.contains("TCP_NODELAY (SOL_TCP)"));
            assertTrue(line != null, "armed and seeing the loop");
            java.util.Set<String> ours = bpfPrograms();
            ours.removeAll(before);
            assertFalse(ours.isEmpty(), "this run loaded BPF programs");
            ProcessHandle watched = target != null ? target.toHandle() : sockwatch.toHandle().children()
                    .filter(c -> c.info().command().orElse("").contains("python3")).findFirst().orElseThrow();

            new ProcessBuilder("kill", "-" + signal, Long.toString(sockwatch.pid())).start().waitFor();
            assertTrue(sockwatch.waitFor(10, TimeUnit.SECONDS), "sockwatch ended on SIG" + signal);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            java.util.Set<String> left = bpfPrograms();
            left.retainAll(ours);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                left = bpfPrograms();
                left.retainAll(ours);
            }
            assertEquals(java.util.Set.of(), left, "no BPF program of this run is loaded 1 s after SIG" + signal);

            assertTrue(watched.isAlive(), "the watched program is still running");
            assertEquals("S", ProcFs.state(watched.pid()).substring(0, 1).replace("R", "S"), "and not stopped");
            String first = target != null ? lastLine(targetOut) : Files.readString(progress);
            Thread.sleep(300);
            String after = target != null ? lastLine(targetOut) : Files.readString(progress);
            assertTrue(after != null && !after.equals(first), "its setsockopt calls still succeed: " + after);
            watched.destroy();
            watched.onExit().get(5, TimeUnit.SECONDS);
        } finally {
            sockwatch.destroyForcibly();
            if (target != null) {
                target.destroy();
                target.waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(progress);
            Files.deleteIfExists(Path.of(progress + ".new"));
            Files.deleteIfExists(progress.getParent());
        }
    }

    /**
     * An internal failure while the probe arms (here: JNA missing from the class path, as it once was in the VM
     * harness, where sockwatch then hung for 15 minutes) ends sockwatch at once with one line and a non-zero exit,
     * stops bpftrace, and never runs the launched command.
     */
    @org.junit.jupiter.api.Test
    void anInternalFailureWhileArmingEndsEverything() throws Exception {
        Capabilities.requireBpftrace();
        Path marker = Files.createTempDirectory("sockwatch-test-").resolve("ran");
        List<String> cmd = SockwatchRun.javaCommand("sockwatch.cli.Main", "--backend", "bpftrace", "--",
                "/bin/sh", "-c", "echo ran > \"$0\"", marker.toString());
        int cp = cmd.indexOf("-cp") + 1;
        cmd.set(cp, java.util.Arrays.stream(cmd.get(cp).split(java.io.File.pathSeparator))
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("jna-"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        Process sockwatch = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(sockwatch.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "";
            }
        });
        List<ProcessHandle> seen = new ArrayList<>();
        java.util.Set<String> commands = new java.util.HashSet<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (sockwatch.isAlive() && System.nanoTime() < deadline) {
                sockwatch.toHandle().descendants().forEach(h -> {
                    if (!seen.contains(h)) {
                        seen.add(h);
                    }
                    h.info().command().ifPresent(commands::add);
                });
                Thread.sleep(50);
            }
            assertFalse(sockwatch.isAlive(), "sockwatch ended by itself; stderr: " + err.getNow(""));
            String stderr = err.get(5, TimeUnit.SECONDS);
            assertEquals(1, sockwatch.exitValue(), stderr);
            assertTrue(stderr.contains("sockwatch: internal error: java.lang.NoClassDefFoundError: com/sun/jna/"),
                    stderr);
            assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
            assertTrue(commands.stream().anyMatch(c -> c.endsWith("bpftrace")), "bpftrace had started: " + commands);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (seen.stream().anyMatch(ProcFs::running) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(seen.stream().noneMatch(ProcFs::running), "no child of sockwatch outlives it");
            assertFalse(Files.exists(marker), "the launched command never ran");
        } finally {
            sockwatch.destroyForcibly();
            Files.deleteIfExists(marker);
            Files.deleteIfExists(marker.getParent());
        }
    }

    /** The ids of the BPF programs loaded now (bpftool prog show). */
    private static java.util.Set<String> bpfPrograms() throws Exception {
        Process p = new ProcessBuilder("bpftool", "prog", "show").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String l : out.split("\n")) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).chars().allMatch(Character::isDigit)) {
                ids.add(l.substring(0, colon));
            }
        }
        return ids;
    }

    private static String lastLine(BufferedReader r) throws Exception {
        String line = null;
        while (r.ready()) {
            line = r.readLine();
        }
        return line;
    }
}
