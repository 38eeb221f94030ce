package sockwatch.output;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sockwatch.decode.SocketNames;
import sockwatch.event.SocketContext;
import sockwatch.sys.ProcessIdentity;

/** One JSON object per event (JSON lines). The field list is the README's contract; tests hold it. */
public final class JsonFormatter implements EventFormatter {

    /** An event's JSON is 340 to 760 characters (median ~420); room for most without growing. */
    private static final int LINE_CAPACITY = 512;

    private final TimeText time = new TimeText(null);
    /** The runs of fields that repeat from event to event, each made once (see formatTo). */
    private final FragmentCache comms = new FragmentCache();
    private final FragmentCache sockets = new FragmentCache();
    private final FragmentCache options = new FragmentCache();
    private final FragmentCache results = new FragmentCache();
    private final IdentityText.Memo identities = new IdentityText.Memo((id, comm) -> IdentityText.jsonFields(id));
    /** The identity fields of a process not looked up. */
    private static final String NO_IDENTITY = IdentityText.jsonFields(ProcessIdentity.unknown(0));

    @Override
    public String format(EventView v) {
        StringBuilder out = new StringBuilder(LINE_CAPACITY);
        formatTo(v, out);
        return out.toString();
    }

    /**
     * Written field by field (this runs for every event); the keys and their order are the contract. The runs of
     * fields that repeat from event to event are appended as one fragment each, made on first use: the process
     * name, the socket's kind, the option's names and numbers, and the result with the backend. Field by field a
     * line took some 45 small appends, most of the time the JSON took.
     */
    @Override
    public void formatTo(EventView v, StringBuilder out) {
        var e = v.event();
        var socket = e.socket();
        out.append("{\"ts\": \"");
        time.isoInstant(out, e.wallNanos());
        out.append("\", \"pid\": ").append(e.pid()).append(", \"tid\": ").append(e.tid());
        out.append(commFragment(v.comm()));
        out.append(v.process() != null ? identities.get(v.process(), null) : NO_IDENTITY);
        out.append(", \"fd\": ").append(e.fd());
        out.append(socketFragment(socket));
        stringOrNull(out, socket.local());
        out.append(", \"remote\": ");
        stringOrNull(out, socket.remote());
        out.append(optionFragment(v));
        Json.value(out, v.value().json());
        out.append(", \"raw\": \"").append(e.rawHex()).append("\", \"optlen\": ").append(e.optlen())
                .append(", \"truncated\": ").append(e.truncated()).append(", \"ret\": ").append(e.ret());
        out.append(resultFragment(v));
    }

    /** {@code , "comm": "name"} */
    private String commFragment(String comm) {
        String f = comms.get(comm.hashCode(), comm, null);
        if (f == null) {
            StringBuilder b = new StringBuilder(", \"comm\": ");
            Json.string(b, comm);
            f = comms.put(comm.hashCode(), comm, null, b.toString());
        }
        return f;
    }

    /** {@code , "family": "inet", "proto": "tcp", "state": "LISTEN", "local": }: the names of the socket's numbers. */
    private String socketFragment(SocketContext s) {
        long kind = socketKind(s);
        String f = kind < 0 ? null : sockets.get(kind, null, null);
        if (f == null) {
            StringBuilder b = new StringBuilder(", \"family\": ");
            stringOrNull(b, SocketNames.family(s));
            b.append(", \"proto\": ");
            stringOrNull(b, SocketNames.protocol(s));
            b.append(", \"state\": ");
            stringOrNull(b, SocketNames.tcpState(s));
            f = b.append(", \"local\": ").toString();
            if (kind >= 0) {
                sockets.put(kind, null, null, f);
            }
        }
        return f;
    }

    /** Family (UNKNOWN and NOT_A_SOCKET too), type, protocol and state in one number; -1 if one does not fit. */
    private static long socketKind(SocketContext s) {
        int family = s.family() + 2;
        if (family < 0 || family > 0xffff || (s.type() | s.protocol()) >>> 16 != 0 || s.state() >>> 8 != 0) {
            return -1;
        }
        return (long) family << 40 | (long) s.type() << 24 | (long) s.protocol() << 8 | s.state();
    }

    /** {@code , "level": "SOL_TCP", "level_num": 6, "option": "TCP_NODELAY", "optname": 1, "value": } */
    private String optionFragment(EventView v) {
        var e = v.event();
        long key = (long) e.level() << 32 | e.optname() & 0xffffffffL;
        String f = options.get(key, v.levelName(), v.optionName());
        if (f == null) {
            StringBuilder b = new StringBuilder(", \"level\": ");
            stringOrNull(b, v.levelName());
            b.append(", \"level_num\": ").append(e.level()).append(", \"option\": ");
            stringOrNull(b, v.optionName());
            b.append(", \"optname\": ").append(e.optname()).append(", \"value\": ");
            f = options.put(key, v.levelName(), v.optionName(), b.toString());
        }
        return f;
    }

    /**
     * {@code , "errno": "ENOENT", "ok": false, "backend": "bpftrace", "via": "syscall", "abi": "64-bit",
     * "registered_file": false}}: the end of the line.
     */
    private String resultFragment(EventView v) {
        var e = v.event();
        String errno = e.ok() ? null : v.errnoName();
        long key = (e.ok() ? 0 : e.ret()) << 3 | e.path().ordinal();   // a failure's ret is its -errno
        String f = results.get(key, errno, e.backend());
        if (f == null) {
            StringBuilder b = new StringBuilder(", \"errno\": ");
            stringOrNull(b, errno);
            b.append(", \"ok\": ").append(e.ok()).append(", \"backend\": ");
            Json.string(b, e.backend());
            b.append(", \"via\": ");
            Json.string(b, e.path().via());
            b.append(", \"abi\": ");
            Json.string(b, e.path().abi());
            // io_uring on a registered file: its "fd" is the index in the ring's file table
            b.append(", \"registered_file\": ").append(e.path() == sockwatch.event.CallPath.IO_URING_REGISTERED);
            f = results.put(key, errno, e.backend(), b.append('}').toString());
        }
        return f;
    }

    private static void stringOrNull(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
        } else {
            Json.string(out, s);
        }
    }

    /** The summary as JSON lines after the events (README: "JSON summary records"). */
    @Override
    public List<String> summaryRecords(Summary summary) {
        return summary.jsonRecords();
    }

    /** Changes-only mode, at the end: one object per (process, fd, option, result) whose repeats were not shown. */
    @Override
    public String formatRepeats(RepeatView v) {
        var r = v.repeats();
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("repeats", r.count());
        head.put("pid", r.pid());
        head.put("comm", v.comm());
        Map<String, Object> o = new LinkedHashMap<>();   // after the process's identity fields, as in an event
        o.put("fd", r.fd());
        o.put("level", v.levelName());
        o.put("level_num", r.level());
        o.put("option", v.optionName());
        o.put("optname", r.optname());
        o.put("ret", r.ret());
        o.put("errno", v.errnoName());
        o.put("ok", r.ok());
        o.put("backend", r.backend());
        StringBuilder out = new StringBuilder(400).append('{');
        Json.members(out, head);
        out.append(v.process() != null ? IdentityText.jsonFields(v.process()) : NO_IDENTITY).append(", ");
        Json.members(out, o);
        return out.append('}').toString();
    }

    /** Counts-only mode, at the end: one object per (process, option, value, result) with its count. */
    public String formatCount(CountTable.Row row) {
        var c = row.count();
        var e = row.view().event();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("count", c.count());
        o.put("pid", c.pid());
        o.put("comm", row.view().comm());
        o.put("level", row.view().levelName());
        o.put("level_num", c.level());
        o.put("option", row.view().optionName());
        o.put("optname", c.optname());
        o.put("value", row.view().value().json());
        o.put("raw", e.rawHex());
        o.put("optlen", c.optlen());
        o.put("keyed_by_prefix", c.keyedByPrefix());
        o.put("ret", c.ret());
        o.put("errno", row.view().errnoName());
        o.put("ok", c.ret() >= 0);
        o.put("backend", c.backend());
        o.put("via", c.path().via());
        o.put("abi", c.path().abi());
        StringBuilder out = new StringBuilder(300);
        Json.object(out, o);
        return out.toString();
    }

    /**
     * Counts-only mode, last: every call the backend counted ({@code null} if it did not say), and how many of
     * them it had no room to key by process, option and value (its table of table_keys keys was full).
     */
    public String formatCountTotal(CountTable t, String backend) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("counted", t.complete() ? t.total() : null);
        o.put("without_value", t.withoutValue());
        o.put("table_keys", t.complete() ? t.tableKeys() : null);
        o.put("backend", backend);
        StringBuilder out = new StringBuilder(120);
        Json.object(out, o);
        return out.toString();
    }
}
