package sockwatch.probe.strace;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockwatch.probe.BackendProcess;
import sockwatch.probe.RunningTrace;

/**
 * A running strace: armed once it has said "attached" for every requested PID (never, if it could not attach to
 * one of them), drained once the root's exit line has been read (trace output is one ordered stream, so every call
 * the root made was read before it).
 */
final class StraceTrace implements RunningTrace {
    private final Set<Integer> notYetAttached = ConcurrentHashMap.newKeySet();
    private final CountDownLatch armed = new CountDownLatch(1);
    private final CountDownLatch rootsExited;
    private final ProcTasks tasks;
    private volatile BackendProcess process;
    private volatile boolean closing;
    private volatile boolean attachFailed;

    /** Attached to while strace starts, but not required: a descendant may exit before strace reaches it. */
    private final Set<Integer> optional = ConcurrentHashMap.newKeySet();

    StraceTrace(Collection<Integer> pids, Collection<Integer> descendants, ProcTasks tasks) {
        this.notYetAttached.addAll(pids);
        this.notYetAttached.addAll(descendants);
        this.optional.addAll(descendants);
        this.optional.removeAll(pids);
        this.rootsExited = new CountDownLatch(pids.size());
        this.tasks = tasks;
    }

    void started(BackendProcess p) {
        this.process = p;
    }

    /** One line of strace's stderr. */
    void notice(String line) {
        StraceNotices.attached(line).ifPresent(tid -> {
            tasks.learn(tid);
            if (notYetAttached.remove(tid) && notYetAttached.isEmpty()) {
                armed.countDown();
            }
        });
        // strace goes on with the PIDs it could attach to; not seeing one that was asked for is a failure to arm,
        // but a descendant that exited before strace got to it had nothing left to see.
        StraceNotices.attachFailed(line).ifPresent(pid -> {
            if (optional.contains(pid)) {
                if (notYetAttached.remove(pid) && notYetAttached.isEmpty()) {
                    armed.countDown();
                }
            } else {
                attachFailed |= notYetAttached.contains(pid);
            }
        });
    }

    void control(StraceLineParser.Control c) {
        if (c == StraceLineParser.Control.ROOT_EXITED) {
            rootsExited.countDown();
        }
    }

    @Override
    public boolean awaitArmed(Duration timeout) throws InterruptedException {
        return process.awaitWhileAlive(armed, timeout, () -> attachFailed);
    }

    @Override
    public void drainAfterRootExit(Duration max) throws InterruptedException {
        // A root killed by SIGKILL may get no exit line; strace then ends by itself once nothing is left to trace.
        long deadline = System.nanoTime() + max.toNanos();
        while (!rootsExited.await(20, TimeUnit.MILLISECONDS) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
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

    /** strace -f follows every fork of what it traces, and ends by itself once all of it has exited. */
    @Override
    public boolean endsWithWatched() {
        return true;
    }

    /** strace ends by itself, with status 0, once every process it traced has exited. */
    @Override
    public boolean watchedProcessesGone() {
        if (closing || process.isAlive()) {
            return false;
        }
        try {
            return process.waitFor() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String failure() {
        List<String> lines = process.stderrTail().stream().filter(l -> !StraceNotices.isChatter(l)).toList();
        return lines.isEmpty() ? null : String.join(" / ", lines);
    }

    /** SIGTERM: strace detaches from every task (they run on untouched), then exits. */
    @Override
    public void close() {
        closing = true;
        process.stop(Duration.ofSeconds(2));
    }
}
