package sockwatch.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import sockwatch.output.IdentityText;
import sockwatch.output.Json;
import sockwatch.output.Printable;
import sockwatch.snapshot.SocketSnapshot.Mark;
import sockwatch.snapshot.SocketSnapshot.Reading;
import sockwatch.sys.ProcessIdentity;

/**
 * `--json`: one object per socket (JSON lines). Fields, always present and in this order: pid, comm (escaped as
 * in the text output), the process's identity as in the trace JSON (cmdline, cmdline_truncated, cgroup, netns,
 * container, container_runtime, unit: null where unknown), fd, inode, family, type, proto, state, local, remote (null when there is none), options
 * {NAME: value decoded as in the trace JSON}, changed [NAME...], auto [NAME...], why {NAME: what explains its mark}.
 */
public final class SnapshotJsonFormatter {
    private final boolean changedOnly;
    private final IntFunction<ProcessIdentity> identities;

    /** Without the processes' identities (their fields null). */
    public SnapshotJsonFormatter(boolean changedOnly) {
        this(changedOnly, pid -> null);
    }

    /** @param identities who a process is (IdentityCache::get: thread-safe, the reading threads format) */
    public SnapshotJsonFormatter(boolean changedOnly, IntFunction<ProcessIdentity> identities) {
        this.changedOnly = changedOnly;
        this.identities = identities;
    }

    public String format(SocketSnapshot s) {
        Map<String, Object> options = new LinkedHashMap<>();
        List<String> changed = new ArrayList<>();
        List<String> auto = new ArrayList<>();
        Map<String, Object> why = new LinkedHashMap<>();
        for (Reading r : s.options()) { // each get() decodes, so once
            if (r.why() != null && (!changedOnly || r.mark() == Mark.CHANGED)) {
                why.put(r.option().name(), r.why());
            }
            if (r.mark() == Mark.CHANGED) {
                changed.add(r.option().name());
            } else if (r.mark() == Mark.AUTO && !changedOnly) {
                auto.add(r.option().name());
            }
            if (!changedOnly || r.mark() == Mark.CHANGED) {
                options.put(r.option().name(), r.value().json());
            }
        }
        StringBuilder sb = new StringBuilder(256 + 32 * options.size());
        sb.append("{\"pid\": ").append(s.pid()).append(", \"comm\": ");
        Json.string(sb, Printable.of(s.comm()));
        ProcessIdentity id = identities.apply((int) s.pid());
        sb.append(IdentityText.jsonFields(id != null ? id : ProcessIdentity.unknown((int) s.pid())));
        sb.append(", \"fd\": ").append(s.fd()).append(", \"inode\": ").append(s.inode());
        field(sb, "family", s.kind().familyName());
        field(sb, "type", s.kind().typeName());
        field(sb, "proto", s.kind().protoName());
        field(sb, "state", s.state());
        field(sb, "local", s.local());
        field(sb, "remote", s.remote());
        sb.append(", \"options\": ");
        Json.object(sb, options);
        array(sb, "changed", changed);
        array(sb, "auto", auto);
        // derived values (not in changed) and notes on changed ones: {"SO_PRIORITY": "derived from IP_TOS=16"}
        sb.append(", \"why\": ");
        Json.object(sb, why);
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(", \"").append(name).append("\": ");
        Json.value(sb, value);
    }

    private static void array(StringBuilder sb, String name, List<String> values) {
        sb.append(", \"").append(name).append("\": [");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Json.string(sb, values.get(i));
        }
        sb.append(']');
    }
}
