package sockwatch.output;

import java.time.ZoneId;

/**
 * The human line, in the spirit of the classic tap but level-correct:
 * {@code 17:31:52.120 App 'python3' (PID 4242) is enabling socket option TCP_NODELAY (SOL_TCP) on fd 3
 * (tcp 127.0.0.1:41000 -> 127.0.0.1:8080) ... success}
 */
public final class TextFormatter implements EventFormatter {
    private final TimeText time;

    public TextFormatter(ZoneId zone) {
        this.time = new TimeText(zone);
    }

    @Override
    public String format(EventView v) {
        var e = v.event();
        StringBuilder out = new StringBuilder(160);
        time.localTime(out, e.wallNanos());
        out.append(" App '").append(v.comm()).append("' (PID ").append(e.pid());
        if (e.tid() != e.pid()) {
            out.append(", TID ").append(e.tid());
        }
        out.append(") is ");
        String what = v.optionLabel() + " (" + v.levelLabel() + ")";
        Boolean enabled = v.value().enabled();
        if (enabled != null) {
            out.append(enabled ? "enabling" : "disabling").append(" socket option ").append(what);
        } else {
            out.append("setting socket option ").append(what).append(" to ").append(v.value().text());
        }
        out.append(" on fd ").append(e.fd()).append(SocketText.of(e.socket())).append(" ... ");
        out.append(e.ok() ? "success" : "failed: " + v.errnoName());
        return out.toString();
    }
}
