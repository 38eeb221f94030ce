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
 * that lays the record out otherwise would be misread, so the bpftrace backend refuses it instead.
 */
final class TracepointLayout {
    static final String FORMAT = "events/syscalls/sys_enter_setsockopt/format";
    private static final Map<String, Integer> EXPECTED = expected();
    private static final Pattern FIELD = Pattern.compile("field:[^;]*?(\\w+);\\s*offset:(\\d+);\\s*size:(\\d+);");

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

    static Optional<String> problemIn(String format) {
        Map<String, String> seen = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(format);
        while (m.find()) {
            seen.put(m.group(1), m.group(2) + "/" + m.group(3));
        }
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
