package sockwatch.event;

/** Where a backend delivers what it sees. Called from the backend's reader thread. */
public interface EventSink {
    /** Takes everything and keeps nothing (a probe armed only to see that it can be). */
    EventSink DISCARD = new EventSink() {
        @Override
        public void event(SetsockoptEvent event) {
        }

        @Override
        public void lost(long count) {
        }
    };

    void event(SetsockoptEvent event);

    /** The backend says it dropped events (bpftrace's "Lost N events"); counted and surfaced, never hidden. */
    void lost(long count);

    /**
     * The backend has delivered everything it had read so far (its pipe is momentarily drained). A sink may hold
     * its output until then, to write a burst of events at once; a backend that never calls this gets every event
     * written as it comes.
     */
    default void endOfBatch() {
    }

    /** A line of backend output that did not parse: skipped and counted, never fatal. */
    default void malformed(String line) {
    }

    /** A backend's word on a slow start ("stap pass 2/5 ..."), for the user's stderr; never an event. */
    default void progress(String message) {
    }

    /** Changes-only mode: identical calls the backend counted instead of delivering (see {@link RepeatCount}). */
    default void repeats(RepeatCount repeats) {
    }

    /**
     * Changes-only mode, once at the end: every repeat the backend counted, {@code total}, which is more than the
     * {@link #repeats} it reported when it had no room left to keep them apart.
     */
    default void repeatsCounted(long total) {
    }

    /** Counts-only mode, at the end: one count of identical calls (see {@link CallCount}). */
    default void counted(CallCount count) {
    }

    /**
     * Counts-only mode, once after the counts: every call the backend counted, {@code total}, which is more than
     * the sum of the {@link #counted} ones when its table of {@code tableKeys} keys had no room for some.
     */
    default void callsCounted(long total, int tableKeys) {
    }

    /** A watched process forked this task (a process or a thread): watched too, and waited for. */
    default void processForked(int pid) {
    }

    /**
     * This process made its first call that will be delivered, perhaps later (bpftrace's batches): a moment to
     * read who it is while it still runs.
     */
    default void processSeen(int pid) {
    }

    /** A watched process has exited (its last thread): every call it made was delivered before this. */
    default void processExited(int pid) {
    }

    /** A watched process forked this task, but the probe had no room to follow it: its calls will not be seen. */
    default void processUnfollowed(int pid) {
    }
}
