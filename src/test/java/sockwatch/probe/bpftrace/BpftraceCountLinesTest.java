package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.event.CallCount;
import sockwatch.event.CallPath;
import sockwatch.support.Fixtures;
import sockwatch.support.Fixtures.CollectingSink;

/** Counts-only mode (--count): the counts setsockopt.bt prints at its end, from recorded runs. */
class BpftraceCountLinesTest {
    private final CollectingSink sink = new CollectingSink();
    private final BpftraceLineParser parser = new BpftraceLineParser(0).countKeys(16384);

    private List<BpftraceLineParser.Control> feed(String fixture) throws Exception {
        List<BpftraceLineParser.Control> controls = new java.util.ArrayList<>();
        for (String line : Fixtures.lines(fixture)) {
            controls.add(parser.accept(line, sink));
        }
        return controls;
    }

    private static String describe(CallCount c) {
        return c.pid() + " " + new String(c.comm(), StandardCharsets.ISO_8859_1) + " " + c.level() + "/" + c.optname()
                + " len " + c.optlen() + " = " + java.util.HexFormat.of().formatHex(c.value()) + " ret " + c.ret()
                + " " + c.path() + " x" + c.count();
    }

    @Test
    void recordedCountsComeWithTheirNamesValuesAndTotal() throws Exception {
        List<BpftraceLineParser.Control> controls = feed("bpftrace-count.txt");
        assertTrue(controls.contains(BpftraceLineParser.Control.END), "the END marker is recognised");
        assertEquals(List.of(), sink.malformed);
        assertEquals(List.of(), sink.events);
        assertEquals(List.of(
                "12932 python3 1/25 len 20 = 6c6f2d766572792d6c6f6e672d6e616d ret -19 SYSCALL x1",
                "12932 python3 6/13 len 5 = 6375626963 ret 0 SYSCALL x1",
                "12932 python3 1/25 len 20 = 6c6f2d766572792d6c6f6e672d6e616d ret -19 SYSCALL x1",
                "12932 python3 1/13 len 8 = 0100000005000000 ret 0 SYSCALL x2",
                "12932 python3 1/9999 len 4 = 01000000 ret -92 SYSCALL x3",
                "12932 python3 6/1 len 4 = 01000000 ret 0 SYSCALL x1000"),
                sink.counts.stream().map(BpftraceCountLinesTest::describe).toList());
        assertTrue(sink.counts.get(0).keyedByPrefix());
        assertTrue(!sink.counts.get(5).keyedByPrefix());
        // the "@counted: 0" bpftrace prints after END (its dump of the cleared map) is not taken
        assertEquals(List.of(1008L), sink.callsCounted);
        assertEquals(16384, sink.tableKeys);
    }

    @Test
    void aFullTableShowsAsATotalAboveTheKeyedCounts() throws Exception {
        feed("bpftrace-count-full.txt");
        assertEquals(List.of(), sink.malformed);
        assertEquals(8, sink.counts.size());
        assertEquals(36, sink.counts.stream().mapToLong(CallCount::count).sum());
        assertEquals(List.of(210L), sink.callsCounted);
    }

    /** A value read that failed comes back as zeros: bytes past a page the probe cannot show was read are dropped. */
    @Test
    void onlyBytesReallyReadAreKept() {
        // optval 2 bytes before a page's end, 8 bytes, EFAULT, all zeros: nothing proves the next page was read
        parser.accept("@counts[7, 1, 13, 8, -14, 0, 0, " + ((4094L + 1) << 8 | 1) + "]: 2", sink);
        // io_uring on a registered file (path 5), 4 bytes well inside the page
        parser.accept("@counts[7, 6, 1, 4, 0, 1, 0, " + ((100L + 1) << 8 | 5) + "]: 1", sink);
        assertEquals(List.of(), sink.malformed);
        assertEquals(0, sink.counts.get(0).value().length);
        assertEquals(CallPath.IO_URING_REGISTERED, sink.counts.get(1).path());
        assertEquals("01000000", java.util.HexFormat.of().formatHex(sink.counts.get(1).value()));
        assertEquals(0, sink.counts.get(1).comm().length, "no @comm line: no name");
    }

    @Test
    void brokenCountLinesAreMalformedNotFatal() {
        parser.accept("@counts[1, 2, 3]: 4", sink);
        parser.accept("@counts[1, 2, 3, 4, 5, 6, 7, 0]: 4", sink);          // path 0 and no page offset
        parser.accept("@counts[1, 2, 3, 4, 5, 6, 7, " + (1L << 30) + "]: 4", sink);   // offset past a page
        parser.accept("@comm[1]: (x, 0)", sink);
        parser.accept("@counted: -1", sink);
        assertEquals(5, sink.malformed.size());
        assertEquals(List.of(), sink.counts);
        assertEquals(List.of(), sink.callsCounted);
    }
}
