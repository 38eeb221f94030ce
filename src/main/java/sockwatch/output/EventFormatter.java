package sockwatch.output;

/** Renders one decoded event as one line (no newline, never containing one). */
public interface EventFormatter {
    /**
     * Appends the event's line to {@code out}: the printer writes lines straight into its output buffer, so no
     * String is made per event. Formatters keep no per-call state, so one may serve several threads.
     */
    void formatTo(EventView view, StringBuilder out);

    /** The event's line as a String. */
    default String format(EventView view) {
        StringBuilder out = new StringBuilder(256);
        formatTo(view, out);
        return out.toString();
    }

    /** Changes-only mode: a line for repeats that were counted, not shown; null when this format has none. */
    default String formatRepeats(RepeatView view) {
        return null;
    }

    /** At the end: the summary as records of this format, after the events; none for text (its summary goes to
     * stderr, for a person). */
    default java.util.List<String> summaryRecords(Summary summary) {
        return java.util.List.of();
    }
}
