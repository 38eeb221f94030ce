package sockwatch.probe;

import sockwatch.event.EventSink;

/** A way of seeing setsockopt calls as they happen (bpftrace, strace, stap). */
public interface TraceBackend {

    String name();

    /** What it uses, in a few words, for doctor ("syscall tracepoints through BPF"). */
    String description();

    /** Throws with the reason and the fix when this backend cannot run on this machine, as this user. */
    void checkAvailable() throws BackendUnavailableException;

    /**
     * True when this backend can honour {@link TraceRequest#changesOnly()} by counting repeats where it sees them
     * (in the kernel), so that repeats cost the traced program little and are never lost.
     */
    default boolean countsRepeats() {
        return false;
    }

    /** Starts the probe; events go to the sink from a reader thread. */
    RunningTrace start(TraceRequest request, EventSink sink) throws BackendUnavailableException;
}
