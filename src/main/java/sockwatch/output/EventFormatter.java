package sockwatch.output;

/** Renders one decoded event as one line (no newline, never containing one). */
public interface EventFormatter {
    String format(EventView view);
}
