package sockwatch.cli;

import java.io.PrintStream;
import java.util.function.Consumer;
import sockwatch.decode.OptionTable;
import sockwatch.event.EventSink;
import sockwatch.event.SetsockoptEvent;
import sockwatch.output.EventFormatter;
import sockwatch.output.EventView;
import sockwatch.output.Summary;
import sockwatch.sys.ProcSockets;

/**
 * The sink every backend feeds while watching: filters, decodes, prints one line per event, counts for the
 * summary, and reports the backend's losses as they happen (on stderr, so JSON on stdout stays clean).
 */
public final class EventPrinter implements EventSink {
    private final EventFilter filter;
    private final EventFormatter formatter;
    private final OptionTable table;
    private final PrintStream out;
    private final PrintStream err;
    private final Summary summary = new Summary();
    private final Consumer<EventView> observer;

    public EventPrinter(EventFilter filter, EventFormatter formatter, OptionTable table, PrintStream out,
                        PrintStream err, Consumer<EventView> observer) {
        this.filter = filter;
        this.formatter = formatter;
        this.table = table;
        this.out = out;
        this.err = err;
        this.observer = observer;
    }

    @Override
    public void event(SetsockoptEvent event) {
        if (!event.socket().known()) {
            // The backend could not see the socket: look now, while the process most likely still has it.
            event = event.withSocket(ProcSockets.resolve(event.pid(), event.fd()));
        }
        if (!filter.test(event)) {
            return;
        }
        EventView view = EventView.of(event, table);
        summary.add(view);
        String line = formatter.format(view);
        synchronized (out) {
            out.println(line);
        }
        observer.accept(view);
    }

    @Override
    public void lost(long count) {
        summary.lost(count);
        err.println("sockwatch: the backend LOST " + count + " events (its buffer overflowed); they are not shown");
    }

    @Override
    public void malformed(String line) {
        summary.malformed();
    }

    @Override
    public void progress(String message) {
        err.println(message);
    }

    public Summary summary() {
        return summary;
    }
}
