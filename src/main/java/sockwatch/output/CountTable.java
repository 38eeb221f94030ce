package sockwatch.output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sockwatch.decode.OptionTable;
import sockwatch.event.CallCount;

/**
 * Counts-only mode (--count): the backend's counts that passed the filters, merged where they turn out to be the
 * same calls (the probe keys by where optval lies in its page too, to tell read bytes from zeros; once that is
 * judged, two such keys may be one), and the backend's total, to tell calls it had no room to key.
 */
public final class CountTable {
    /** One line of the table: a count with its names and value decoded. */
    public record Row(CallCount count, EventView view) {
    }

    private final OptionTable table;
    private final Map<CallCount.Key, CallCount> counts = new LinkedHashMap<>();
    private long keyed;
    private long total = -1;
    private int tableKeys;

    public CountTable(OptionTable table) {
        this.table = table;
    }

    /** A count the backend reported, before sockwatch's filters: for the total's check. */
    public synchronized void reported(CallCount c) {
        keyed += c.count();
    }

    /** A count that passed the filters. */
    public synchronized void add(CallCount c) {
        counts.merge(c.key(), c, (a, b) -> a.plus(b.count()));
    }

    /** The backend's total of every call it counted, and the size of its table. */
    public synchronized void total(long counted, int keys) {
        total = counted;
        tableKeys = keys;
    }

    /** By process, then most calls first (then by option, so that equal counts keep one order). */
    public synchronized List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (CallCount c : counts.values()) {
            rows.add(new Row(c, EventView.of(c.asEvent(), table)));
        }
        rows.sort(Comparator.comparingInt((Row r) -> r.count().pid())
                .thenComparing(Comparator.comparingLong((Row r) -> r.count().count()).reversed())
                .thenComparingInt(r -> r.count().level()).thenComparingInt(r -> r.count().optname())
                .thenComparingLong(r -> r.count().ret()));
        return rows;
    }

    /** Whether the backend reported its total (a probe stopped before its end did not). */
    public synchronized boolean complete() {
        return total >= 0;
    }

    /** Every call the backend counted (the filters in the kernel applied, not sockwatch's own); -1 if unknown. */
    public synchronized long total() {
        return total;
    }

    /** Calls the backend counted but had no room to key by value: its table was full. */
    public synchronized long withoutValue() {
        return total < 0 ? 0 : Math.max(0, total - keyed);
    }

    public synchronized int tableKeys() {
        return tableKeys;
    }
}
