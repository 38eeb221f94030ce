package sockwatch.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import sockwatch.decode.OptionTable;
import sockwatch.event.CallCount;
import sockwatch.event.EventSink;
import sockwatch.event.RepeatCount;
import sockwatch.event.SetsockoptEvent;
import sockwatch.output.CountTable;
import sockwatch.output.EventFormatter;
import sockwatch.output.EventView;
import sockwatch.output.RepeatView;
import sockwatch.output.Summary;
import sockwatch.sys.IdentityCache;
import sockwatch.sys.ProcSockets;
import sockwatch.sys.ProcessIdentity;
import sockwatch.sys.Processes;

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
    /** Who each process is, read once per process; --cgroup filters on it. */
    private final IdentityCache identities;
    private volatile CgroupFilter cgroups = CgroupFilter.ANY;
    /** Changes-only mode: what the filters said about the last shown call per key, and each process's name. */
    private Map<RepeatKey, Boolean> shownKeys;
    private Map<Integer, byte[]> comms;
    private long repeatsReported;
    /** Counts-only mode: the backend's counts, printed as a table at the end. */
    private volatile CountTable counts;
    /**
     * Lines not written yet: formatters append straight into it (no String per event), and it is written as one
     * UTF-8 write per burst once the backend batches (see {@link EventSink#endOfBatch()}), else per line.
     */
    private final StringBuilder pending = new StringBuilder();
    private boolean batching;
    private static final int PENDING_MAX = 1 << 16;
    private volatile WatchedProcesses tree;
    private final java.util.concurrent.atomic.AtomicLong unfollowed = new java.util.concurrent.atomic.AtomicLong();

    private record RepeatKey(int pid, int fd, int level, int optname) {
    }

    /**
     * @param out where the event lines go, written as UTF-8 bytes whatever the stream's own charset: sockwatch's
     *            stdout is UTF-8 whatever the locale ({@link Console#stdout()})
     */
    public EventPrinter(EventFilter filter, EventFormatter formatter, OptionTable table, PrintStream out,
                        PrintStream err, Consumer<EventView> observer) {
        this(filter, formatter, table, out, err, observer, IdentityCache.ofProc());
    }

    public EventPrinter(EventFilter filter, EventFormatter formatter, OptionTable table, PrintStream out,
                        PrintStream err, Consumer<EventView> observer, IdentityCache identities) {
        this.identities = identities;
        this.filter = filter;
        this.formatter = formatter;
        this.table = table;
        this.out = out;
        this.err = err;
        this.observer = observer;
    }

    /** --cgroup: only the processes in these cgroups (after the other filters, on the identity read). */
    public EventPrinter cgroups(CgroupFilter only) {
        this.cgroups = only;
        return this;
    }

    /**
     * Changes-only mode: the backend delivers only changes and reports the repeats at the end; they are filtered
     * like the calls they repeat and added to the summary.
     */
    public synchronized EventPrinter changesOnly() {
        shownKeys = new HashMap<>();
        comms = new HashMap<>();
        summary.changesOnly();
        return this;
    }

    /**
     * Counts-only mode: the backend delivers no calls, only counts at the end; they are filtered like the calls
     * they stand for (except --tcp, which a count cannot be judged by: the probe applies it).
     */
    public EventPrinter countsOnly() {
        counts = new CountTable(table);
        return this;
    }

    /** Counts-only mode's table, null otherwise. */
    public CountTable counts() {
        return counts;
    }

    @Override
    public void counted(CallCount c) {
        CountTable t = counts;
        if (t == null) {
            return;
        }
        t.reported(c);
        if (c.comm().length == 0) {
            // the probe had no room to keep its name: the process's name now, if it lives
            c = new CallCount(c.pid(), Processes.comm(c.pid()).orElse(new byte[0]), c.level(),
                    c.optname(), c.optlen(), c.value(), c.ret(), c.path(), c.count(), c.backend());
        }
        if (filter.test(c.asEvent())) {
            t.add(c);
        }
    }

    @Override
    public void callsCounted(long total, int tableKeys) {
        CountTable t = counts;
        if (t != null) {
            t.total(total, tableKeys);
        }
    }

    @Override
    public void event(SetsockoptEvent event) {
        if (!event.socket().known()) {
            // The backend could not see the socket: look now, while the process most likely still has it.
            event = event.withSocket(ProcSockets.resolveRecent(event.pid(), event.fd()));
        }
        boolean wanted = filter.test(event);
        ProcessIdentity process = null;
        if (wanted) {
            process = identities.get(event.pid());
            wanted = cgroups.test(process);
        }
        if (shownKeys != null) {
            synchronized (this) {
                shownKeys.put(new RepeatKey(event.pid(), event.fd(), event.level(), event.optname()), wanted);
                comms.put(event.pid(), event.comm());
            }
        }
        if (!wanted) {
            return;
        }
        EventView view = EventView.of(event, table, process);
        summary.add(view);
        synchronized (pending) {
            int lineStart = pending.length();
            try {
                formatter.formatTo(view, pending);
            } catch (RuntimeException e) {
                pending.setLength(lineStart);   // never half a line
                throw e;
            }
            endLine();
        }
        observer.accept(view);
    }

    /** One line to stdout: at once, or (once the backend batches) with the rest of its burst. */
    private void emit(String line) {
        synchronized (pending) {
            pending.append(line);
            endLine();
        }
    }

    private void endLine() {
        pending.append('\n');
        if (!batching || pending.length() >= PENDING_MAX) {
            flush();
        }
    }

    @Override
    public void endOfBatch() {
        synchronized (pending) {
            batching = true;
        }
        flush();
    }

    /** Writes what is held back, in one write. */
    public void flush() {
        synchronized (pending) {
            if (pending.length() > 0) {
                byte[] bytes = pending.toString().getBytes(StandardCharsets.UTF_8);
                pending.setLength(0);
                synchronized (out) {
                    out.write(bytes, 0, bytes.length);
                    out.flush();
                }
            }
        }
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

    @Override
    public void repeats(RepeatCount r) {
        RepeatView view;
        synchronized (this) {
            repeatsReported += r.count();
            if (shownKeys == null) {
                return;
            }
            Boolean wanted = shownKeys.get(new RepeatKey(r.pid(), r.fd(), r.level(), r.optname()));
            byte[] comm = comms.get(r.pid());
            if (wanted == null) {
                // its first call was never delivered (lost): judge it as that call would have been
                comm = comm != null ? comm : Processes.comm(r.pid()).orElse(new byte[0]);
                wanted = filter.test(new SetsockoptEvent(0, r.pid(), r.pid(), comm, r.fd(), r.level(), r.optname(),
                        0, new byte[0], r.ret(), r.backend(), ProcSockets.resolveRecent(r.pid(), r.fd())))
                        && cgroups.test(identities.get(r.pid()));
            }
            if (!wanted) {
                return;
            }
            view = RepeatView.of(r, comm, table, identities.get(r.pid()));
        }
        summary.repeats(view);
        String line = formatter.formatRepeats(view);
        if (line != null) {
            emit(line);
        }
    }

    @Override
    public synchronized void repeatsCounted(long total) {
        summary.repeatsReported(repeatsReported, total);
    }

    public Summary summary() {
        return summary;
    }

    /** At the end, after every event and repeat: the summary's records in this output's format (JSON), if any. */
    public void printSummaryRecords() {
        for (String line : formatter.summaryRecords(summary)) {
            emit(line);
        }
        flush();
    }

    /** The processes the watch waits for: the backend's fork and exit reports keep it up to date. */
    public void watching(WatchedProcesses tree) {
        this.tree = tree;
    }

    /** Tasks forked by watched processes that the probe had no room to follow. */
    public long unfollowed() {
        return unfollowed.get();
    }

    @Override
    public void processForked(int pid) {
        WatchedProcesses t = tree;
        if (t != null) {
            t.forked(pid);
        }
    }

    @Override
    public void processSeen(int pid) {
        identities.get(pid);   // read now: its events may come after it has exited (bpftrace's batches)
    }

    @Override
    public void processExited(int pid) {
        WatchedProcesses t = tree;
        if (t != null) {
            t.exited(pid);
        }
    }

    @Override
    public void processUnfollowed(int pid) {
        if (unfollowed.getAndIncrement() == 0) {
            err.println("sockwatch: PID " + pid + ", forked by a watched process, cannot be followed: the probe's"
                    + " table of watched tasks is full; its calls (and those of any more such) will be missing");
        }
    }
}
