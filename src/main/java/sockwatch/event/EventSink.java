package sockwatch.event;

/** Where a backend delivers what it sees. Called from the backend's reader thread. */
public interface EventSink {
    void event(SetsockoptEvent event);

    /** The backend says it dropped events (bpftrace's "Lost N events"); counted and surfaced, never hidden. */
    void lost(long count);

    /** A line of backend output that did not parse: skipped and counted, never fatal. */
    default void malformed(String line) {
    }

    /** A backend's word on a slow start ("stap pass 2/5 ..."), for the user's stderr; never an event. */
    default void progress(String message) {
    }
}
