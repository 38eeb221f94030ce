package sockwatch.probe.bpftrace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the record layout that setsockopt.bt's enter probe reads by offset (it does, rather than args->fd,
 * because that keeps bpftrace 0.17's start-up at a third): fd, level, optname, optval and optlen in 8-byte slots
 * at 16, 24, 32, 40 and 48, as tracefs' format file for the tracepoint describes them on 64-bit kernels. A kernel
 * that lays the record out otherwise would be misread, so the bpftrace backend refuses it instead. The same for
 * raw_syscalls:sys_enter, which the 32-bit part reads by offset: long id at 8, unsigned long args[6] at 16; and
 * the io_uring part's io_uring_submit_req (req at 16, opcode at 32) and io_uring_complete (req at 16, res at 32).
 */
final class TracepointLayout {
    static final String FORMAT = "events/syscalls/sys_enter_setsockopt/format";
    static final String RAW_FORMAT = "events/raw_syscalls/sys_enter/format";
    private static final Map<String, Integer> EXPECTED = expected();
    private static final Map<String, String> RAW_EXPECTED = Map.of("id", "8/8", "args", "16/48");
    private static final Pattern FIELD = Pattern.compile(
            "field:[^;]*?(\\w+)(?:\\[\\d+\\])?;\\s*offset:(\\d+);\\s*size:(\\d+);");

    private TracepointLayout() {
    }

    private static Map<String, Integer> expected() {
        Map<String, Integer> m = new LinkedHashMap<>();
        List<String> names = List.of("fd", "level", "optname", "optval", "optlen");
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), 16 + 8 * i);
        }
        return m;
    }

    /** Why the record does not match what the probe reads, or empty when it does. */
    static Optional<String> problem(Path tracing) {
        String format;
        try {
            format = Files.readString(tracing.resolve(FORMAT));
        } catch (IOException e) {
            return Optional.of("cannot read " + tracing.resolve(FORMAT) + ": " + e.getMessage());
        }
        return problemIn(format);
    }

    /** The same for raw_syscalls:sys_enter (the 32-bit part, with record offsets). */
    static Optional<String> rawProblem(Path tracing) {
        String format;
        try {
            format = Files.readString(tracing.resolve(RAW_FORMAT));
        } catch (IOException e) {
            return Optional.of("cannot read " + tracing.resolve(RAW_FORMAT) + " (32-bit programs are seen through"
                    + " raw_syscalls): " + e.getMessage());
        }
        return rawProblemIn(format);
    }

    static Optional<String> rawProblemIn(String format) {
        Map<String, String> seen = fields(format);
        for (String name : List.of("id", "args")) {
            String got = seen.get(name);
            if (!RAW_EXPECTED.get(name).equals(got)) {
                return Optional.of("the raw_syscalls:sys_enter record is laid out differently from what sockwatch's"
                        + " 32-bit probe reads (" + name + ": offset/size " + (got == null ? "missing" : got)
                        + ", expected " + RAW_EXPECTED.get(name) + ")");
            }
        }
        return Optional.empty();
    }

    /** io_uring's two records, which the io_uring part reads by offset with record offsets. */
    static final String SUBMIT_FORMAT = "events/io_uring/io_uring_submit_req/format";
    static final String COMPLETE_FORMAT = "events/io_uring/io_uring_complete/format";
    private static final Map<String, String> SUBMIT_EXPECTED = Map.of("req", "16/8", "opcode", "32/1");
    private static final Map<String, String> COMPLETE_EXPECTED = Map.of("req", "16/8", "res", "32/4");

    /** The same for io_uring_submit_req and io_uring_complete (the io_uring part, with record offsets). */
    static Optional<String> uringProblem(Path tracing) {
        try {
            return uringProblemIn(Files.readString(tracing.resolve(SUBMIT_FORMAT)),
                    Files.readString(tracing.resolve(COMPLETE_FORMAT)));
        } catch (IOException e) {
            return Optional.of("cannot read the io_uring tracepoints' formats in " + tracing + ": " + e.getMessage());
        }
    }

    static Optional<String> uringProblemIn(String submit, String complete) {
        Optional<String> p = differs("io_uring:io_uring_submit_req", fields(submit), SUBMIT_EXPECTED,
                List.of("req", "opcode"));
        return p.isPresent() ? p : differs("io_uring:io_uring_complete", fields(complete), COMPLETE_EXPECTED,
                List.of("req", "res"));
    }

    private static Optional<String> differs(String tracepoint, Map<String, String> seen, Map<String, String> want,
            List<String> names) {
        for (String name : names) {
            String got = seen.get(name);
            if (!want.get(name).equals(got)) {
                return Optional.of("the " + tracepoint + " record is laid out differently from what sockwatch's"
                        + " io_uring probe reads (" + name + ": offset/size " + (got == null ? "missing" : got)
                        + ", expected " + want.get(name) + ")");
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> fields(String format) {
        Map<String, String> seen = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(format);
        while (m.find()) {
            seen.put(m.group(1), m.group(2) + "/" + m.group(3));
        }
        return seen;
    }

    static Optional<String> problemIn(String format) {
        Map<String, String> seen = fields(format);
        for (Map.Entry<String, Integer> e : EXPECTED.entrySet()) {
            String want = e.getValue() + "/8";
            String got = seen.get(e.getKey());
            if (!want.equals(got)) {
                return Optional.of("the setsockopt tracepoint's record is laid out differently from what sockwatch's"
                        + " probe reads (" + e.getKey() + ": offset/size " + (got == null ? "missing" : got)
                        + ", expected " + want + ")");
            }
        }
        return Optional.empty();
    }
}
