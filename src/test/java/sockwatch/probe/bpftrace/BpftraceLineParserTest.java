package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.event.SetsockoptEvent;
import sockwatch.support.Fixtures;
import sockwatch.support.Fixtures.CollectingSink;

class BpftraceLineParserTest {
    /** The name the recording's python3 gave itself with prctl(PR_SET_NAME), cut by the kernel to 15 bytes. */
    private static final byte[] HOSTILE_COMM = {'e', 'v', '\t', 'i', 'l', '\n', '%', 's', '"', '\'', '\\', (byte) 0xff,
            0x1b, '[', '3'};

    private final CollectingSink sink = new CollectingSink();
    private final BpftraceLineParser parser = new BpftraceLineParser(1_000_000_000L);

    private List<SetsockoptEvent> parseFixture() throws Exception {
        boolean ready = false;
        for (String line : Fixtures.lines("bpftrace-hostile-comm.txt")) {
            ready |= parser.accept(line, sink) == BpftraceLineParser.Control.READY;
        }
        assertTrue(ready, "the READY marker is recognised");
        return sink.events;
    }

    @Test
    void recordedRunParsesEveryCall() throws Exception {
        List<SetsockoptEvent> events = parseFixture();
        assertEquals(13, events.size());
        assertEquals(List.of(), sink.malformed);
        assertEquals(0, sink.lost);
        SetsockoptEvent first = events.get(0);
        assertEquals(16802, first.pid());
        assertEquals(16802, first.tid());
        assertEquals(3, first.fd());
        assertEquals(6, first.level());
        assertEquals(1, first.optname());
        assertEquals(4, first.optlen());
        assertArrayEquals(new byte[] {1, 0, 0, 0}, first.value());
        assertEquals(0, first.ret());
        assertEquals("bpftrace", first.backend());
        assertEquals(1176274908170L + 1_000_000_000L, first.wallNanos());
    }

    @Test
    void hostileProcessNameKeepsItsExactBytes() throws Exception {
        for (SetsockoptEvent e : parseFixture()) {
            assertArrayEquals(HOSTILE_COMM, e.comm());
        }
    }

    @Test
    void failuresCarryNegativeErrno() throws Exception {
        List<SetsockoptEvent> events = parseFixture();
        SetsockoptEvent badCongestion = events.get(6);
        assertEquals(13, badCongestion.optname());
        assertEquals(-2, badCongestion.ret());
        assertEquals(2, badCongestion.errno());
        assertEquals("nosuch", new String(badCongestion.value(), StandardCharsets.US_ASCII));
        SetsockoptEvent unknown = events.get(7);
        assertEquals(99, unknown.optname());
        assertEquals(-92, unknown.ret());
    }

    @Test
    void longValuesAreMarkedTruncated() throws Exception {
        SetsockoptEvent big = parseFixture().get(11);
        assertEquals(100, big.optlen());
        assertEquals(64, big.value().length);
        assertTrue(big.truncated());
    }

    @Test
    void threadsKeepTheirOwnTid() throws Exception {
        SetsockoptEvent fromThread = parseFixture().get(12);
        assertEquals(16802, fromThread.pid());
        assertEquals(16843, fromThread.tid());
    }

    @Test
    void lostNoticeIsCounted() {
        assertEquals(BpftraceLineParser.Control.NONE, parser.accept("Lost 42 events", sink));
        parser.accept("Lost 8 events", sink);
        assertEquals(50, sink.lost);
    }

    @Test
    void malformedLinesAreCountedNotFatal() {
        parser.accept("SW1 123 4 5", sink);
        parser.accept("SW1 99999999999999999999999 1 1 1 1 1 4 0 [] []", sink);
        parser.accept("SW1 1 1 1 1 1 1 4 0 [\\x4] [\\x01]", sink);
        parser.accept("Attaching 6 probes...", sink);
        parser.accept("", sink);
        assertEquals(3, sink.malformed.size());
        assertEquals(0, sink.events.size());
    }

    @Test
    void rootExitMarkerIsRecognised() {
        assertEquals(BpftraceLineParser.Control.ROOT_EXITED, parser.accept("SW1 EXIT 4242", sink));
        assertEquals(0, sink.events.size());
    }

    @Test
    void emptyValueIsAnEmptyCapture() {
        parser.accept("SW1 5 10 11 3 1 25 0 0 [\\x6c\\x6f\\x00] []", sink);
        assertEquals(1, sink.events.size());
        assertEquals(0, sink.events.get(0).value().length);
        assertArrayEquals(new byte[] {'l', 'o'}, sink.events.get(0).comm());
    }
}
