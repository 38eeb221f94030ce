package sockwatch.output;

import java.util.List;
import java.util.Locale;
import sockwatch.event.CallCount;

/**
 * Counts-only mode as text: per process, one line per (option, value, result) with its count, then what the
 * counts miss. For example
 * <pre>
 * Counted in the kernel by bpftrace: 1003 calls, 1 process
 *   PID 4242 'python3':
 *     TCP_NODELAY (SOL_TCP)   on  ok                   1000x
 *     option 9999 (SOL_SOCKET)  1   failed: ENOPROTOOPT  3x
 * </pre>
 */
public final class CountText {
    private CountText() {
    }

    public static String render(CountTable t, String backend) {
        List<CountTable.Row> rows = t.rows();
        long calls = rows.stream().mapToLong(r -> r.count().count()).sum();
        long processes = rows.stream().mapToInt(r -> r.count().pid()).distinct().count();
        StringBuilder out = new StringBuilder();
        out.append("Counted in the kernel by ").append(backend).append(": ").append(calls)
                .append(calls == 1 ? " call" : " calls").append(", ").append(processes)
                .append(processes == 1 ? " process" : " processes").append('\n');
        int optionWidth = 0;
        int valueWidth = 0;
        int resultWidth = 0;
        for (CountTable.Row r : rows) {
            optionWidth = Math.max(optionWidth, option(r).length());
            valueWidth = Math.max(valueWidth, value(r).length());
            resultWidth = Math.max(resultWidth, result(r).length());
        }
        int lastPid = Integer.MIN_VALUE;
        for (CountTable.Row r : rows) {
            if (r.count().pid() != lastPid) {
                lastPid = r.count().pid();
                out.append("  PID ").append(lastPid).append(" '").append(r.view().comm()).append("':\n");
            }
            out.append("    ").append(pad(option(r), optionWidth)).append("  ").append(pad(value(r), valueWidth))
                    .append("  ").append(pad(result(r), resultWidth)).append("  ")
                    .append(String.format(Locale.ROOT, "%10d", r.count().count())).append("x\n");
        }
        if (rows.stream().anyMatch(r -> r.count().keyedByPrefix())) {
            out.append("* counted by the value's first ").append(CallCount.KEYED_BYTES).append(" bytes: calls whose"
                    + " values differ only after them share a count\n");
        }
        if (!t.complete()) {
            out.append("The probe did not report its total: these counts may miss calls\n");
        } else if (t.withoutValue() > 0) {
            out.append(t.withoutValue()).append(" more calls were counted without their process, option and value:"
                    + " the probe's table of ").append(t.tableKeys()).append(" keys was full\n");
        }
        return out.toString();
    }

    private static String option(CountTable.Row r) {
        return r.view().optionLabel() + " (" + r.view().levelLabel() + ")"
                + (r.count().path().note() != null ? " [" + r.count().path().note() + "]" : "");
    }

    /** on/off for a boolean, the decoded value otherwise; a value keyed by its start is marked (see the footnote). */
    private static String value(CountTable.Row r) {
        Boolean enabled = r.view().value().enabled();
        String v = enabled != null ? (enabled ? "on" : "off") : r.view().value().text();
        return r.count().keyedByPrefix() ? v + " *" : v;
    }

    private static String result(CountTable.Row r) {
        return r.count().ret() >= 0 ? "ok" : "failed: " + r.view().errnoName();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
