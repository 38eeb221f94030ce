package sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sockwatch.support.Capabilities;
import sockwatch.support.ProcFs;
import sockwatch.support.RunningTarget;
import sockwatch.support.RunningTarget.LoopCalls;
import sockwatch.support.SharedTempDirs;
import sockwatch.support.SockwatchRun;

/**
 * Ending `sockwatch snapshot -p` by a signal while it reads (SIGINT, SIGTERM, even SIGKILL, where no hook runs):
 * within 1 s sockwatch and every child of it are gone, the program it was reading keeps running, not stopped,
 * not traced, with exactly the fds it had, its setsockopt calls keep succeeding, and nothing of sockwatch's is
 * left in the shared temp folders. The signal is sent only once sockwatch is seen holding a duplicate of one of
 * the target's sockets (pidfd_getfd), so it lands mid-snapshot; that it did is checked again afterwards.
 */
class SnapshotSignalsTest {
    /** Enough sockets that reading them takes far longer than sending a signal (about 0.5 s on 2 cores). */
    private static final int SOCKETS = 6000;
    /** Runs started on the same target before giving up when each snapshot finishes before the signal lands. */
    private static final int ATTEMPTS = 3;
    private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Map<String, Integer> SIGNO = Map.of("INT", 2, "KILL", 9, "TERM", 15);

    static List<Arguments> signalsAndOutputs() {
        List<Arguments> all = new ArrayList<>();
        for (String signal : List.of("TERM", "INT", "KILL")) {
            for (String output : List.of("text", "json")) {
                all.add(Arguments.of(signal, output));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "snapshot ({1}) SIG{0}")
    @MethodSource("signalsAndOutputs")
    void signalMidSnapshotLeavesNothingAndAnUnharmedTarget(String signal, String output) throws Exception {
        Capabilities.requireRoot();
        Capabilities.requireTool("python3");
        try (RunningTarget target = RunningTarget.manySockets(Integer.toString(SOCKETS), "--setsockopt-loop")) {
            List<String> fdsBefore = target.fdLinks();
            Set<Long> inodes = target.socketInodes();
            assertTrue(inodes.size() >= SOCKETS, "the target holds " + inodes.size() + " sockets");
            LoopCalls callsBefore = target.setsockoptCalls();
            Set<String> tempBefore = SharedTempDirs.listing();

            List<String> lost = new ArrayList<>();
            List<Long> sockwatchPids = new ArrayList<>();
            Interrupted run = null;
            for (int attempt = 1; attempt <= ATTEMPTS && run == null; attempt++) {
                run = interruptSnapshot(target, inodes, signal, output.equals("json"), sockwatchPids, lost);
            }
            if (run == null) {
                fail("the snapshot of " + inodes.size() + " sockets ended before SIG" + signal + " reached it in all "
                        + ATTEMPTS + " attempts, so nothing was tested; make the target bigger: " + lost);
            }

            assertEquals(128 + SIGNO.get(signal), run.result().exit(), "ended by SIG" + signal + ": "
                    + run.result().stderr());
            assertTrue(run.endedAfterNanos() < ONE_SECOND, "sockwatch was gone " + run.endedAfterNanos() / 1_000_000
                    + " ms after SIG" + signal);
            long deadline = run.signalSentAt() + ONE_SECOND;
            while (run.children().stream().anyMatch(ProcFs::running) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(), run.children().stream().filter(ProcFs::running).toList(),
                    "no child of sockwatch runs 1 s after SIG" + signal);
            assertEquals(List.of(), run.probeFds(), "snapshot held no BPF program, BPF link or perf event");
            assertEquals("", run.result().stderr(), "no stack trace, no error line");
            assertEquals("", run.result().stdout(), "interrupted before it printed anything");

            assertTrue(run.targetStateMeanwhile() != 'T' && run.targetStateMeanwhile() != 't',
                    "the target was stopped while being read: state " + run.targetStateMeanwhile());
            assertEquals("0", run.targetTracerMeanwhile(), "the target was traced while being read");
            target.assertUnaffected(fdsBefore);

            LoopCalls afterEnd = target.setsockoptCalls();
            LoopCalls later = afterEnd;
            long callsDeadline = System.nanoTime() + ONE_SECOND;
            while (later.ok() <= afterEnd.ok() && System.nanoTime() < callsDeadline) {
                Thread.sleep(20);
                later = target.setsockoptCalls();
            }
            assertTrue(later.ok() > afterEnd.ok() && afterEnd.ok() > callsBefore.ok(),
                    "its setsockopt calls go on: " + callsBefore + ", " + afterEnd + ", " + later);
            assertEquals(0, later.failed(), "none of its setsockopt calls failed: " + later);

            assertEquals(Set.of(), SharedTempDirs.leftBehind(tempBefore,
                    sockwatchPids.stream().mapToLong(Long::longValue).toArray()), "left in /tmp, /var/tmp, /dev/shm");
        }
    }

    /**
     * What became of one sockwatch run that the signal reached mid-snapshot.
     *
     * @param endedAfterNanos from sending the signal until sockwatch was reaped
     * @param children sockwatch's descendants when the signal was sent
     * @param probeFds sockwatch's fds on BPF programs, links or perf events, seen while it ran
     */
    private record Interrupted(SockwatchRun.Result result, long signalSentAt, long endedAfterNanos,
            List<ProcessHandle> children, List<String> probeFds, char targetStateMeanwhile,
            String targetTracerMeanwhile) {
    }

    /**
     * Starts `sockwatch snapshot -p TARGET`, waits until it holds a duplicate of one of the target's sockets, and
     * sends the signal. Returns null (with the reason added to {@code lost}) when the snapshot ended before the
     * signal could reach it.
     */
    private static Interrupted interruptSnapshot(RunningTarget target, Set<Long> targetInodes, String signal,
            boolean json, List<Long> sockwatchPids, List<String> lost) throws Exception {
        List<String> args = new ArrayList<>(List.of("snapshot", "-p", Long.toString(target.pid())));
        if (json) {
            args.add("--json");
        }
        Process sw = SockwatchRun.start(args.toArray(String[]::new));
        sockwatchPids.add(sw.pid());
        CompletableFuture<SockwatchRun.Result> finished = CompletableFuture.supplyAsync(() -> {
            try {
                return SockwatchRun.finish(sw, 120);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Path fds = Path.of("/proc", Long.toString(sw.pid()), "fd");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Set<String> probeFds = new java.util.TreeSet<>();
            while (!holdsOneOf(fds, targetInodes, probeFds)) {
                if (!sw.isAlive()) {
                    SockwatchRun.Result r = finished.get(30, TimeUnit.SECONDS);
                    lost.add("exit " + r.exit() + " before any duplicate of the target's sockets was seen in it ("
                            + r.stdoutLines().size() + " lines out, stderr '" + r.stderr().strip() + "')");
                    return null;
                }
                assertTrue(System.nanoTime() < deadline, "sockwatch held none of the target's sockets within 60 s");
                Thread.sleep(1);
            }
            char stateMeanwhile = target.state();
            String tracerMeanwhile = ProcFs.tracerPid(target.pid());
            List<ProcessHandle> children = sw.toHandle().descendants().toList();

            long sent = System.nanoTime();
            new ProcessBuilder("kill", "-" + signal, Long.toString(sw.pid())).start().waitFor();
            assertTrue(sw.waitFor(10, TimeUnit.SECONDS), "sockwatch ended on SIG" + signal);
            long endedAfter = System.nanoTime() - sent;
            SockwatchRun.Result r = finished.get(30, TimeUnit.SECONDS);
            if (r.exit() == 0 || !r.stdout().isEmpty()) {
                lost.add("the snapshot was complete before SIG" + signal + " landed (exit " + r.exit() + ", "
                        + r.stdoutLines().size() + " lines out)");
                return null;
            }
            return new Interrupted(r, sent, endedAfter, children, List.copyOf(probeFds), stateMeanwhile,
                    tracerMeanwhile);
        } finally {
            sw.destroyForcibly();
            sw.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Whether sockwatch's fd table (/proc/PID/fd) holds a socket with one of the target's inodes: a pidfd_getfd
     * duplicate, so the snapshot is reading. Adds any BPF or perf event fd it has to {@code probeFds}.
     */
    private static boolean holdsOneOf(Path fds, Set<Long> targetInodes, Set<String> probeFds) {
        boolean holds = false;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(fds)) {
            for (Path fd : dir) {
                String link;
                try {
                    link = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (link.startsWith("socket:[") && targetInodes.contains(
                        Long.parseLong(link.substring(8, link.length() - 1)))) {
                    holds = true;
                } else if (link.startsWith("anon_inode:bpf") || link.contains("perf_event")) {
                    probeFds.add(fd.getFileName() + " -> " + link);
                }
            }
        } catch (IOException e) {
            return false; // not started yet, or gone
        }
        return holds;
    }
}
