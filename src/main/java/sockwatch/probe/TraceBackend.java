package sockwatch.probe;

import java.time.Duration;
import sockwatch.event.EventSink;

/** A way of seeing setsockopt calls as they happen (bpftrace, strace, stap). */
public interface TraceBackend {

    String name();

    /** What it uses, in a few words, for doctor ("syscall tracepoints through BPF"). */
    String description();

    /** Throws with the reason and the fix when this backend cannot run on this machine, as this user. */
    void checkAvailable() throws BackendUnavailableException;

    /**
     * Like {@link #checkAvailable()}, and more where a backend can prove it (bpftrace compiles, loads and attaches
     * its probe, watching nothing): what doctor reports.
     *
     * @return what was proven, in a few words, or null where the checks are all there is
     */
    default String verify() throws BackendUnavailableException {
        checkAvailable();
        return null;
    }

    /**
     * Throws with the reason and the alternatives when this backend cannot watch what the request asks for, on any
     * machine (strace cannot watch the whole system). Checked before {@link #checkAvailable()}.
     */
    default void checkServes(TraceRequest request) throws BackendUnavailableException {
    }

    /** How long arming may take: seconds for bpftrace, minutes when stap must first compile a module. */
    default Duration armTimeout() {
        return Duration.ofSeconds(60);
    }

    /** Why arming failed when the probe neither armed nor said why within {@link #armTimeout()}. */
    default String armTimedOut() {
        return "not armed within " + armTimeout().toSeconds() + " s";
    }

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
