package sockwatch.probe.strace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sockwatch.event.SetsockoptEvent;
import sockwatch.probe.bpftrace.BpftraceLineParser;
import sockwatch.support.Fixtures;
import sockwatch.support.Fixtures.CollectingSink;

/** The strace parser on output recorded from real strace 6.1 runs (record-strace-fixtures.sh, see each header). */
class StraceLineParserTest {
    /** The name the recording's python3 gave itself with prctl(PR_SET_NAME), cut by the kernel to 15 bytes. */
    private static final byte[] HOSTILE_COMM = {'e', 'v', '\t', 'i', 'l', '\n', '%', 's', '"', '\'', '\\', (byte) 0xff,
            0x1b, '[', '3'};
    private static final int HOSTILE_PID = 30927;
    private static final int HOSTILE_THREAD = 30945;
    private static final int THREADS_PID = 30976;

    private final CollectingSink sink = new CollectingSink();

    /** Tasks as /proc showed them during the recording. */
    private record Known(Map<Integer, Integer> tgids, Map<Integer, byte[]> comms) implements StraceLineParser.Tasks {
        @Override
        public int tgid(int tid) {
            return tgids.getOrDefault(tid, tid);
        }

        @Override
        public Optional<byte[]> comm(int tgid) {
            return Optional.ofNullable(comms.get(tgid));
        }

        @Override
        public void gone(int tid) {
        }
    }

    /** Tasks long gone, as in a test run: no /proc left to read. */
    private static final Known GONE = new Known(Map.of(), Map.of());

    private List<StraceLineParser.Control> parse(String fixture, StraceLineParser.Tasks tasks, int root)
            throws Exception {
        StraceLineParser parser = new StraceLineParser(tasks, Set.of(root));
        List<StraceLineParser.Control> controls = new ArrayList<>();
        for (String line : Fixtures.lines(fixture)) {
            controls.add(parser.accept(line, sink));
        }
        assertEquals(List.of(), sink.malformed);
        return controls;
    }

    private List<SetsockoptEvent> hostile(StraceLineParser.Tasks tasks) throws Exception {
        List<StraceLineParser.Control> controls = parse("strace-hostile-comm.txt", tasks, HOSTILE_PID);
        assertEquals(1, controls.stream().filter(c -> c == StraceLineParser.Control.ROOT_EXITED).count(),
                "the root's exit line, not its thread's, is the marker");
        assertEquals(StraceLineParser.Control.ROOT_EXITED, controls.get(controls.size() - 2));
        return sink.events;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** These three were recorded before -yy was added: the rest of the command line is the backend's. */
    @ParameterizedTest
    @ValueSource(strings = {"strace-hostile-comm.txt", "strace-edge-cases.txt", "strace-threads.txt"})
    void olderFixturesWereRecordedWithTheBackendsCommandLineBefore_yy(String fixture) throws Exception {
        String flags = String.join(" ", StraceBackend.argv(Path.of("strace"), Set.of())).replace(" -yy", "");
        assertTrue(Fixtures.header(fixture).contains("#   " + flags + " -p PID"), Fixtures.header(fixture).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"strace-sockets-yy.txt", "strace-compat32.txt", "strace-structs.txt"})
    void fixturesWereRecordedWithTheBackendsExactCommandLine(String fixture) throws Exception {
        String flags = String.join(" ", StraceBackend.argv(Path.of("strace"), Set.of()));
        assertTrue(flags.contains(" -yy "), flags);
        assertTrue(Fixtures.header(fixture).contains("#   " + flags + " -p PID"), Fixtures.header(fixture).toString());
    }

    @Test
    void recordedRunParsesEveryCall() throws Exception {
        List<SetsockoptEvent> events = hostile(GONE);
        assertEquals(12, events.size());
        SetsockoptEvent first = events.get(0);
        assertEquals(HOSTILE_PID, first.pid());
        assertEquals(HOSTILE_PID, first.tid());
        assertEquals(3, first.fd());
        assertEquals(6, first.level());
        assertEquals(1, first.optname());
        assertEquals(4, first.optlen());
        assertArrayEquals(new byte[] {1, 0, 0, 0}, first.value());
        assertEquals(0, first.ret());
        assertEquals("strace", first.backend());
        // Entry time 1795630427.733763006 plus the call's duration <0.000017586>: when it returned.
        assertEquals(1_795_630_427_733_780_592L, first.wallNanos());
    }

    @Test
    void valuesAreTheBytesTheCallerPassed() throws Exception {
        List<SetsockoptEvent> e = hostile(GONE);
        assertEquals("10000000", hex(e.get(1).value()), "IP_TOS [16]");
        assertEquals("0100000005000000", hex(e.get(3).value()), "SO_LINGER {l_onoff=1, l_linger=5}");
        assertEquals("05000000000000009" + "0d0030000000000", hex(e.get(4).value()), "SO_RCVTIMEO as a string");
        assertEquals("reno", new String(e.get(5).value(), StandardCharsets.US_ASCII),
                "TCP_CONGESTION with optlen 4 is shown as the int [1869505906]");
        assertEquals("6c6f00", hex(e.get(9).value()), "SO_BINDTODEVICE keeps its NUL");
        assertEquals(List.of(4, 41, 26), List.of(e.get(10).fd(), e.get(10).level(), e.get(10).optname()));
    }

    /**
     * Calls that both recordings made (bpftrace-hostile-comm.txt ran a similar program under bpftrace): the
     * bytes strace printed decode to exactly what the kernel-side probe read.
     */
    @Test
    void bytesMatchWhatBpftraceReadForTheSameCalls() throws Exception {
        CollectingSink bpf = new CollectingSink();
        BpftraceLineParser bpftrace = new BpftraceLineParser(0);
        for (String line : Fixtures.lines("bpftrace-hostile-comm.txt")) {
            bpftrace.accept(line, bpf);
        }
        java.util.Map<String, String> bytesByCall = new java.util.HashMap<>();
        bpf.events.forEach(e -> bytesByCall.putIfAbsent(key(e), e.rawHex()));
        int compared = 0;
        for (SetsockoptEvent e : hostile(GONE)) {
            String seen = bytesByCall.get(key(e));
            if (seen != null && !(e.level() == 6 && e.optname() == 1)) {
                assertEquals(seen, e.rawHex(), call(e));
                compared++;
            }
        }
        assertTrue(compared >= 8, "compared " + compared + " calls made by both programs");
    }

    /** The call without its value; TCP_NODELAY is left out because the programs set it to 1 and 0. */
    private static String key(SetsockoptEvent e) {
        return e.level() + "/" + e.optname() + " optlen " + e.optlen() + " = " + e.ret();
    }

    private static String call(SetsockoptEvent e) {
        return e.level() + "/" + e.optname() + " optlen " + e.optlen() + " = " + e.ret() + " [" + e.rawHex() + "]";
    }

    @Test
    void failuresCarryNegativeErrno() throws Exception {
        List<SetsockoptEvent> events = hostile(GONE);
        SetsockoptEvent badCongestion = events.get(6);
        assertEquals(13, badCongestion.optname());
        assertEquals(-2, badCongestion.ret());
        assertEquals("nosuch", new String(badCongestion.value(), StandardCharsets.US_ASCII));
        SetsockoptEvent unknown = events.get(7);
        assertEquals(99, unknown.optname());
        assertEquals(-92, unknown.ret());
    }

    @Test
    void longValuesAreCutAt64BytesAndMarkedTruncated() throws Exception {
        SetsockoptEvent big = hostile(GONE).get(8);
        assertEquals(100, big.optlen());
        assertEquals(64, big.value().length);
        assertTrue(big.truncated());
        assertEquals(-2, big.ret());
    }

    @Test
    void hostileProcessNameKeepsItsExactBytesFromProc() throws Exception {
        Known proc = new Known(Map.of(HOSTILE_PID, HOSTILE_PID, HOSTILE_THREAD, HOSTILE_PID),
                Map.of(HOSTILE_PID, HOSTILE_COMM));
        List<SetsockoptEvent> events = hostile(proc);
        for (SetsockoptEvent e : events) {
            assertArrayEquals(HOSTILE_COMM, e.comm());
            assertEquals(HOSTILE_PID, e.pid());
        }
        SetsockoptEvent fromThread = events.get(11);
        assertEquals(HOSTILE_THREAD, fromThread.tid());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, fromThread.value());
    }

    /** Once the process is gone, strace's -Y name stands in: what it printed, which stops at the newline. */
    @Test
    void goneProcessFallsBackToStracesOwnName() throws Exception {
        List<SetsockoptEvent> events = hostile(new Known(Map.of(HOSTILE_THREAD, HOSTILE_PID), Map.of()));
        assertArrayEquals("ev\til".getBytes(StandardCharsets.US_ASCII), events.get(0).comm());
        assertArrayEquals(new byte[0], events.get(11).comm(), "a thread's own name is not its process's name");
    }

    @Test
    void edgeCasesKeepOnlyBytesStraceReallyShowed() throws Exception {
        parse("strace-edge-cases.txt", GONE, 30958);
        List<String> got = sink.events.stream()
                .map(e -> e.fd() + " " + e.level() + " " + e.optname() + " " + e.optlen() + " " + e.ret() + " "
                        + e.rawHex()).toList();
        assertEquals(List.of(
                "3 6 1 2 -22 0100",                 // short: a string
                "3 6 1 7 0 01020304050607",         // odd length
                "3 6 1 4 -14 ",                     // EFAULT: only the address was shown
                "3 6 1 0 -22 ",                     // NULL
                "3 6 1 4 0 fbffffff",               // [-5]
                "3 6 1 -1 -22 ",                    // negative optlen: nothing was passed
                "3 4242 1 12 -92 0001027f80ff615c220a0000",
                "3 1 13 4 -22 ",                    // linger shorter than the struct: the address
                "3 1 13 12 0 0100000005000000",     // linger decoded from its first 8 of 12 bytes
                "3 1 20 8 -22 0200000000000000",
                "3 1 13 8 -14 ",                    // linger EFAULT
                "4 1 26 16 0 0100",                 // sock_fprog: only len leads up to the unshown padding
                "4 0 35 8 0 e00000fb00000000",      // ip_mreq
                "4 0 35 12 0 e00000fc00000000",     // ip_mreqn: strace decodes only an ip_mreq's 8 bytes
                "5 41 20 20 0 ff0200000000000000000000000000fb01000000", // ipv6_mreq
                "6 270 1 8 0 01000000",             // SOL_NETLINK: one int of the 8 bytes
                "3 -1 1 4 -92 01000000",
                "3 1 -1 4 -92 01000000",
                "-1 1 9 4 -9 01000000",
                "3 6 13 6 -14 ",                    // runs off the page
                "3 1 25 0 0 ",
                "4 0 33 1 0 09",
                "3 1 66 16 0 020000000000000020a1070000000000"), got);
        assertTrue(sink.events.get(8).truncated());
        assertTrue(sink.events.get(13).truncated());
        assertTrue(sink.events.get(15).truncated());
    }

    @Test
    void unfinishedAndResumedCallsArePairedPerThread() throws Exception {
        Known proc = new Known(Map.of(30986, THREADS_PID, 30989, THREADS_PID, 30990, THREADS_PID, 30991,
                THREADS_PID), Map.of());
        List<StraceLineParser.Control> controls = parse("strace-threads.txt", proc, THREADS_PID);
        assertEquals(100, sink.events.size());
        Map<Integer, List<SetsockoptEvent>> byThread = sink.events.stream()
                .collect(Collectors.groupingBy(SetsockoptEvent::tid));
        assertEquals(Set.of(30986, 30989, 30990, 30991), byThread.keySet());
        for (List<SetsockoptEvent> calls : byThread.values()) {
            assertEquals(25, calls.size());
            for (int i = 0; i < calls.size(); i++) {
                assertArrayEquals(new byte[] {(byte) (i & 1), 0, 0, 0}, calls.get(i).value(), "in call order");
                assertEquals(THREADS_PID, calls.get(i).pid());
                assertEquals(0, calls.get(i).ret());
            }
        }
        assertEquals(StraceLineParser.Control.ROOT_EXITED, controls.get(controls.size() - 2));
    }

    @Test
    void resumedCallTakesItsTimeAndArgumentsFromItsFirstHalf() {
        StraceLineParser parser = new StraceLineParser(GONE, Set.of(1));
        parser.accept("30989<\\x74> 1795630427.948958134 setsockopt(3, 0x6, 0x1, [0], 4 <unfinished ...>", sink);
        parser.accept("30990<\\x74> 1795630427.948960000 setsockopt(3, 0x6, 0x1, [1], 4 <unfinished ...>", sink);
        assertEquals(0, sink.events.size());
        parser.accept("30989<\\x74> 1795630427.949000000 <... setsockopt resumed>) = 0 <0.000050000>", sink);
        assertEquals(1, sink.events.size());
        assertEquals(1_795_630_427_949_008_134L, sink.events.get(0).wallNanos());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, sink.events.get(0).value());
    }

    @Test
    void callsWithoutAKnownResultOrFirstHalfAreSkippedNotMalformed() {
        StraceLineParser parser = new StraceLineParser(GONE, Set.of(1));
        // The task was killed mid-call.
        parser.accept("2884<\\x6d> 1795629864.567259288 setsockopt(3, 0x6, 0x1, [0], 4 <unfinished ...>", sink);
        parser.accept("2884<\\x6d> 1795629864.567300000 <... setsockopt resumed> <unfinished ...>) = ?", sink);
        // The call began before strace attached.
        parser.accept("2885<\\x6d> 1795629864.567934220 <... setsockopt resumed>) = 0 <0.000563356>", sink);
        assertEquals(0, sink.events.size());
        assertEquals(List.of(), sink.malformed);
    }

    @Test
    void linesThatLookLikeCallsButDoNotParseAreMalformed() {
        StraceLineParser parser = new StraceLineParser(GONE, Set.of(1));
        parser.accept("30927<\\x65> 1795630427.733763006 setsockopt(3, 0x6) = 0 <0.000017586>", sink);
        parser.accept("30927<\\x65> 1795630427.733763006 setsockopt(3, 0x6, zz, [1], 4) = 0 <0.000017586>", sink);
        parser.accept("setsockopt(3, 0x6, 0x1, [1], 4) = 0", sink);
        parser.accept("30927 1795630427.733763006 +++ exited with 0 +++", sink);
        parser.accept("", sink);
        assertEquals(3, sink.malformed.size());
        assertEquals(0, sink.events.size());
    }

    @Test
    void returnValues() {
        assertEquals(OptionalInt.of(0), StraceLineParser.ret("0"));
        assertEquals(OptionalInt.of(-2), StraceLineParser.ret("-1 ENOENT (No such file or directory)"));
        assertEquals(OptionalInt.of(-600), StraceLineParser.ret("-1 E??? (errno 600)"));
        assertEquals(OptionalInt.of(-600), StraceLineParser.ret("-1 ERRNO_600 (Unknown error 600)"));
        assertFalse(StraceLineParser.ret("?").isPresent());
        assertFalse(StraceLineParser.ret("? ERESTARTSYS (To be restarted if SA_RESTART is set)").isPresent());
    }

    @Test
    void numbersAsRawStylePrintsThem() {
        assertEquals(0, StraceLineParser.number("0"));
        assertEquals(6, StraceLineParser.number("0x6"));
        assertEquals(1, StraceLineParser.number("1"));
        assertEquals(-1, StraceLineParser.number("0xffffffff"));
        assertEquals(1_500_000_000L, StraceLineParser.nanos("1.5"));
        assertEquals(17_586L, StraceLineParser.nanos("0.000017586"));
    }

    /** Recorded 2026-12-04, strace 6.1 -X raw on PACKET_RX_RING: its four unsigned ints, in order. */
    @Test
    void tpacketReqIsFourInts() {
        assertEquals("0010000004000000" + "0008000008000000", HexFormat.of().formatHex(StraceValue.bytes(
                "{tp_block_size=4096, tp_block_nr=4, tp_frame_size=2048, tp_frame_nr=8}", 16)));
        assertEquals(28, StraceValue.bytes("{tp_block_size=4096, tp_block_nr=4, tp_frame_size=2048, tp_frame_nr=8,"
                + " tp_retire_blk_tov=60, tp_sizeof_priv=0, tp_feature_req_word=1}", 28).length);
        assertArrayEquals(new byte[0], StraceValue.bytes("{mr_ifindex=1, mr_type=0x1, mr_alen=0, mr_address=\"\"}",
                16), "packet_mreq: strace does not print the address bytes past mr_alen");
    }

    @Test
    void structsWithUnknownFieldsOrForeignValuesGiveNoBytes() {
        assertArrayEquals(new byte[0], StraceValue.bytes("{l_onoff=1}", 8));
        assertArrayEquals(new byte[0], StraceValue.bytes("{l_onoff=1, l_linger=\"\\x05\"}", 8));
        assertArrayEquals(new byte[0], StraceValue.bytes("{imr_multiaddr=\"\\xe0\", imr_interface=\"\\x00\"}", 8));
        assertArrayEquals(new byte[0], StraceValue.bytes("[99999999999]", 4));
        assertArrayEquals(new byte[] {1, 2}, StraceValue.bytes("\"\\x01\\x02\\x03\"...", 2));
    }

    @Test
    void noticesSayWhenEachProcessIsAttached() throws Exception {
        List<Integer> attached = new ArrayList<>();
        for (String line : Fixtures.lines("strace-notices.txt")) {
            StraceNotices.attached(line).ifPresent(attached::add);
            assertTrue(StraceNotices.isChatter(line), line);
        }
        assertTrue(attached.containsAll(List.of(30927, 30945, 30958, 31007)), attached.toString());
        assertEquals(OptionalInt.of(42), StraceNotices.attached("/usr/bin/strace: Process 42 attached"));
        String failed = "/usr/bin/strace: attach: ptrace(PTRACE_SEIZE, 30178): No such process";
        assertFalse(StraceNotices.isChatter(failed));
        assertEquals(OptionalInt.of(30178), StraceNotices.attachFailed(failed));
        assertEquals(OptionalInt.empty(), StraceNotices.attachFailed("strace: Process 30178 attached"));
    }
}
