package sockwatch.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.event.EventSink;

/** Choosing a backend for a request: auto passes over the ones that cannot run here or cannot serve it. */
class BackendChooserTest {
    private static final TraceRequest SYSTEM_WIDE = TraceRequest.everything();
    private static final TraceRequest LAUNCHED = TraceRequest.launched(4242);

    /** A backend that runs here or not, and watches the whole system or only given processes. */
    private record Fake(String name, String unavailable, boolean givenProcessesOnly) implements TraceBackend {
        @Override
        public String description() {
            return "a test double";
        }

        @Override
        public void checkAvailable() throws BackendUnavailableException {
            if (unavailable != null) {
                throw new BackendUnavailableException(unavailable, "fix " + name);
            }
        }

        @Override
        public void checkServes(TraceRequest request) throws BackendUnavailableException {
            if (givenProcessesOnly && request.systemWide()) {
                throw new BackendUnavailableException(name + " can only watch given processes", "use -p");
            }
        }

        @Override
        public RunningTrace start(TraceRequest request, EventSink sink) {
            throw new UnsupportedOperationException();
        }
    }

    private final Fake kernel = new Fake("kernel", null, false);
    private final Fake brokenKernel = new Fake("kernel", "no BTF", false);
    private final Fake ptrace = new Fake("ptrace", null, true);

    @Test
    void autoPrefersTheFirstThatRunsHere() throws Exception {
        assertSame(kernel, new BackendChooser(List.of(kernel, ptrace)).choose("auto", LAUNCHED).backend());
        BackendChooser.Choice c = new BackendChooser(List.of(brokenKernel, ptrace)).choose("auto", LAUNCHED);
        assertSame(ptrace, c.backend());
        assertEquals("auto; passed over kernel: no BTF", c.why());
    }

    @Test
    void autoNeverPicksABackendThatCannotServeTheRequest() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new BackendChooser(List.of(brokenKernel, ptrace)).choose("auto", SYSTEM_WIDE));
        assertEquals("no trace backend can do this here: kernel: no BTF (fix kernel); ptrace: ptrace can only watch"
                + " given processes (use -p) (`sockwatch doctor` explains each)", e.oneLine());
    }

    @Test
    void namingABackendThatCannotServeTheRequestIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackendChooser(List.of(kernel, ptrace)).choose("ptrace", SYSTEM_WIDE));
        assertEquals("ptrace can only watch given processes (use -p)", e.getMessage());
    }

    @Test
    void namedBackendIsCheckedForThisMachine() throws Exception {
        assertSame(ptrace, new BackendChooser(List.of(kernel, ptrace)).choose("ptrace", LAUNCHED).backend());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new BackendChooser(List.of(brokenKernel, ptrace)).choose("kernel", LAUNCHED));
        assertTrue(e.oneLine().contains("no BTF"), e.oneLine());
    }

    @Test
    void standardPrefersStapThenBpftraceThenStrace() {
        assertEquals(List.of("stap", "bpftrace", "strace"), BackendChooser.standard().names());
    }

    @Test
    void autoWithChangesOnlyPassesOverBackendsThatCannotCountRepeats() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new BackendChooser(List.of(kernel, ptrace)).choose("auto", LAUNCHED.changesOnly(true)));
        assertEquals("no trace backend can do this here: kernel: it cannot count repeats in the kernel, which"
                + " --changes-only needs (use --backend bpftrace); ptrace: it cannot count repeats in the kernel,"
                + " which --changes-only needs (use --backend bpftrace)", e.getMessage());
    }
}
