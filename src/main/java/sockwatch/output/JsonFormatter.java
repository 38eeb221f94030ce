package sockwatch.output;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import sockwatch.decode.SocketNames;

/** One JSON object per event (JSON lines). The field list is the README's contract; tests hold it. */
public final class JsonFormatter implements EventFormatter {

    @Override
    public String format(EventView v) {
        var e = v.event();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ts", Instant.ofEpochSecond(0, e.wallNanos()).toString());
        o.put("pid", e.pid());
        o.put("tid", e.tid());
        o.put("comm", v.comm());
        o.put("fd", e.fd());
        o.put("family", SocketNames.family(e.socket()));
        o.put("proto", SocketNames.protocol(e.socket()));
        o.put("state", SocketNames.tcpState(e.socket()));
        o.put("local", e.socket().local());
        o.put("remote", e.socket().remote());
        o.put("level", v.levelName());
        o.put("level_num", e.level());
        o.put("option", v.optionName());
        o.put("optname", e.optname());
        o.put("value", v.value().json());
        o.put("raw", e.rawHex());
        o.put("optlen", e.optlen());
        o.put("truncated", e.truncated());
        o.put("ret", e.ret());
        o.put("errno", e.ok() ? null : v.errnoName());
        o.put("ok", e.ok());
        o.put("backend", e.backend());
        StringBuilder out = new StringBuilder(256);
        Json.object(out, o);
        return out.toString();
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
