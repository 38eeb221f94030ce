package sockwatch.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import sockwatch.output.CountTable;
import sockwatch.output.CountText;
import sockwatch.output.JsonFormatter;

/**
 * --count: writes the counts once the probe has stopped, as a table (text) or one JSON record per count and a
 * last one with the total (--json), to stdout or --output FILE.
 */
final class CountPrinter {
    private final boolean json;
    private final PrintStream out;
    private volatile String backend = "?";

    CountPrinter(boolean json, PrintStream out) {
        this.json = json;
        this.out = out;
    }

    /** The backend that armed (the one that counted). */
    void backend(String name) {
        backend = name;
    }

    void print(CountTable table) {
        StringBuilder text = new StringBuilder();
        if (json) {
            JsonFormatter f = new JsonFormatter();
            for (CountTable.Row r : table.rows()) {
                text.append(f.formatCount(r)).append('\n');
            }
            text.append(f.formatCountTotal(table, backend)).append('\n');
        } else {
            text.append(CountText.render(table, backend));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }

    /** For stderr: what the counts cannot include (the summary's blind spots), and skipped backend lines. */
    static String notes(List<String> blindSpots, long malformed) {
        StringBuilder out = new StringBuilder();
        if (malformed > 0) {
            out.append("sockwatch: ").append(malformed).append(" unreadable backend lines skipped\n");
        }
        if (!blindSpots.isEmpty()) {
            out.append("What this watch could not see:\n");
            blindSpots.forEach(s -> out.append("  - ").append(s).append('\n'));
        }
        return out.toString();
    }
}
