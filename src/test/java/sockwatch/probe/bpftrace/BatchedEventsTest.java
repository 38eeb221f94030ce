package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.event.SetsockoptEvent;
import sockwatch.support.Fixtures;
import sockwatch.support.Fixtures.CollectingSink;

/** Batched mode ($10): the probe's slot maps become its line-per-call stream again, in time order, losses told. */
class BatchedEventsTest {
    private final List<String> order = new ArrayList<>();
    /** The sink, also noting calls and exits in the order they come. */
    private final CollectingSink sink = new CollectingSink() {
        @Override
        public void event(SetsockoptEvent e) {
            super.event(e);
            order.add("call " + e.tid() + " " + e.optname());
        }

        @Override
        public void processExited(int pid) {
            super.processExited(pid);
            order.add("exit " + pid);
        }
    };

    private List<BpftraceLineParser.Control> run(List<String> lines) {
        BpftraceLineParser parser = new BpftraceLineParser(0).root(26323);
        BatchedEvents batches = new BatchedEvents(sink::lost);
        List<BpftraceLineParser.Control> controls = new ArrayList<>();
        for (String line : lines) {
            batches.accept(line, l -> controls.add(parser.accept(l, sink)));
        }
        return controls;
    }

    /** The lines a list of inputs gives. */
    private static List<String> feed(BatchedEvents b, List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            b.accept(l, out::add);
        }
        return out;
    }

    private static String describe(SetsockoptEvent e) {
        return e.pid() + "/" + e.tid() + " fd " + e.fd() + " " + e.level() + "/" + e.optname() + " len " + e.optlen()
                + " = " + HexFormat.of().formatHex(e.value()) + " ret " + e.ret() + " " + e.socket().local() + " -> "
                + e.socket().remote();
    }

    @Test
    void recordedBatchesGiveEveryCallInTimeOrderAndTheExitAfterThem() throws Exception {
        List<BpftraceLineParser.Control> controls = run(Fixtures.lines("bpftrace-batched.txt"));
        assertEquals(List.of(), sink.malformed);
        assertEquals(0, sink.lost, "the probe's counts (8, 1; 9 in all) match the events that arrived");
        assertEquals(List.of(
                "26323/26323 fd 4 6/1 len 4 = 01000000 ret 0 [::1]:41626 -> [::1]:45475",
                "26323/26323 fd 4 1/13 len 8 = 0100000005000000 ret 0 [::1]:41626 -> [::1]:45475",
                "26323/26323 fd 4 6/13 len 5 = 6375626963 ret 0 [::1]:41626 -> [::1]:45475",
                "26323/26323 fd 5 6/13 len 4 = 72656e6f ret 0 127.0.0.1:57939 -> null",
                "26323/26323 fd 5 1/7 len 4 = 40e20100 ret 0 127.0.0.1:57939 -> null",
                "26323/26375 fd 5 6/1 len 4 = 00000000 ret 0 127.0.0.1:57939 -> null",
                "26323/26375 fd 5 6/1 len 4 = 01000000 ret 0 127.0.0.1:57939 -> null",
                "26323/26375 fd 5 6/1 len 4 = 00000000 ret 0 127.0.0.1:57939 -> null",
                "26323/26323 fd 5 6/999 len 4 = 01000000 ret -92 127.0.0.1:57939 -> null"),
                sink.events.stream().map(BatchedEventsTest::describe).toList());
        // the exit line came before the last call's batch was printed: it is held until that slot is drained
        assertEquals("exit 26323", order.get(order.size() - 1));
        assertEquals(List.of(26323), sink.exited);
        assertEquals(List.of(26323), sink.seen);
        assertTrue(controls.contains(BpftraceLineParser.Control.ROOT_EXITED));
        assertEquals(BpftraceLineParser.Control.END, controls.get(controls.size() - 1),
                "END comes last: bpftrace's own print of the cleared maps after it is dropped");
    }

    @Test
    void eventsAreHeldUntilTheirSlotIsDrainedAndSortedByKernelTime() {
        // two slots' events printed out of order (a late drain: slot 1 of time 2^25 + 5 arrives before slot 0's)
        String late = "@e1[" + ((1L << 25) + 5) + ", 7]: (30064771075, 25769803777, 17179869184, 0, 0, 1688854155364100, 1830691155214416, 16777343, 1, 0, 0, 0, 0,"
                + " 0, 0, 0, 0, 0, 0, 0)";
        String early = "@e0[9, 7]: (30064771075, 25769803777, 17179869184, 0, 0, 1688854155364100, 1830691155214416, 16777343, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)";
        BatchedEvents b = new BatchedEvents(n -> { });
        List<String> out = feed(b, List.of(late, early, "@n0: 1"));
        assertEquals(List.of(), out, "nothing is released before a drain says its slot is complete");
        out = feed(b, List.of("SW1 DRAINED 0"));
        assertEquals(1, out.size());
        assertTrue(out.get(0).startsWith("SW2 9 7 7 3 6 1 4 0 0 0 4 8 0 "), out.get(0));
        assertEquals(1, b.waiting(), "the later slot's event waits for its own drain");
        out = feed(b, List.of("@n1: 1", "SW1 DRAINED 1"));
        assertTrue(out.get(0).startsWith("SW2 " + ((1L << 25) + 5) + " 7 7 3 6 1 4 0 0 0 4 8 1 "), out.get(0));
    }

    @Test
    void aDrainAfterSkippedIdleSlotsReleasesEverythingUpToItsSlot() {
        // the probe prints no slot in which nothing happened: slot 0 has a call, slots 1-5 are idle (unprinted), a
        // process exits in slot 6 with no call in it, and only slot 6's drain follows
        String call = "@e0[9, 7]: (30064771075, 25769803777, 17179869184, 0, 0, 1688854155364100, 1830691155214416, 16777343, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)";
        List<Long> lost = new ArrayList<>();
        BatchedEvents b = new BatchedEvents(lost::add);
        List<String> out = feed(b, List.of(call, "@n0: 2", "SW1 DRAINED 0", "SW1 EXIT 7 " + ((6L << 25) + 3)));
        assertEquals(1, out.size(), "slot 0's call goes at its drain, the exit waits for slot 6's");
        assertEquals(List.of(1L), lost, "slot 0 counted two calls and one arrived");
        assertEquals(1, b.waiting());
        out = feed(b, List.of("", "@n2: 0", "SW1 DRAINED 6"));
        assertEquals(List.of("SW1 EXIT 7"), out, "the drain of slot 6 releases the exit though slots 1-5 never came");
        assertEquals(List.of(1L), lost, "no slot in between is taken as lost");
        assertEquals(0, b.waiting());
    }

    @Test
    void aSlotWhoseMapWasFullIsReportedLostAtItsDrainAndTheTotalCatchesTheRest() {
        List<Long> lost = new ArrayList<>();
        BatchedEvents b = new BatchedEvents(lost::add);
        String e = "@e0[9, 7]: (30064771075, 25769803777, 17179869184, 0, 0, 1688854155364100, 1830691155214416, 16777343, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)";
        feed(b, List.of(e, e, "@n0: 5", "SW1 DRAINED 0"));
        assertEquals(List.of(4L), lost, "5 counted, 1 arrived (printed twice: the same time and thread is one call)");
        feed(b, List.of("@made: 7", "SW1 END"));
        assertEquals(List.of(4L, 2L), lost, "the total says 2 more were made than the slots' counts told");
    }

    @Test
    void aSlotPrintedTwiceCountsOnce() {
        List<Long> lost = new ArrayList<>();
        BatchedEvents b = new BatchedEvents(lost::add);
        String e = "@e0[9, 7]: (30064771075, 25769803777, 17179869184, 0, 0, 1688854155364100, 1830691155214416, 16777343, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)";
        List<String> out = feed(b, List.of(e, "@n0: 1", "SW1 DRAINED 0", e, "@n0: 1", "SW1 DRAINED 0"));
        assertEquals(1, out.size(), out.toString());
        assertEquals(List.of(), lost, "one call, printed and counted twice, is not a loss");
    }

    @Test
    void aTupleOfAnotherShapeIsNotAnEvent() {
        assertNull(BatchedEvents.toLine("1", "2", "1, 2, 3"));
        assertNull(BatchedEvents.toLine("1", "2", String.join(", ", java.util.Collections.nCopies(20, "x"))));
        BatchedEvents b = new BatchedEvents(n -> { });
        assertEquals(List.of("@e0[1, 2]: (1, 2)"), feed(b, List.of("@e0[1, 2]: (1, 2)")),
                "passed on, for the parser to count as malformed");
    }
}
