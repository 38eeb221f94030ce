package sockwatch.output;

import java.time.ZoneId;

/**
 * The human line, in the spirit of the classic tap but level-correct:
 * {@code 17:31:52.120 App 'python3' (PID 4242, "python3 client.py") [netns 4026532337] is enabling socket option
 * TCP_NODELAY (SOL_TCP) on fd 3 (tcp 127.0.0.1:41000 -> 127.0.0.1:8080) ... success}: the process's title where
 * it differs from its name, and its container, unit and network namespace where they are not sockwatch's own.
 */
public final class TextFormatter implements EventFormatter {
    private final TimeText time;
    private final IdentityText.Memo titles = new IdentityText.Memo(IdentityText::titleClause);
    private final IdentityText.Memo tags = new IdentityText.Memo((id, comm) -> IdentityText.tags(id));

    public TextFormatter(ZoneId zone) {
        this.time = new TimeText(zone);
    }

    @Override
    public void formatTo(EventView v, StringBuilder out) {
        var e = v.event();
        time.localTime(out, e.wallNanos());
        out.append(" App '").append(v.comm()).append("' (PID ").append(e.pid());
        if (e.tid() != e.pid()) {
            out.append(", TID ").append(e.tid());
        }
        if (v.process() != null) {
            out.append(titles.get(v.process(), v.comm())).append(')').append(tags.get(v.process(), null));
        } else {
            out.append(')');
        }
        out.append(" is ");
        Boolean enabled = v.value().enabled();
        if (enabled != null) {
            out.append(enabled ? "enabling" : "disabling").append(" socket option ");
            appendOption(out, v);
        } else {
            out.append("setting socket option ");
            appendOption(out, v);
            out.append(" to ").append(v.value().text());
        }
        out.append(e.path() == sockwatch.event.CallPath.IO_URING_REGISTERED ? " on registered file " : " on fd ")
                .append(e.fd());
        SocketText.appendTo(out, e.socket());
        if (e.path().note() != null) {
            out.append(" [").append(e.path().note()).append(']');
        }
        out.append(" ... ");
        if (e.ok()) {
            out.append("success");
        } else {
            out.append("failed: ").append(v.errnoName());
        }
    }

    /** "TCP_NODELAY (SOL_TCP)", or "99 (SOL_TCP)" for an option our tables do not name (after "socket option") */
    private static void appendOption(StringBuilder out, EventView v) {
        out.append(v.optionName() != null ? v.optionName() : Integer.toString(v.event().optname())).append(" (")
                .append(v.levelLabel()).append(')');
    }
}
