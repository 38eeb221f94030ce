package sockwatch.output;

/** Renders one decoded event as one line (no newline, never containing one). */
public interface EventFormatter {
    String format(EventView view);

    /** Changes-only mode: a line for repeats that were counted, not shown; null when this format has none. */
    default String formatRepeats(RepeatView view) {
        return null;
    }
}
