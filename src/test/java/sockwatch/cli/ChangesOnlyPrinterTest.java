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
import sockwatch.output.JsonFormatter;
import sockwatch.probe.bpftrace.BpftraceLineParser;
import sockwatch.support.Fixtures;
import sockwatch.sys.IdentityCache;
import sockwatch.sys.ProcessIdentity;

/** --changes-only from the recorded probe output to what the user reads: JSON records and the summary. */
class ChangesOnlyPrinterTest {
    private final OptionTable table = OptionTable.standard();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private EventPrinter printer(EventFilter filter) {
        return new EventPrinter(filter, new JsonFormatter(), table,
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8),
                v -> {
                }).changesOnly();
    }

    private static void feed(EventPrinter printer, List<String> lines) {
        BpftraceLineParser parser = new BpftraceLineParser(0);
        lines.forEach(l -> parser.accept(l, printer));
    }

    private List<JsonObject> json() {
        return stdout.toString(StandardCharsets.UTF_8).lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
    }

    @Test
    void changesAreShownAndRepeatsCountedExactly() throws Exception {
        EventPrinter printer = printer(EventFilter.any());
        feed(printer, Fixtures.lines("bpftrace-changes-only.txt"));
        List<JsonObject> out = json();
        assertEquals(8, out.size(), stdout.toString(StandardCharsets.UTF_8));
        assertTrue(out.subList(0, 5).stream().allMatch(o -> o.has("ts") && !o.has("repeats")));
        JsonObject nodelay = out.stream().filter(o -> o.has("repeats") && o.get("optname").getAsInt() == 1
                && o.get("level_num").getAsInt() == 6)
                .findFirst().orElseThrow();
        assertEquals(10000, nodelay.get("repeats").getAsLong());
        assertEquals("TCP_NODELAY", nodelay.get("option").getAsString());
        assertEquals("SOL_TCP", nodelay.get("level").getAsString());
        assertEquals(19019, nodelay.get("pid").getAsInt());
        assertEquals("python3", nodelay.get("comm").getAsString());
        assertEquals(3, nodelay.get("fd").getAsInt());
        assertTrue(nodelay.get("ok").getAsBoolean());
        assertTrue(nodelay.get("errno").isJsonNull());
        JsonObject failed = out.stream().filter(o -> o.has("repeats") && o.get("optname").getAsInt() == 13
                && o.get("level_num").getAsInt() == 6)
                .findFirst().orElseThrow();
        assertEquals(2, failed.get("repeats").getAsLong());
        assertEquals("ENOENT", failed.get("errno").getAsString());
        assertEquals(-2, failed.get("ret").getAsInt());

        String summary = printer.summary().render();
        assertTrue(summary.startsWith("Summary: 5 events (changes only), 10003 repeats counted in the kernel and not"
                + " shown, 1 process\n"), summary);
        assertTrue(summary.contains("set 10003x (10000 repeats not shown), final on, fd 3"), summary);
        assertTrue(summary.contains("set 2x (1 repeat not shown), final {onoff=1, linger=5}, fd 3"), summary);
        assertTrue(summary.contains("set 3x (2 repeats not shown), failed 3x ENOENT, fd 3"), summary);
        assertEquals(10003, printer.summary().repeats());
    }

    /** An IdentityCache that knows one made-up process, 19019 (the fixture's), in cgroup /a. */
    private static IdentityCache fakeIdentities() {
        return new IdentityCache(new IdentityCache.Source() {
            @Override
            public long startTime(int pid) {
                return pid == 19019 ? 7 : -1;
            }

            @Override
            public ProcessIdentity read(int pid, long startTime) {
                return new ProcessIdentity(pid, startTime, List.of("python3", "toggle.py"), false, "/a", 4026531833L,
                        null, null, false, false);
            }
        }, () -> 0);
    }

    private EventPrinter printer(CgroupFilter cgroups) {
        return new EventPrinter(EventFilter.any(), new JsonFormatter(), table,
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8),
                v -> {
                }, fakeIdentities()).cgroups(cgroups).changesOnly();
    }

    @Test
    void repeatRecordsCarryTheProcesssIdentityAndCgroupFiltersThemToo() throws Exception {
        EventPrinter printer = printer(CgroupFilter.parse(List.of("/a"), List.of("/sys/fs/cgroup")));
        feed(printer, Fixtures.lines("bpftrace-changes-only.txt"));
        List<JsonObject> out = json();
        assertEquals(8, out.size(), stdout.toString(StandardCharsets.UTF_8));
        JsonObject repeat = out.stream().filter(o -> o.has("repeats")).findFirst().orElseThrow();
        assertEquals(List.of("repeats", "pid", "comm", "cmdline", "cmdline_truncated", "cgroup", "netns", "container",
                "container_runtime", "unit", "fd", "level", "level_num", "option", "optname", "ret", "errno", "ok",
                "backend"), List.copyOf(repeat.keySet()));
        assertEquals("toggle.py", repeat.getAsJsonArray("cmdline").get(1).getAsString());
        assertTrue(out.stream().allMatch(o -> o.get("cgroup").getAsString().equals("/a")));

        stdout.reset();
        EventPrinter elsewhere = printer(CgroupFilter.parse(List.of("/b"), List.of("/sys/fs/cgroup")));
        feed(elsewhere, Fixtures.lines("bpftrace-changes-only.txt"));
        assertEquals("", stdout.toString(StandardCharsets.UTF_8), "neither its events nor its repeats");
        assertTrue(elsewhere.summary().render().startsWith("Summary: 0 events"), elsewhere.summary().render());
    }

    @Test
    void repeatsAreFilteredLikeTheCallsTheyRepeat() throws Exception {
        EventPrinter printer = printer(EventFilter.of(Set.of(), List.of(),
                OptionNames.resolve(table, List.of("SO_LINGER")), Set.of(), false));
        feed(printer, Fixtures.lines("bpftrace-changes-only.txt"));
        List<JsonObject> out = json();
        assertEquals(2, out.size(), stdout.toString(StandardCharsets.UTF_8));
        assertEquals(1, out.get(1).get("repeats").getAsLong());
        String summary = printer.summary().render();
        assertTrue(summary.startsWith("Summary: 1 event (changes only), 1 repeat counted in the kernel and not shown,"
                + " 1 process\n"), summary);
    }

    @Test
    void repeatsTheProbeCouldNotAttributeAreSaid() {
        EventPrinter printer = printer(EventFilter.any());
        feed(printer, List.of("@repeats[7, 3, 6, 1, 0]: 5", "@repeats_total: 12", "SW1 END"));
        assertTrue(printer.summary().render().contains("5 repeats counted in the kernel and not shown, 7 more repeats"
                + " the probe had no room to attribute"), printer.summary().render());
    }

    @Test
    void missingRepeatCountsAreSaidNotHidden() {
        EventPrinter printer = printer(EventFilter.any());
        assertTrue(printer.summary().render().startsWith("Summary: 0 events (changes only: the probe did not report"
                + " its repeat counts, so they are missing)"), printer.summary().render());
    }
}
