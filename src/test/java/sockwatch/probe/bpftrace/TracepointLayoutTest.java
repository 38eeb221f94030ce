package sockwatch.probe.bpftrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sockwatch.support.Capabilities;

/** The probe reads the enter record by offset; a kernel whose record differs must be refused, not misread. */
class TracepointLayoutTest {
    /** Recorded from /sys/kernel/tracing on the development machine (Debian 12, kernel 6.18, x86_64). */
    private static String recorded() throws Exception {
        return new String(TracepointLayoutTest.class.getResourceAsStream(
                "/bpftrace/sys_enter_setsockopt.format.kernel-6.18").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void theRecorded64BitLayoutIsWhatTheProbeReads() throws Exception {
        assertEquals(Optional.empty(), TracepointLayout.problemIn(recorded()));
    }

    @Test
    void anotherLayoutIsRefusedWithTheFieldThatDiffers() throws Exception {
        String shifted = recorded().replace("field:int level;\toffset:24;\tsize:8;", "field:int level;\toffset:20;\tsize:4;");
        assertEquals(Optional.of("the setsockopt tracepoint's record is laid out differently from what sockwatch's"
                + " probe reads (level: offset/size 20/4, expected 24/8)"), TracepointLayout.problemIn(shifted));
        String missing = recorded().replace("field:int optlen;", "field:int len;");
        assertTrue(TracepointLayout.problemIn(missing).orElseThrow().contains("(optlen: offset/size missing"),
                TracepointLayout.problemIn(missing).toString());
    }

    @Test
    void the32BitPartsRawSyscallsRecordIsCheckedToo() throws Exception {
        String raw = new String(TracepointLayoutTest.class.getResourceAsStream(
                "/bpftrace/raw_syscalls_sys_enter.format.kernel-6.18").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(Optional.empty(), TracepointLayout.rawProblemIn(raw));
        assertEquals(Optional.of("the raw_syscalls:sys_enter record is laid out differently from what sockwatch's"
                + " 32-bit probe reads (args: offset/size 12/24, expected 16/48)"), TracepointLayout.rawProblemIn(
                raw.replace("args[6];\toffset:16;\tsize:48;", "args[6];\toffset:12;\tsize:24;")));
        assertTrue(TracepointLayout.rawProblemIn(raw.replace("long id;", "long nr;")).orElseThrow()
                .contains("(id: offset/size missing"));
    }

    /** Recorded from this kernel's tracefs (6.18), like the others. */
    @Test
    void theIoUringPartsRecordsAreCheckedToo() throws Exception {
        String submit = new String(TracepointLayoutTest.class.getResourceAsStream(
                "/bpftrace/io_uring_submit_req.format.kernel-6.18").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String complete = new String(TracepointLayoutTest.class.getResourceAsStream(
                "/bpftrace/io_uring_complete.format.kernel-6.18").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(Optional.empty(), TracepointLayout.uringProblemIn(submit, complete));
        assertEquals(Optional.of("the io_uring:io_uring_complete record is laid out differently from what sockwatch's"
                + " io_uring probe reads (res: offset/size 28/4, expected 32/4)"), TracepointLayout.uringProblemIn(submit,
                complete.replace("field:int res;\toffset:32;", "field:int res;\toffset:28;")));
        assertTrue(TracepointLayout.uringProblemIn(submit.replace("u8 opcode;", "u8 op;"), complete).orElseThrow()
                .contains("io_uring_submit_req record is laid out differently from what sockwatch's io_uring probe reads"
                        + " (opcode: offset/size missing"));
    }

    @Test
    void thisKernelsLayoutMatches() throws Exception {
        Capabilities.requireBpftrace();
        Path tracing = sockwatch.sys.Tracefs.ensureMounted(); // as sockwatch does before it traces
        assertTrue(Files.exists(tracing.resolve(TracepointLayout.FORMAT)), tracing.toString());
        assertEquals(Optional.empty(), TracepointLayout.problem(tracing));
        assertEquals(Optional.empty(), TracepointLayout.rawProblem(tracing));
        assertEquals(Optional.empty(), TracepointLayout.uringProblem(tracing));
    }
}
