package sockwatch.probe;

import java.util.function.Consumer;
import sockwatch.event.EventSink;

/**
 * Starts the chosen backend and waits until its probe is armed. With --backend auto, a backend that fails only
 * now hands over to the next one that can run here, with a note: stap's checks cannot tell in advance that its
 * compile will fail (a kernel without matching debuginfo, a missing compiler). A backend chosen by name fails
 * with its own reason.
 */
public final class Arming {
    private Arming() {
    }

    /** The backend that armed, and its running trace. */
    public record Armed(BackendChooser.Choice choice, RunningTrace trace) {
    }

    /** No backend could arm: the last one's reason, one line. */
    public static final class ArmFailure extends Exception {
        public ArmFailure(String message) {
            super(message);
        }
    }

    /**
     * @param started receives each trace as soon as it runs (so a Ctrl-C during arming can stop it)
     * @param notes   one line per backend that failed before another was tried
     */
    public static Armed arm(BackendChooser.Choice first, TraceRequest request, EventSink sink,
                            Consumer<RunningTrace> started, Consumer<String> notes)
            throws ArmFailure, InterruptedException {
        BackendChooser.Choice c = first;
        while (true) {
            String failure;
            try {
                RunningTrace t = c.backend().start(request, sink);
                started.accept(t);
                boolean armed;
                try {
                    armed = t.awaitArmed(c.backend().armTimeout());
                } catch (RuntimeException | Error e) {
                    t.close(); // an unexpected failure must not leave the probe running
                    throw e;
                }
                if (armed) {
                    return new Armed(c, t);
                }
                String why = t.failure();
                t.close();
                failure = c.backend().name() + " could not arm its probe: " + (why != null ? why
                        : c.backend().armTimedOut());
            } catch (BackendUnavailableException e) {
                failure = "cannot trace: " + e.oneLine();
            }
            BackendChooser.Choice next = c.next(request, failure);
            if (next == null) {
                throw new ArmFailure(failure);
            }
            notes.accept(failure + "; trying " + next.backend().name() + " instead");
            c = next;
        }
    }
}
