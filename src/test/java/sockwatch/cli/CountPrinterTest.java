package sockwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sockwatch.decode.OptionTable;
import sockwatch.output.TextFormatter;
import sockwatch.probe.bpftrace.BpftraceLineParser;
import sockwatch.support.Fixtures;

/** --count from the recorded probe output to what the user reads: the table, or JSON records. */
class CountPrinterTest {
    private final OptionTable table = OptionTable.standard();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    private String run(String fixture, EventFilter filter, boolean json) throws Exception {
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        EventPrinter printer = new EventPrinter(filter, new TextFormatter(java.time.ZoneOffset.UTC), table, out,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), v -> {
                }).countsOnly();
        BpftraceLineParser parser = new BpftraceLineParser(0).countKeys(16384);
        Fixtures.lines(fixture).forEach(l -> parser.accept(l, printer));
        CountPrinter p = new CountPrinter(json, out);
        p.backend("bpftrace");
        p.print(printer.counts());
        return stdout.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTableIsPerProcessMostCallsFirstWithDecodedValues() throws Exception {
        String text = run("bpftrace-count.txt", EventFilter.any(), false);
        // the two SO_BINDTODEVICE keys (different page offsets) are one count once their bytes are judged
        assertEquals(String.join("\n",
                "Counted in the kernel by bpftrace: 1008 calls, 1 process",
                "  PID 12932 'python3':",
                "    TCP_NODELAY (SOL_TCP)         on                                           ok                         1000x",
                "    option 9999 (SOL_SOCKET)      0x01000000 (4 bytes)                         failed: ENOPROTOOPT           3x",
                "    SO_LINGER (SOL_SOCKET)        {onoff=1, linger=5}                          ok                            2x",
                "    SO_BINDTODEVICE (SOL_SOCKET)  \"lo-very-long-nam\" (first 16 of 20 bytes) *  failed: ENODEV                2x",
                "    TCP_CONGESTION (SOL_TCP)      \"cubic\"                                      ok                            1x",
                "* counted by the value's first 16 bytes: calls whose values differ only after them share a count",
                ""), text);
    }

    @Test
    void aFullTableSaysHowManyCallsWereCountedWithoutTheirValue() throws Exception {
        String text = run("bpftrace-count-full.txt", EventFilter.any(), false);
        assertTrue(text.startsWith("Counted in the kernel by bpftrace: 36 calls, 1 process\n"), text);
        assertTrue(text.contains("    SO_RCVBUF (SOL_SOCKET)  32768  ok           8x\n"), text);
        assertTrue(text.endsWith("174 more calls were counted without their process, option and value: the probe's"
                + " table of 16384 keys was full\n"), text);
    }

    @Test
    void jsonHasOneRecordPerCountAndTheTotalLast() throws Exception {
        List<JsonObject> out = run("bpftrace-count.txt", EventFilter.any(), true).lines()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(6, out.size());
        JsonObject nodelay = out.get(0);
        assertEquals(List.of("count", "pid", "comm", "level", "level_num", "option", "optname", "value", "raw",
                "optlen", "keyed_by_prefix", "ret", "errno", "ok", "backend", "via", "abi"),
                List.copyOf(nodelay.keySet()));
        assertEquals(1000, nodelay.get("count").getAsLong());
        assertEquals("TCP_NODELAY", nodelay.get("option").getAsString());
        assertEquals(1, nodelay.get("value").getAsInt());
        assertTrue(nodelay.get("ok").getAsBoolean());
        JsonObject failed = out.get(1);
        assertEquals(-92, failed.get("ret").getAsLong());
        assertEquals("ENOPROTOOPT", failed.get("errno").getAsString());
        assertTrue(out.get(3).get("keyed_by_prefix").getAsBoolean());
        assertEquals(2, out.get(3).get("count").getAsLong());
        JsonObject total = out.get(5);
        assertEquals(List.of("counted", "without_value", "table_keys", "backend"), List.copyOf(total.keySet()));
        assertEquals(1008, total.get("counted").getAsLong());
        assertEquals(0, total.get("without_value").getAsLong());
    }

    @Test
    void countsAreFilteredLikeTheCallsTheyStandFor() throws Exception {
        var nodelay = table.option(6, 1);
        String text = run("bpftrace-count.txt", EventFilter.of(Set.of(), List.of(), Set.of(nodelay), Set.of(), false),
                false);
        assertTrue(text.startsWith("Counted in the kernel by bpftrace: 1000 calls, 1 process\n"), text);
        assertEquals(3, text.lines().count(), text);
        stdout.reset();
        text = run("bpftrace-count.txt", EventFilter.of(Set.of(), List.of("nginx"), Set.of(), Set.of(), false), false);
        assertEquals("Counted in the kernel by bpftrace: 0 calls, 0 processes\n", text);
    }

    /**
     * TLS_TX values (constructed lines in the probe's format, not a recording): the same version and cipher with
     * different key material are one count, and no byte past the cipher is printed.
     */
    @Test
    void countsThatDifferOnlyInAKeyAreOneLineWithoutTheKey() throws Exception {
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        EventPrinter printer = new EventPrinter(EventFilter.any(), new TextFormatter(java.time.ZoneOffset.UTC), table,
                out, out, v -> {
                }).countsOnly();
        BpftraceLineParser parser = new BpftraceLineParser(0).countKeys(16384);
        parser.accept("@comm[77]: (1635148138, 0)", printer);
        parser.accept("@counts[77, 282, 1, 40, 0, 15982355516453225219, 1229782938247303441, 25857]: 2", printer);
        parser.accept("@counts[77, 282, 1, 40, 0, 8671175384465867523, 2459565876494606882, 25857]: 3", printer);
        parser.accept("@counted: 5", printer);
        new CountPrinter(true, out).print(printer.counts());
        List<JsonObject> lines = stdout.toString(StandardCharsets.UTF_8).lines()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(5, lines.get(0).get("count").getAsLong());
        assertEquals("03033300", lines.get(0).get("raw").getAsString());
        assertEquals("redacted", lines.get(0).get("value").getAsJsonObject().get("key").getAsString());
        String all = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(!all.contains("aabb") && !all.contains("1111") && !all.contains("1234"), all);
    }

    @Test
    void aProbeStoppedBeforeItsTotalSaysTheCountsMayBeShort() throws Exception {
        List<String> cut = Fixtures.lines("bpftrace-count.txt").stream().filter(l -> !l.startsWith("@counted")
                && !l.startsWith("SW1 END")).toList();
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        EventPrinter printer = new EventPrinter(EventFilter.any(), new TextFormatter(java.time.ZoneOffset.UTC), table,
                out, out, v -> {
                }).countsOnly();
        BpftraceLineParser parser = new BpftraceLineParser(0);
        cut.forEach(l -> parser.accept(l, printer));
        new CountPrinter(false, out).print(printer.counts());
        assertTrue(stdout.toString(StandardCharsets.UTF_8).endsWith("The probe did not report its total: these"
                + " counts may miss calls\n"), stdout.toString(StandardCharsets.UTF_8));
    }
}
