package sockwatch.probe;

import java.time.Duration;

/** A probe that has been started. Stopping it must leave nothing attached and no child process behind. */
public interface RunningTrace extends AutoCloseable {

    /** Waits until the probe is armed: calls made after this returns true are seen. */
    boolean awaitArmed(Duration timeout) throws InterruptedException;

    /**
     * After the watched root process exited: waits (at most {@code max}) until the backend has delivered every
     * call that process made, so stopping now loses none.
     */
    void drainAfterRootExit(Duration max) throws InterruptedException;

    /** True while the backend process runs. */
    boolean isAlive();

    /**
     * After the backend ended by itself: true when that was because every process it watched has exited (strace
     * does this; bpftrace keeps watching), which is a normal end of the watch, not a failure.
     */
    default boolean watchedProcessesGone() {
        return false;
    }

    /**
     * True when the backend itself follows every process the watched ones fork and ends once all have exited
     * (strace): the caller then waits for that end. Otherwise the caller keeps the tree, from the sink's fork and
     * exit reports where the backend gives them (bpftrace).
     */
    default boolean endsWithWatched() {
        return false;
    }

    /** Calls this run's probe cannot see that could happen here (a part it left out), for the summary. */
    default java.util.List<String> blindSpots() {
        return java.util.List.of();
    }

    /** Waits for the backend to end by itself; returns its exit code. */
    int waitFor() throws InterruptedException;

    /** Why the backend ended early, from its own error output; null if it did not say. */
    String failure();

    /** Stops the probe, delivers the events it still had, and waits for the backend to be gone. Idempotent. */
    @Override
    void close();
}
