package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockwatch.event.CallPath;
import sockwatch.event.RepeatCount;
import sockwatch.event.SetsockoptEvent;
import sockwatch.event.SocketContext;
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
        assertEquals(16, events.size());
        assertEquals(List.of(), sink.malformed);
        assertEquals(0, sink.lost);
        SetsockoptEvent nodelay = events.get(1);
        assertEquals(30988, nodelay.pid());
        assertEquals(30988, nodelay.tid());
        assertEquals(4, nodelay.fd());
        assertEquals(6, nodelay.level());
        assertEquals(1, nodelay.optname());
        assertEquals(4, nodelay.optlen());
        assertArrayEquals(new byte[] {1, 0, 0, 0}, nodelay.value());
        assertEquals(0, nodelay.ret());
        assertEquals("bpftrace", nodelay.backend());
        assertEquals(7516244486913L + 1_000_000_000L, nodelay.wallNanos());
    }

    @Test
    void aLastNumberNamesTheCallPath() {
        String base = "SW2 1 7 7 3 6 1 4 0 0 0 4 1 1 2 1 6 1 0 0 0 0 0 0 0 0 0 0 0 0";
        parser.accept(base, sink);
        parser.accept(base + " 2", sink);
        parser.accept(base + " 3", sink);
        parser.accept(base + " 4", sink);
        parser.accept(base + " 9", sink);     // no such path: malformed, not guessed
        parser.accept(base + " 4 4", sink);
        assertEquals(List.of(CallPath.SYSCALL, CallPath.SYSCALL_32, CallPath.SOCKETCALL_32, CallPath.IO_URING),
                sink.events.stream().map(SetsockoptEvent::path).toList());
        assertEquals(2, sink.malformed.size());
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
        SetsockoptEvent badCongestion = events.get(7);
        assertEquals(13, badCongestion.optname());
        assertEquals(-2, badCongestion.ret());
        assertEquals(2, badCongestion.errno());
        assertEquals("nosuch", new String(badCongestion.value(), StandardCharsets.US_ASCII));
        SetsockoptEvent unknown = events.get(8);
        assertEquals(99, unknown.optname());
        assertEquals(-92, unknown.ret());
    }

    @Test
    void longValuesAreMarkedTruncated() throws Exception {
        SetsockoptEvent big = parseFixture().get(12);
        assertEquals(100, big.optlen());
        assertEquals(64, big.value().length);
        assertTrue(big.truncated());
    }

    @Test
    void threadsKeepTheirOwnTid() throws Exception {
        SetsockoptEvent fromThread = parseFixture().get(15);
        assertEquals(30988, fromThread.pid());
        assertEquals(31029, fromThread.tid());
    }

    @Test
    void socketContextComesFromTheKernel() throws Exception {
        List<SetsockoptEvent> events = parseFixture();
        SocketContext listener = events.get(0).socket();
        assertEquals(new SocketContext(2, 1, 6, 10, "127.0.0.1:40343", null), listener);
        SocketContext client = events.get(1).socket();
        assertEquals(new SocketContext(2, 1, 6, 1, "127.0.0.1:50510", "127.0.0.1:40343"), client);
        assertEquals(new SocketContext(10, 2, 17, 7, "[::1]:33079", null), events.get(9).socket());
        SocketContext unix = events.get(11).socket();
        assertEquals(1, unix.family());
        assertEquals(1, unix.type());
        assertEquals(SocketContext.NOT_A_SOCKET, events.get(13).socket());
        assertEquals(-88, events.get(13).ret());
    }

    @Test
    void nullOrNegativeLengthValuesAreEmptyNotZeros() throws Exception {
        List<SetsockoptEvent> events = parseFixture();
        assertEquals(0, events.get(13).value().length, "optval NULL");
        assertEquals(-1, events.get(14).optlen());
        assertEquals(0, events.get(14).value().length, "optlen -1");
    }

    @Test
    void lostNoticeIsCounted() {
        assertEquals(BpftraceLineParser.Control.NONE, parser.accept("Lost 42 events", sink));
        parser.accept("Lost 8 events", sink);
        assertEquals(50, sink.lost);
    }

    @Test
    void malformedLinesAreCountedNotFatal() {
        parser.accept("SW2 123 4 5", sink);
        parser.accept("SW2 99999999999999999999999 1 1 1 1 1 4 0 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", sink);
        parser.accept("SW2 1 1 1 1 1 1 4 0 0 0 0 0", sink);
        parser.accept("SW2 1 1 1 1 1 1 4 0 0 0 4 9 1 2 3 4 5 6 7 8 9 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", sink);
        parser.accept("Attaching 6 probes...", sink);
        parser.accept("", sink);
        assertEquals(4, sink.malformed.size());
        assertEquals(0, sink.events.size());
    }

    @Test
    void rootExitMarkerIsRecognised() {
        assertEquals(BpftraceLineParser.Control.ROOT_EXITED, parser.accept("SW1 EXIT 4242", sink));
        // the probe now says when (its kernel time, for the batches' order): the PID is still the third word
        assertEquals(BpftraceLineParser.Control.ROOT_EXITED, parser.accept("SW1 EXIT 4242 777905668933", sink));
        assertEquals(BpftraceLineParser.Control.NONE, parser.accept("SW1 EXIT 4242 7 8", sink));
        assertEquals(0, sink.events.size());
        assertEquals(List.of("SW1 EXIT 4242 7 8"), sink.malformed);
    }

    /** The numeric (SW2) lines the probe prints now, recorded: every value shape comes back byte for byte. */
    @Test
    void numericLinesFromARealRunDecodeToTheSameBytes() throws Exception {
        for (String line : Fixtures.lines("bpftrace-numeric.txt")) {
            parser.accept(line, sink);
        }
        assertEquals(List.of(), sink.malformed);
        List<SetsockoptEvent> e = sink.events;
        assertEquals(11, e.size());
        for (SetsockoptEvent event : e) {
            assertArrayEquals(HOSTILE_COMM, event.comm(), "the hostile name, exactly");
            assertEquals(18869, event.pid());
        }
        assertEquals("01000000", e.get(0).rawHex());
        assertEquals(new SocketContext(2, 1, 6, 7, null, null), e.get(0).socket());
        assertEquals("01000000", e.get(1).rawHex());
        assertEquals("0100000005000000", e.get(2).rawHex(), "SO_LINGER {1, 5}");
        assertEquals("0500000000000000" + "90d0030000000000", e.get(3).rawHex(), "SO_RCVTIMEO {5, 250000}");
        assertEquals("reno", new String(e.get(4).value(), StandardCharsets.US_ASCII));
        assertEquals("10", e.get(5).rawHex(), "IP_TOS as one byte");
        assertEquals("abcdefghijklm", new String(e.get(6).value(), StandardCharsets.US_ASCII), "13 bytes: overlapping tail");
        assertEquals(-2, e.get(6).ret());
        SetsockoptEvent big = e.get(7);
        assertEquals(100, big.optlen());
        assertEquals(64, big.value().length);
        for (int i = 0; i < 64; i++) {
            assertEquals(i + 1, big.value()[i]);
        }
        assertTrue(big.truncated());
        assertEquals(10, e.get(8).socket().family());
        assertTrue(e.get(8).socket().local().startsWith("[::1]:"), e.get(8).socket().toString());
        assertEquals(1, e.get(9).socket().family(), "unix");
        assertEquals("00000100", e.get(9).rawHex());
        assertEquals(18925, e.get(10).tid(), "from the second thread");
        assertEquals("00000000", e.get(10).rawHex());
        SocketContext connected = e.get(1).socket();
        assertTrue(connected.local().startsWith("127.0.0.1:") && connected.remote().startsWith("127.0.0.1:"),
                connected.toString());
    }

    @Test
    void numericLinesOfTheWrongShapeAreMalformed() {
        parser.accept("SW2 1 2 2 3 6 1 4 0 0 0 4 1", sink);                                        // cut short
        parser.accept("SW2 1 2 2 3 6 1 4 0 0 0 70 8 0 0 0 0 0 0 0 0 2 1 6 7 0 0 0 0 0 0 0 0 0 0 0 0", sink);  // n > 64
        parser.accept("SW2 1 2 2 3 6 1 20 0 0 0 20 1 0 2 1 6 7 0 0 0 0 0 0 0 0 0 0 0 0", sink);    // too few words
        parser.accept("SW2 1 2 2 3 6 1 4 0 0 0 4 1 -1 2 1 6 7 0 0 0 0 0 0 0 0 0 0 0 0", sink);     // signed word
        parser.accept("SW2 1 2 2 3 6 1 4 0 0 0 4 1 1 2 1 6 7 0 0 0 0 0 0 0 0 0 0 0 0 9", sink);    // one too many
        assertEquals(5, sink.malformed.size());
        assertEquals(0, sink.events.size());
        parser.accept("SW2 1 2 2 3 6 1 4 0 0 0 4 1 1 2 1 6 7 0 0 0 0 0 0 0 0 0 0 0 0", sink);
        assertEquals(1, sink.events.size());
        assertEquals("01000000", sink.events.get(0).rawHex());
    }

    /** Changes-only mode, recorded: only the changes come as events, the repeats as exact counts at the end. */
    @Test
    void changesOnlyRunGivesTheChangesAndExactRepeatCounts() throws Exception {
        List<BpftraceLineParser.Control> controls = new java.util.ArrayList<>();
        for (String line : Fixtures.lines("bpftrace-changes-only.txt")) {
            controls.add(parser.accept(line, sink));
        }
        assertTrue(controls.contains(BpftraceLineParser.Control.END), "the END marker is recognised");
        assertEquals(List.of(), sink.malformed);
        assertEquals(List.of("6/1=01000000", "6/1=00000000", "1/13=0100000005000000", "6/13=6e6f73756368",
                "6/1=01000000"), sink.events.stream().map(e -> e.level() + "/" + e.optname() + "=" + e.rawHex())
                .toList());
        assertEquals(-2, sink.events.get(3).ret());
        assertEquals(List.of(new RepeatCount(19019, 3, 1, 13, 0, 1, "bpftrace"),
                new RepeatCount(19019, 3, 6, 13, -2, 2, "bpftrace"),
                new RepeatCount(19019, 3, 6, 1, 0, 10000, "bpftrace")), sink.repeats);
        // the "@repeats_total: 0" that bpftrace prints after END (its dump of the cleared map) is not taken
        assertEquals(List.of(10003L), sink.repeatsCounted);
    }

    @Test
    void repeatLinesWithNegativeResultsAndBigCountsParse() {
        parser.accept("@repeats[4242, 17, 41, 49, -22]: 123456789012", sink);
        assertEquals(List.of(new RepeatCount(4242, 17, 41, 49, -22, 123456789012L, "bpftrace")), sink.repeats);
        assertEquals(22, sink.repeats.get(0).errno());
    }

    @Test
    void unknownOrBrokenMapLinesAreMalformedNotFatal() {
        parser.accept("@repeats[1, 2, 3]: 4", sink);
        parser.accept("@repeats[1, 2, 3, 4, 5]: x", sink);
        parser.accept("@something_else: 3", sink);
        parser.accept("@repeats[99999999999, 2, 3, 4, 5]: 1", sink);
        assertEquals(4, sink.malformed.size());
        assertEquals(List.of(), sink.repeats);
    }

    @Test
    void emptyValueIsAnEmptyCapture() {
        // comm word 0 = "lo" (0x6f6c, little-endian), no value bytes (n = 0, k = 0)
        parser.accept("SW2 5 10 11 3 1 25 0 0 28524 0 0 0 1 2 0 7 0 0 0 0 0 0 0 0 0 0 0 0", sink);
        assertEquals(1, sink.events.size());
        assertEquals(0, sink.events.get(0).value().length);
        assertArrayEquals(new byte[] {'l', 'o'}, sink.events.get(0).comm());
    }

    /** The name is the bytes up to the first NUL of the two words, whatever its length (0 to 16 bytes). */
    @Test
    void processNameEndsAtTheFirstNul() {
        byte[] full = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        for (int len = 0; len <= 16; len++) {
            byte[] kernel = new byte[16];
            System.arraycopy(full, 0, kernel, 0, len);
            if (len < 16) {
                kernel[len] = 0;
                // bytes after the NUL are the kernel's leftovers: never part of the name
                for (int i = len + 1; i < 16; i++) {
                    kernel[i] = 'x';
                }
            }
            long w0 = java.nio.ByteBuffer.wrap(kernel, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            long w1 = java.nio.ByteBuffer.wrap(kernel, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            assertArrayEquals(java.util.Arrays.copyOf(full, len), BpftraceLineParser.comm(w0, w1), "length " + len);
        }
    }
}
