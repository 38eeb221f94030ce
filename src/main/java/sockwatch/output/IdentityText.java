package sockwatch.output;

import java.util.Objects;
import java.util.function.BiFunction;
import sockwatch.sys.ProcessIdentity;

/**
 * How a process's identity is shown: in text, its title where it says more than comm and the container, unit
 * and network namespace where they are not sockwatch's own; in JSON, all its fields. Each is made once per
 * process and reused (see {@link Memo}): a process's identity is one object for all its events.
 */
public final class IdentityText {
    /** Text shows this much of a title (in characters); JSON has all of it. */
    static final int TITLE_SHOWN = 64;

    private IdentityText() {
    }

    /** {@code , "nginx: worker process"} (after the PID in text) or "" when the title adds nothing to comm. */
    public static String titleClause(ProcessIdentity id, String comm) {
        String title = id.title();
        if (title == null || title.isEmpty() || title.equals(comm)) {
            return "";
        }
        boolean cut = title.length() > TITLE_SHOWN || id.argsTruncated();
        if (title.length() > TITLE_SHOWN) {
            title = title.substring(0, Character.isHighSurrogate(title.charAt(TITLE_SHOWN - 1))
                    ? TITLE_SHOWN - 1 : TITLE_SHOWN);
        }
        // escaped like comm, which is shown in '' the same way
        return ", \"" + title + (cut ? "\"..." : "\"");
    }

    /**
     * {@code  [container docker 0123456789ab] [netns 4026532xxx]}: what is not sockwatch's own, "" when nothing.
     * A container hides the unit (its scope is named after it); a 64-hex id is shown by its first 12, as docker does.
     */
    public static String tags(ProcessIdentity id) {
        StringBuilder b = new StringBuilder();
        if (id.container() != null) {
            String cid = id.container().id();
            b.append(" [container ").append(id.container().runtime()).append(' ')
                    .append(cid.length() == 64 ? cid.substring(0, 12) : cid).append(']');
        } else if (id.otherUnit()) {
            b.append(" [unit ").append(id.unit()).append(']');
        }
        if (id.otherNetns()) {
            b.append(" [netns ").append(id.netns()).append(']');
        }
        return b.toString();
    }

    /**
     * {@code , "cmdline": [...], "cmdline_truncated": false, "cgroup": "/system.slice/nginx.service",
     * "netns": 4026531840, "container": null, "container_runtime": null, "unit": "nginx.service"}: null where
     * unknown.
     */
    public static String jsonFields(ProcessIdentity id) {
        StringBuilder b = new StringBuilder(160).append(", \"cmdline\": ");
        if (id.args() == null) {
            b.append("null");
        } else {
            b.append('[');
            for (int i = 0; i < id.args().size(); i++) {
                if (i > 0) {
                    b.append(", ");
                }
                Json.string(b, id.args().get(i));
            }
            b.append(']');
        }
        b.append(", \"cmdline_truncated\": ").append(id.args() == null ? "null" : id.argsTruncated());
        b.append(", \"cgroup\": ");
        Json.value(b, id.cgroup());
        b.append(", \"netns\": ");
        Json.value(b, id.netns() != 0 ? id.netns() : null);
        b.append(", \"container\": ");
        Json.value(b, id.container() != null ? id.container().id() : null);
        b.append(", \"container_runtime\": ");
        Json.value(b, id.container() != null ? id.container().runtime() : null);
        b.append(", \"unit\": ");
        Json.value(b, id.unit());
        return b.toString();
    }

    /**
     * One piece of text per identity (and comm, for the title), made on first use: a small direct-mapped table
     * keyed by the identity object itself, not its contents: the cache hands out one object per process. Safe
     * for several threads without locks, as FragmentCache.
     */
    static final class Memo {
        private static final int SLOT_BITS = 8;

        private record Entry(ProcessIdentity id, String comm, String text) {
        }

        private final Entry[] slots = new Entry[1 << SLOT_BITS];
        private final BiFunction<ProcessIdentity, String, String> make;

        Memo(BiFunction<ProcessIdentity, String, String> make) {
            this.make = make;
        }

        String get(ProcessIdentity id, String comm) {
            int slot = (System.identityHashCode(id) * 0x9E3779B9) >>> (32 - SLOT_BITS);
            Entry e = slots[slot];
            if (e != null && e.id == id && Objects.equals(e.comm, comm)) {
                return e.text;
            }
            String text = make.apply(id, comm);
            slots[slot] = new Entry(id, comm, text);
            return text;
        }
    }
}
