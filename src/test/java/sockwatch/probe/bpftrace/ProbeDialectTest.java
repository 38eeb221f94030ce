package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The probe's per-version differences, on the text itself: the versions CI runs (compat/suites: 0.17.0, 0.23.2;
 * 0.11.3 is refused) and the changelog's boundaries between them. Whether each text really runs is CompatMatrixTest's job.
 */
class ProbeDialectTest {
    private static final String PROBE = BpftraceBackend.script();

    private static String source(int major, int minor, int patch) {
        return new ProbeDialect(BpftraceVersion.of(major, minor, patch)).source(PROBE);
    }

    @Test
    void versionsAreReadFromWhatBpftracePrints() {
        assertEquals(Optional.of(BpftraceVersion.of(0, 17, 0)), BpftraceVersion.parse("bpftrace v0.17.0\n"));
        assertEquals(Optional.of(BpftraceVersion.of(0, 23, 2)), BpftraceVersion.parse("bpftrace v0.23.2"));
        assertEquals(Optional.of(BpftraceVersion.of(0, 11, 3)), BpftraceVersion.parse("bpftrace v0.11.3\n"));
        assertEquals(Optional.of(BpftraceVersion.of(0, 21, 2)), BpftraceVersion.parse("bpftrace v0.21.2-3.fc41"));
        assertEquals(Optional.of(BpftraceVersion.of(0, 9, 0)), BpftraceVersion.parse("bpftrace v0.9"));
        assertEquals(Optional.empty(), BpftraceVersion.parse("bpftrace: unknown option"));
        assertEquals(Optional.empty(), BpftraceVersion.parse(""));
        assertTrue(BpftraceVersion.of(0, 9, 4).compareTo(ProbeDialect.OLDEST) < 0);
    }

    @Test
    void bpftrace017RunsTheFileAsShippedButForItsTags() {
        String s = source(0, 17, 0);
        assertEquals(PROBE.replaceAll("(?m)^.*//@ compat32.*\\n", "").replaceAll("(?m)^.*//@ io-uring.*\\n", "")
                .replaceAll("[ \\t]*//@ record-offsets", "").replaceAll("(?m)^(\\s*)//@ !io-uring ", "$1")
                .replaceAll("(?m)^\\s*//@ !record-offsets .*\\n", ""), s);
        assertTrue(s.contains("$rec = (uint64)args;"));
        assertTrue(s.contains("kptr($rec + 16)"));
        assertFalse(s.contains("(int32)args->fd"));
    }

    @Test
    void from019OnTheArgumentsAreNamedSinceArgsBecameAStruct() {
        for (String s : List.of(source(0, 19, 0), source(0, 23, 2))) {
            assertFalse(s.contains("(uint64)args;"), "0.19 made args a struct, which cannot be cast");
            assertTrue(s.contains("$lv = (int64)(int32)args->level; $on = (int64)(int32)args->optname;"));
            assertTrue(s.contains("@call[tid] = ((int64)(int32)args->fd, $lv, $on, (uint64)args->optval,"
                    + " (int64)(int32)args->optlen, 1);"));
            assertTrue(s.contains("uptr("), "address spaces stay");
        }
        assertTrue(source(0, 18, 0).contains("$rec = (uint64)args;"));
    }

    /** bench/profile.sh takes parts of the probe out by replacing these lines: each must stay there exactly once. */
    @Test
    void theProfilesCutsStillMatchTheProbeOnceInEachVersion() throws Exception {
        String profile = java.nio.file.Files.readString(java.nio.file.Path.of("bench/profile.sh"));
        for (String cut : List.of("if ($4 != 2 || $3 != 0) {   /* counts only", "\t\t\t$n = $len;\n",
                "if ($left > 0) {")) {
            assertTrue(profile.contains(cut.replace("\t", "\\t").replace("\n", "\\n")) || profile.contains(cut),
                    "bench/profile.sh cuts " + cut);
            for (String s : List.of(source(0, 17, 0), source(0, 23, 2))) {
                assertEquals(1, s.split(java.util.regex.Pattern.quote(cut), -1).length - 1, cut);
            }
        }
    }

    @Test
    void bpftrace011IsBelowTheOldestThatCanRunTheProbe() {
        // no kptr()/uptr(), printf formats over 64 bytes refused (seen in stap/vm's bullseye guest)
        assertTrue(BpftraceVersion.of(0, 11, 3).compareTo(ProbeDialect.OLDEST) < 0);
        assertTrue(BpftraceVersion.of(0, 12, 0).compareTo(ProbeDialect.OLDEST) >= 0);
    }

    @Test
    void everyTagIsResolvedAndTheRestIsUntouched() {
        for (String s : List.of(source(0, 12, 0), source(0, 17, 0), source(0, 20, 0), source(0, 23, 2))) {
            assertFalse(java.util.regex.Pattern.compile("//@ !?[a-z0-9-]+").matcher(s).find(), "a tag was left");
            assertEquals(PROBE.lines().filter(l -> !l.matches(".*//@ !?[a-z0-9-]+.*")).count(),
                    s.lines().count() - (s.contains("$rec = (uint64)args;") ? 4 : 2) - 1,   // and $ret = args->ret
                    "untagged lines are all kept, tagged ones replaced");
        }
        assertThrows(IllegalStateException.class, () -> new ProbeDialect(BpftraceVersion.of(0, 17, 0))
                .source("\t$x = 1;  //@ no-such-feature"));
    }

    @Test
    void tunablesGoByTheNameEachVersionReadsAndWarningsAreOffWhereTheFlagExists() {
        Map<String, String> old = new ProbeDialect(BpftraceVersion.of(0, 17, 0)).environment(16384);
        assertEquals("16384", old.get("BPFTRACE_MAP_KEYS_MAX"));
        assertFalse(old.containsKey("BPFTRACE_MAX_MAP_KEYS"));
        Map<String, String> std = new ProbeDialect(BpftraceVersion.of(0, 23, 2)).environment(16384);
        assertEquals("16384", std.get("BPFTRACE_MAX_MAP_KEYS"));
        assertFalse(std.containsKey("BPFTRACE_MAP_KEYS_MAX"), "0.20 and later warn that the old name is deprecated");
        assertFalse(std.containsKey("BPFTRACE_STRLEN"), "deprecated in 0.20, and the probe prints no strings");
        assertFalse(new ProbeDialect(BpftraceVersion.of(0, 23, 2)).environment(null).containsKey("BPFTRACE_MAX_MAP_KEYS"));
        assertTrue(new ProbeDialect(BpftraceVersion.of(0, 17, 0)).flags().contains("--no-warnings"));
    }

    @Test
    void tagsCanBeCombinedAndNegatedAndAnOptionalLineCanBeVersionDependent() {
        String text = String.join("\n", "a", "b //@ compat32", "c //@ compat32 record-offsets",
                "d //@ compat32 !record-offsets", "\t//@ !record-offsets e //@ compat32", "f");
        ProbeDialect v17 = new ProbeDialect(BpftraceVersion.of(0, 17, 0));
        ProbeDialect v23 = new ProbeDialect(BpftraceVersion.of(0, 23, 2));
        Set<ProbeDialect.Feature> on = Set.of(ProbeDialect.Feature.COMPAT32);
        assertEquals("a\nf", v17.source(text));
        assertEquals("a\nf", v23.source(text));
        assertEquals("a\nb\nc\nf", v17.with(on).source(text));
        assertEquals("a\nb\nd\n\te\nf", v23.with(on).source(text));
        assertFalse(v17.has(ProbeDialect.Feature.COMPAT32), "optional: never on by version alone");
        assertThrows(IllegalArgumentException.class, () -> v17.with(Set.of(ProbeDialect.Feature.TRACEFS)));
    }

    @Test
    void the32BitPartIsThereOnlyWhenSwitchedOnAndReadsTheRecordTheWayEachVersionCan() {
        Set<ProbeDialect.Feature> on = Set.of(ProbeDialect.Feature.COMPAT32);
        for (String s : List.of(source(0, 17, 0), source(0, 23, 2))) {
            assertFalse(s.contains("tracepoint:raw_syscalls"), "off by default: it runs on every syscall");
        }
        String v17 = new ProbeDialect(BpftraceVersion.of(0, 17, 0)).with(on).source(PROBE);
        String v23 = new ProbeDialect(BpftraceVersion.of(0, 23, 2)).with(on).source(PROBE);
        for (String s : List.of(v17, v23)) {
            assertTrue(s.contains("tracepoint:raw_syscalls:sys_enter\n/"), s);
            assertTrue(s.contains("tracepoint:syscalls:sys_exit_setsockopt\n, tracepoint:raw_syscalls:sys_exit\n"));
            assertTrue(s.contains("(curtask->thread_info.status & 2)"), "only a caller in a 32-bit syscall");
            assertTrue(s.contains("&& ($1 == 0 || @watch[pid]) && ($6 == 0 || "), "the same watch as the 64-bit probe,"
                    + " tested last, then the name");
            assertEquals(1, s.split("printf\\(\"SW2 ", -1).length - 3, "still one copy of the printing");
        }
        assertTrue(v17.contains("$id = *(int64 *)kptr($rec + 8);"));
        assertFalse(v17.contains("args->id"), "0.17: by record offset (start-up)");
        assertTrue(v23.contains("$id = args->id;"));
        assertFalse(v23.contains("kptr((uint64)args") || v23.contains("(uint64)args;"), "0.19+: args cannot be cast");
    }

    /**
     * The io_uring part: the completion's probe hands the call to the shared exit probe, which must come after it
     * (programs on one tracepoint run in attach order, which is the file's); the return value is read without
     * naming args->ret in the shared probe (io_uring_complete has res), by offset on 0.17, from the call on 0.23.
     */
    @Test
    void theIoUringPartHandsTheCallToTheOneExitProbeAndReadsTheResultTheWayEachVersionCan() {
        Set<ProbeDialect.Feature> on = Set.of(ProbeDialect.Feature.IO_URING);
        for (String s : List.of(source(0, 17, 0), source(0, 23, 2))) {
            assertFalse(s.contains("tracepoint:io_uring"), "not in the text unless switched on");
            assertTrue(s.contains("\t\t\t$ret = args->ret;\n"), s);
        }
        String v17 = new ProbeDialect(BpftraceVersion.of(0, 17, 0)).with(on).source(PROBE);
        String v23 = new ProbeDialect(BpftraceVersion.of(0, 23, 2)).with(on).source(PROBE);
        String both = new ProbeDialect(BpftraceVersion.of(0, 23, 2)).with(Set.of(ProbeDialect.Feature.IO_URING,
                ProbeDialect.Feature.COMPAT32)).source(PROBE);
        for (String s : List.of(v17, v23, both)) {
            int submit = s.indexOf("tracepoint:io_uring:io_uring_submit_req\n");
            int handoff = s.indexOf("tracepoint:io_uring:io_uring_complete\n/");
            int exit = s.indexOf(", tracepoint:io_uring:io_uring_complete\n/@call[tid].5/");
            assertTrue(submit > 0 && handoff > submit && exit > handoff, "submit, hand-off, then the exit probe:\n" + s);
            assertEquals(1, s.split("printf\\(\"SW2 ", -1).length - 3, "still one copy of the printing");
            assertFalse(s.contains("\t\t\t$ret = args->ret;\n"), "the shared probe runs on io_uring_complete too");
        }
        assertTrue(v17.contains("$ret = *(int64 *)kptr((uint64)args + 16);"));
        assertTrue(v17.contains("if ($c.5 >= 4) {\n\t\t\t\t$ret = @uret[tid];"), "io_uring's result from the hand-off");
        assertFalse(v17.contains("args->req") || v17.contains("args->res"), "0.17: by record offset (start-up)");
        assertTrue(v23.contains("$ret = @uret[tid]; delete(@uret[tid]);"));
        assertTrue(v23.contains("\t@uret[tid] = (int64)args->ret;"), "0.23: the syscall's ret is put aside first");
        assertTrue(v23.indexOf("@uret[tid] = (int64)args->ret;") < v23.indexOf(", tracepoint:io_uring:io_uring_complete\n/"),
                "before the exit probe");
        assertTrue(both.contains("tracepoint:syscalls:sys_exit_setsockopt\n, tracepoint:raw_syscalls:sys_exit\n/@call[tid].5/\n{\n\t@uret"),
                "with the 32-bit part, its exits get their ret the same way");
        assertFalse(v23.contains("kptr((uint64)args") || v23.contains("(uint64)args;"), "0.19+: args cannot be cast");
    }

    @Test
    void onlyOldBpftraceNeedsDebugfs() {
        assertFalse(new ProbeDialect(BpftraceVersion.of(0, 16, 0)).has(ProbeDialect.Feature.TRACEFS));
        assertTrue(new ProbeDialect(BpftraceVersion.of(0, 17, 0)).has(ProbeDialect.Feature.TRACEFS));
    }

    @Test
    void aBpftraceBlindToTheKernelsBtfIsToldSo() {
        String fix = BpftraceBackend.fixFor("bpftrace 0.11.3: /bpftrace/include/clang_workarounds.h:14:10: fatal error: "
                + "'linux/types.h' file not found");
        assertTrue(fix.contains("found no kernel types"), fix);
        assertTrue(fix.contains("--backend strace"), fix);
        assertTrue(BpftraceBackend.fixFor("bpftrace 0.16.0: ERROR: something else").startsWith("a newer bpftrace"));
    }
}
