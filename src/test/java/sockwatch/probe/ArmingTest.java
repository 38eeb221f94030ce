package sockwatch.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.event.EventSink;
import sockwatch.event.SetsockoptEvent;

/**
 * Arming with fallback: with auto, a backend that fails only when started (stap's compile) hands over to the
 * next that runs here; a backend named with --backend fails with its own reason.
 */
class ArmingTest {
    private static final TraceRequest REQUEST = TraceRequest.launched(4242);
    private static final EventSink NOWHERE = new EventSink() {
        @Override
        public void event(SetsockoptEvent e) {
        }

        @Override
        public void lost(long count) {
        }
    };

    /** A trace that arms or not; one that does not arm says why, unless it is silent (it timed out). */
    private static final class FakeTrace implements RunningTrace {
        final boolean arms;
        final boolean silent;
        boolean closed;

        FakeTrace(boolean arms) {
            this(arms, false);
        }

        FakeTrace(boolean arms, boolean silent) {
            this.arms = arms;
            this.silent = silent;
        }

        @Override
        public boolean awaitArmed(Duration timeout) {
            return arms;
        }

        @Override
        public void drainAfterRootExit(Duration max) {
        }

        @Override
        public boolean isAlive() {
            return arms && !closed;
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public String failure() {
            return arms || silent ? null : "semantic error: no debuginfo for this kernel";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A backend that runs here; its start throws (unavailable != null), or gives a trace that arms or not. */
    private static class Fake implements TraceBackend {
        final String name;
        final String unavailableAtStart;
        final boolean arms;
        final boolean countsRepeats;
        final List<FakeTrace> started = new ArrayList<>();

        Fake(String name, String unavailableAtStart, boolean arms, boolean countsRepeats) {
            this.name = name;
            this.unavailableAtStart = unavailableAtStart;
            this.arms = arms;
            this.countsRepeats = countsRepeats;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "a test double";
        }

        @Override
        public void checkAvailable() {
        }

        @Override
        public boolean countsRepeats() {
            return countsRepeats;
        }

        @Override
        public RunningTrace start(TraceRequest request, EventSink sink) throws BackendUnavailableException {
            if (unavailableAtStart != null) {
                throw new BackendUnavailableException(unavailableAtStart, null);
            }
            FakeTrace t = new FakeTrace(arms);
            started.add(t);
            return t;
        }
    }

    /** Never arms, and never says why: what a probe still compiling when the time is up looks like. */
    private static final class Silent extends Fake {
        Silent() {
            super("bpftrace", null, false, true);
        }

        @Override
        public RunningTrace start(TraceRequest request, EventSink sink) {
            return new FakeTrace(false, true);
        }
    }

    private final List<String> notes = new ArrayList<>();
    private final List<RunningTrace> attached = new ArrayList<>();

    private Arming.Armed arm(BackendChooser.Choice c) throws Exception {
        return Arming.arm(c, REQUEST, NOWHERE, attached::add, notes::add);
    }

    @Test
    void autoFallsBackWhenTheFirstBackendCannotArm() throws Exception {
        Fake stap = new Fake("stap", null, false, false);
        Fake bpftrace = new Fake("bpftrace", null, true, true);
        Arming.Armed a = arm(new BackendChooser(List.of(stap, bpftrace)).choose("auto", REQUEST));
        assertSame(bpftrace, a.choice().backend());
        assertSame(bpftrace.started.get(0), a.trace());
        assertTrue(stap.started.get(0).closed, "the failed probe was stopped");
        assertEquals(List.of("stap could not arm its probe: semantic error: no debuginfo for this kernel;"
                + " trying bpftrace instead"), notes);
        assertEquals("auto; stap could not arm its probe: semantic error: no debuginfo for this kernel",
                a.choice().why());
        assertEquals(List.of(stap.started.get(0), a.trace()), attached, "each trace was handed over when it ran");
    }

    @Test
    void autoFallsBackWhenTheFirstBackendCannotStart() throws Exception {
        Fake stap = new Fake("stap", "stap: cannot compile the tap", true, false);
        Fake bpftrace = new Fake("bpftrace", null, true, true);
        Arming.Armed a = arm(new BackendChooser(List.of(stap, bpftrace)).choose("auto", REQUEST));
        assertSame(bpftrace, a.choice().backend());
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).startsWith("cannot trace: stap: cannot compile the tap"), notes.get(0));
    }

    @Test
    void aBackendNamedWithBackendDoesNotFallBack() throws Exception {
        Fake stap = new Fake("stap", null, false, false);
        Fake bpftrace = new Fake("bpftrace", null, true, true);
        Arming.ArmFailure e = assertThrows(Arming.ArmFailure.class,
                () -> arm(new BackendChooser(List.of(stap, bpftrace)).choose("stap", REQUEST)));
        assertEquals("stap could not arm its probe: semantic error: no debuginfo for this kernel", e.getMessage());
        assertTrue(bpftrace.started.isEmpty());
        assertTrue(notes.isEmpty());
    }

    @Test
    void whenEveryBackendFailsTheLastReasonIsGiven() throws Exception {
        Fake stap = new Fake("stap", null, false, false);
        Fake bpftrace = new Fake("bpftrace", "bpftrace is not installed", true, true);
        Arming.ArmFailure e = assertThrows(Arming.ArmFailure.class,
                () -> arm(new BackendChooser(List.of(stap, bpftrace)).choose("auto", REQUEST)));
        assertTrue(e.getMessage().contains("bpftrace is not installed"), e.getMessage());
        assertEquals(1, notes.size(), "one note, for stap");
    }

    /** A probe that neither armed nor said why within the limit: the limit is the reason, never nothing. */
    @Test
    void aTimeOutSaysHowLongItWaited() throws Exception {
        Arming.ArmFailure e = assertThrows(Arming.ArmFailure.class,
                () -> arm(new BackendChooser(List.of(new Silent())).choose("bpftrace", REQUEST)));
        assertEquals("bpftrace could not arm its probe: not armed within 60 s", e.getMessage());
    }

    @Test
    void changesOnlyFallsBackOnlyToABackendThatCountsRepeats() throws Exception {
        Fake bpftrace = new Fake("bpftrace", null, false, true);
        Fake strace = new Fake("strace", null, true, false);
        TraceRequest changes = REQUEST.changesOnly(true);
        BackendChooser.Choice c = new BackendChooser(List.of(bpftrace, strace)).choose("auto", changes);
        Arming.ArmFailure e = assertThrows(Arming.ArmFailure.class,
                () -> Arming.arm(c, changes, NOWHERE, attached::add, notes::add));
        assertTrue(e.getMessage().startsWith("bpftrace could not arm"), e.getMessage());
        assertTrue(strace.started.isEmpty(), "strace cannot count repeats");
        assertFalse(attached.isEmpty());
    }
}
