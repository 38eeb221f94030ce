package sockwatch.output;

import java.util.LinkedHashMap;
import java.util.Map;
import sockwatch.decode.SocketNames;

/** One JSON object per event (JSON lines). The field list is the README's contract; tests hold it. */
public final class JsonFormatter implements EventFormatter {

    /** An event's JSON is 340 to 760 characters (median ~420); room for most without growing. */
    private static final int LINE_CAPACITY = 512;

    private final TimeText time = new TimeText(null);

    @Override
    public String format(EventView v) {
        StringBuilder out = new StringBuilder(LINE_CAPACITY);
        formatTo(v, out);
        return out.toString();
    }

    /** Written field by field (this runs for every event); the keys and their order are the contract. */
    @Override
    public void formatTo(EventView v, StringBuilder out) {
        var e = v.event();
        var socket = e.socket();
        out.append("{\"ts\": \"");
        time.isoInstant(out, e.wallNanos());
        out.append("\", \"pid\": ").append(e.pid());
        out.append(", \"tid\": ").append(e.tid());
        out.append(", \"comm\": ");
        Json.string(out, v.comm());
        out.append(", \"fd\": ").append(e.fd());
        out.append(", \"family\": ");
        stringOrNull(out, SocketNames.family(socket));
        out.append(", \"proto\": ");
        stringOrNull(out, SocketNames.protocol(socket));
        out.append(", \"state\": ");
        stringOrNull(out, SocketNames.tcpState(socket));
        out.append(", \"local\": ");
        stringOrNull(out, socket.local());
        out.append(", \"remote\": ");
        stringOrNull(out, socket.remote());
        out.append(", \"level\": ");
        stringOrNull(out, v.levelName());
        out.append(", \"level_num\": ").append(e.level());
        out.append(", \"option\": ");
        stringOrNull(out, v.optionName());
        out.append(", \"optname\": ").append(e.optname());
        out.append(", \"value\": ");
        Json.value(out, v.value().json());
        out.append(", \"raw\": \"").append(e.rawHex()).append('"');
        out.append(", \"optlen\": ").append(e.optlen());
        out.append(", \"truncated\": ").append(e.truncated());
        out.append(", \"ret\": ").append(e.ret());
        out.append(", \"errno\": ");
        stringOrNull(out, e.ok() ? null : v.errnoName());
        out.append(", \"ok\": ").append(e.ok());
        out.append(", \"backend\": ");
        Json.string(out, e.backend());
        out.append('}');
    }

    private static void stringOrNull(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
        } else {
            Json.string(out, s);
        }
    }

    /** Changes-only mode, at the end: one object per (process, fd, option, result) whose repeats were not shown. */
    @Override
    public String formatRepeats(RepeatView v) {
        var r = v.repeats();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("repeats", r.count());
        o.put("pid", r.pid());
        o.put("comm", v.comm());
        o.put("fd", r.fd());
        o.put("level", v.levelName());
        o.put("level_num", r.level());
        o.put("option", v.optionName());
        o.put("optname", r.optname());
        o.put("ret", r.ret());
        o.put("errno", v.errnoName());
        o.put("ok", r.ok());
        o.put("backend", r.backend());
        StringBuilder out = new StringBuilder(200);
        Json.object(out, o);
        return out.toString();
    }
}
