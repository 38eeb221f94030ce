package sockwatch.output;

import java.util.LinkedHashMap;
import java.util.Map;
import sockwatch.decode.SocketNames;

/** One JSON object per event (JSON lines). The field list is the README's contract; tests hold it. */
public final class JsonFormatter implements EventFormatter {

    private final TimeText time = new TimeText(null);

    /** Written field by field (this runs for every event); the keys and their order are the contract. */
    @Override
    public String format(EventView v) {
        var e = v.event();
        StringBuilder out = new StringBuilder(512);
        out.append("{\"ts\": \"");
        time.isoInstant(out, e.wallNanos());
        out.append("\", \"pid\": ").append(e.pid());
        out.append(", \"tid\": ").append(e.tid());
        out.append(", \"comm\": ");
        Json.string(out, v.comm());
        out.append(", \"fd\": ").append(e.fd());
        out.append(", \"family\": ");
        Json.value(out, SocketNames.family(e.socket()));
        out.append(", \"proto\": ");
        Json.value(out, SocketNames.protocol(e.socket()));
        out.append(", \"state\": ");
        Json.value(out, SocketNames.tcpState(e.socket()));
        out.append(", \"local\": ");
        Json.value(out, e.socket().local());
        out.append(", \"remote\": ");
        Json.value(out, e.socket().remote());
        out.append(", \"level\": ");
        Json.value(out, v.levelName());
        out.append(", \"level_num\": ").append(e.level());
        out.append(", \"option\": ");
        Json.value(out, v.optionName());
        out.append(", \"optname\": ").append(e.optname());
        out.append(", \"value\": ");
        Json.value(out, v.value().json());
        out.append(", \"raw\": \"").append(e.rawHex()).append('"');
        out.append(", \"optlen\": ").append(e.optlen());
        out.append(", \"truncated\": ").append(e.truncated());
        out.append(", \"ret\": ").append(e.ret());
        out.append(", \"errno\": ");
        Json.value(out, e.ok() ? null : v.errnoName());
        out.append(", \"ok\": ").append(e.ok());
        out.append(", \"backend\": ");
        Json.string(out, e.backend());
        return out.append('}').toString();
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
